"""The method's seed files: numbered versions kept in the repository and loaded on each release.

`method/seed/` holds one folder per version, `v1/`, `v2/`, ... Version 1 is whole: its YAML files hold
every section. A later version names the version it builds on in `_version.yaml` and holds only the
sections it adds or replaces — so that what changed between versions is what its folder holds:

    # method/seed/v2/_version.yaml
    base: 1
    change_note: "Raporti mallid; ..."      # shown on the version's page
    remove: []                              # optional sections the version drops
    correction_note: "..."                  # optional: why wording in this folder was corrected later

`seed_versions()` reads them all (no database); `method.services.method_seed_sync` publishes the ones a
database lacks and applies wording corrections made to the files of a published version (see
method/corrections.py), which `manage.py load_method` runs on every release.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .content import OPTIONAL_SECTIONS
from .loader import MethodContentError, read_seed_directory, read_yaml, validate_content
from .models import MethodVersion

SEED_DIRECTORY = Path(__file__).resolve().parent / "seed"
SEED_CHANGE_NOTE = "Esimene versioon, loodud metoodika lähtefailidest (method/seed/)."
_VERSION_FOLDER = re.compile(r"^v([1-9][0-9]*)$")
_VERSION_KEYS = {"base", "change_note", "remove", "correction_note"}


@dataclass(frozen=True)
class SeedVersion:
    number: int
    content: dict[str, Any]
    change_note: str
    correction_note: str
    base: int | None


def _version_folders(root: Path) -> list[tuple[int, Path]]:
    found = []
    for path in root.iterdir():
        match = _VERSION_FOLDER.match(path.name)
        if match and path.is_dir():
            found.append((int(match.group(1)), path))
    return sorted(found)


def _description(folder: Path) -> dict[str, Any]:
    path = folder / "_version.yaml"
    if not path.exists():
        return {}
    data = read_yaml(path.read_text(encoding="utf-8"), source=f"{folder.name}/{path.name}") or {}
    if not isinstance(data, dict) or set(data) - _VERSION_KEYS:
        raise MethodContentError(
            [
                _("%(source)s: only these keys are known: %(keys)s.")
                % {"source": f"{folder.name}/_version.yaml", "keys": ", ".join(sorted(_VERSION_KEYS))}
            ]
        )
    return data


def seed_versions(root: Path | str = SEED_DIRECTORY, *, validate: bool = True) -> list[SeedVersion]:
    """Every seed version in order of number, each with its whole content document.

    The numbers must run 1, 2, 3, ... without a gap, and a version may build only on an earlier one."""
    root = Path(root)
    versions: dict[int, SeedVersion] = {}
    for expected, (number, folder) in enumerate(_version_folders(root), start=1):
        if number != expected:
            raise MethodContentError(
                [_("%(root)s: version folders must be numbered v1, v2, … without a gap.") % {"root": root}]
            )
        description = _description(folder)
        base = description.get("base")
        if number == 1 and base is not None:
            raise MethodContentError([_("v1/_version.yaml: version 1 builds on no other version.")])
        if number > 1 and (not isinstance(base, int) or not 1 <= base < number):
            raise MethodContentError(
                [
                    _("%(folder)s/_version.yaml: say which earlier version this one builds on (base).")
                    % {"folder": folder.name}
                ]
            )
        sections = read_seed_directory(folder) if number == 1 or any(folder.glob("[!_]*.y*ml")) else {}
        if base is None:
            content = sections
        else:
            content = copy.deepcopy(versions[base].content)
            for section in description.get("remove") or []:
                if section not in OPTIONAL_SECTIONS:
                    raise MethodContentError(
                        [
                            _("%(folder)s/_version.yaml: only an optional section can be removed, not %(section)s.")
                            % {"folder": folder.name, "section": section}
                        ]
                    )
                content.pop(section, None)
            content.update(sections)
        if validate:
            problems = validate_content(content)
            if problems:
                raise MethodContentError([f"{folder.name}: {problem}" for problem in problems])
        versions[number] = SeedVersion(
            number=number,
            content=content,
            change_note=str(description.get("change_note") or (SEED_CHANGE_NOTE if number == 1 else "")),
            correction_note=str(description.get("correction_note") or ""),
            base=base,
        )
    if not versions:
        raise MethodContentError([_("%(directory)s: no method files (*.yaml) found.") % {"directory": root}])
    return [versions[number] for number in sorted(versions)]


def load_seed(directory: Path | str = SEED_DIRECTORY, *, validate: bool = True) -> dict[str, Any]:
    """A content document from seed files: the newest numbered version when `directory` holds version
    folders (`v1/`, `v2/`, ...), else the YAML files of `directory` merged (a method kept elsewhere).

    With `validate`, an invalid document raises MethodContentError listing every problem."""
    directory = Path(directory)
    if _version_folders(directory):
        return seed_versions(directory, validate=validate)[-1].content
    document = read_seed_directory(directory)
    if validate:
        problems = validate_content(document)
        if problems:
            raise MethodContentError(problems)
    return document


def seed_content(number: int) -> dict[str, Any]:
    """The content of seed version `number` (as the repository's files hold it now)."""
    for version in seed_versions():
        if version.number == number:
            return version.content
    raise MethodContentError([_("There is no seed version %(number)s.") % {"number": number}])


def load_method_file(path: Path | str) -> dict[str, Any]:
    """A whole content document from one YAML or JSON file, or from a directory of seed files.

    For tools that take a method from outside the database (e.g. `--method FILE`); raises
    MethodContentError when the document is not valid.
    """
    path = Path(path)
    if path.is_dir():
        return load_seed(path)
    document = read_yaml(path.read_text(encoding="utf-8"), source=path.name)
    if isinstance(document, dict):
        document = {key: value for key, value in document.items() if not str(key).startswith("_")}
    problems = validate_content(document)
    if problems:
        raise MethodContentError(problems)
    return document


@transaction.atomic
def seed_version_one() -> tuple[MethodVersion, bool]:
    """Version 1 and whether it was created now. An existing version 1 is never changed here (later
    seed versions and corrections are `method.services.method_seed_sync`'s)."""
    existing = MethodVersion.objects.filter(number=1).first()
    if existing is not None:
        return existing, False
    first = seed_versions()[0]
    version, created = MethodVersion.objects.get_or_create(
        number=1,
        defaults={
            "status": MethodVersion.Status.PUBLISHED,
            "content": first.content,
            "change_note": first.change_note,
            "published_at": timezone.now(),
        },
    )
    return version, created


def ensure_seeded() -> MethodVersion:
    """Create the published version 1 from the seed when it does not exist; return version 1."""
    version, _created = seed_version_one()
    return version
