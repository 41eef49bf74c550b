"""`manage.py analyse_chronology FILE [FILE ...] [--json]`: the offline checker (issue 4 point 9).

Each FILE is one agency's chronology in the exchange format (/work/shared/formats/chronology.md).
Nothing is stored. On any invalid row, or a missing or unreadable file, every problem is printed to
standard error (file, row, column, reason) and the exit status is 2; otherwise the files are merged
and a summary printed: entries per organisation, the period covered, suggested duplicates and the
pattern detections (chronology.patterns). With --json the summary is one JSON object on standard
output.

The vocabularies and pattern rules come from `--method FILE`, else the current published method
version in the database, else the method's seed files (so the checker works without a database).
`--organisations FILE` (CSV `code,name,sector`) names the organisations: their codes are then the
only ones accepted, and their sectors tell the pattern rules which addressee is child protection.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections
from django.utils import translation
from django.utils.translation import gettext as _

from chronology.entry import Entry
from chronology.exchange import Vocabularies, read_chronology
from chronology.merge import DuplicateSuggestion, Summary, merge, summarise
from method.content import MethodContent
from method.loader import MethodContentError
from method.seeds import load_method_file, load_seed

EXIT_INVALID = 2


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    sector: str


def current_method() -> MethodContent:
    """The current published method version, or the seed files when there is no database to ask."""
    from method.models import MethodVersion

    if not _database_exists():
        return MethodContent(load_seed())
    try:
        return MethodVersion.objects.current().data
    except (MethodVersion.DoesNotExist, DatabaseError):
        return MethodContent(load_seed())


def _database_exists() -> bool:
    # Opening a missing SQLite file would create an empty one beside the checkout: don't.
    connection = connections["default"]
    if connection.vendor != "sqlite":
        return True
    name = str(connection.settings_dict["NAME"])
    return name == ":memory:" or name.startswith("file:") or "mode=memory" in name or Path(name).exists()


def read_organisations(path: Path, sector_codes: list[str]) -> tuple[dict[str, Organisation], list[str]]:
    """The organisations of a `code,name,sector` CSV (a header row is optional) and its problems."""
    problems: list[str] = []
    organisations: dict[str, Organisation] = {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        return {}, [_("%(file)s: the file cannot be read (%(reason)s).") % {"file": path, "reason": error.strerror}]
    except UnicodeDecodeError:
        return {}, [_("%(file)s: the file is not saved as UTF-8.") % {"file": path}]
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    known_sectors = set(sector_codes)
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if number == 1 and [cell.casefold() for cell in cells[:3]] == ["code", "name", "sector"]:
            continue
        where = {"file": path, "row": number}
        if len(cells) != 3 or not cells[0]:
            problems.append(_("%(file)s: row %(row)s: write code, name and sector.") % where)
            continue
        code, name, sector = cells
        if code in organisations:
            problems.append(_("%(file)s: row %(row)s: the code %(code)s is listed twice.") % {**where, "code": code})
        elif sector and sector not in known_sectors:
            problems.append(
                _("%(file)s: row %(row)s: %(sector)s is not a sector of the method.") % {**where, "sector": sector}
            )
        else:
            organisations[code] = Organisation(code, name, sector)
    if not organisations and not problems:
        problems.append(_("%(file)s: the file lists no organisations.") % {"file": path})
    return organisations, problems


class Command(BaseCommand):
    help = (
        "Check chronology files in the exchange format (CSV or XLSX), each one agency's submission, without "
        "storing anything. Invalid files: every problem on standard error, exit status 2. Valid files: merged, "
        "with a summary of entries per organisation, the period, suggested duplicates and pattern detections."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="A chronology file (.csv or .xlsx).")
        parser.add_argument("--json", action="store_true", help="Print the summary as one JSON object.")
        parser.add_argument(
            "--method", metavar="FILE", help="A method file (YAML or JSON) or seed folder to check against."
        )
        parser.add_argument(
            "--organisations",
            metavar="FILE",
            help="CSV of code,name,sector: the only organisation codes accepted, and their sectors.",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language of messages and explanations (default: the site's language).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        language = options.get("language") or settings.LANGUAGE_CODE
        with translation.override(language):
            self._check(options, language)

    def _check(self, options: dict[str, Any], language: str) -> None:
        content = self._method(options.get("method"))
        organisations: dict[str, Organisation] | None = None
        if options.get("organisations"):
            organisations, problems = read_organisations(Path(options["organisations"]), content.sector_codes())
            if problems:
                self._fail(problems)
        vocabularies = Vocabularies.from_method(content, organisations.keys() if organisations is not None else None)

        problems = []
        submissions: list[tuple[str, tuple[Entry, ...]]] = []
        seen: set[Path] = set()
        for name in options["files"]:
            path = Path(name)
            if path.resolve() in seen:
                problems.append(_("%(file)s: the file is given twice.") % {"file": name})
                continue
            seen.add(path.resolve())
            result = read_chronology(path, vocabularies=vocabularies, source=name)
            problems += [_("%(file)s: %(problem)s") % {"file": name, "problem": problem} for problem in result.errors]
            submissions.append((name, result.entries))
        if problems:
            self._fail(problems)

        merged = merge(entries for _name, entries in submissions)
        summary = summarise(merged)
        detections = self._detections(merged, content, organisations, language)
        if options.get("json"):
            data: dict[str, Any] = {
                "files": [{"file": name, "entries": len(entries)} for name, entries in submissions],
                **summary.as_json(),
                # Pattern detections (issue 5): each with rule, start, end, organisations and entries.
                "detections": [detection.as_json() for detection in detections],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self._print_summary(submissions, summary, detections, organisations)

    def _method(self, path: str | None) -> MethodContent:
        try:
            return MethodContent(load_method_file(path)) if path else current_method()
        except MethodContentError as error:
            self._fail(error.errors)
        except OSError as error:
            self._fail(
                [_("%(file)s: the file cannot be read (%(reason)s).") % {"file": path, "reason": error.strerror}]
            )

    def _detections(
        self,
        entries: list[Entry],
        content: MethodContent,
        organisations: dict[str, Organisation] | None,
        language: str,
    ) -> list[Any]:
        from chronology.patterns import detect

        sectors = {code: item.sector for code, item in organisations.items()} if organisations else None
        concern_labels = {item["code"]: item.get("label", {}) for item in content.items("concerns")}
        try:
            return detect(
                entries,
                content.section("pattern_rules") or {},
                sectors=sectors,
                language=language,
                concern_labels=concern_labels,
            )
        except ValueError as error:
            self._fail([str(error)])

    def _fail(self, problems: list[str]) -> NoReturn:
        for problem in problems:
            self.stderr.write(problem)
        raise CommandError(
            translation.ngettext(
                "%(count)s problem found; nothing was merged.",
                "%(count)s problems found; nothing was merged.",
                len(problems),
            )
            % {"count": len(problems)},
            returncode=EXIT_INVALID,
        )

    def _print_summary(
        self,
        submissions: list[tuple[str, tuple[Entry, ...]]],
        summary: Summary,
        detections: list[Any],
        organisations: dict[str, Organisation] | None,
    ) -> None:
        write = self.stdout.write
        write(
            translation.ngettext(
                "%(entries)s entries in %(files)s file.", "%(entries)s entries in %(files)s files.", len(submissions)
            )
            % {"entries": summary.entries, "files": len(submissions)}
        )
        write("")
        write(_("Entries per organisation:"))
        for code, count in summary.organisations.items():
            name = organisations[code].name if organisations and organisations[code].name else ""
            label = f"{code} ({name})" if name else code
            write(f"  {label}: {count}")
        if summary.period is not None:
            write("")
            write(
                _("Period: %(start)s – %(end)s")
                % {"start": summary.period[0].strftime("%d.%m.%Y"), "end": summary.period[1].strftime("%d.%m.%Y")}
            )
        write("")
        write(_("Suggested duplicates: %(count)s") % {"count": len(summary.duplicates)})
        for suggestion in summary.duplicates:
            write("  " + self._pair_text(suggestion))
        write("")
        write(_("Pattern detections: %(count)s") % {"count": len(detections)})
        for detection in detections:
            write(f"  {detection.rule} {detection.start:%d.%m.%Y}–{detection.end:%d.%m.%Y}: {detection.explain()}")

    @staticmethod
    def _pair_text(suggestion: DuplicateSuggestion) -> str:
        def side(entry: Entry) -> dict[str, Any]:
            return {"file": entry.source, "ref": entry.entry_ref, "organisation": entry.organisation, "row": entry.row}

        return _(
            "%(first_file)s row %(first_row)s (%(first_organisation)s, %(first_ref)s) and %(second_file)s row "
            "%(second_row)s (%(second_organisation)s, %(second_ref)s): %(reason)s"
        ) % {
            **{f"first_{key}": value for key, value in side(suggestion.first).items()},
            **{f"second_{key}": value for key, value in side(suggestion.second).items()},
            "reason": suggestion.reason,
        }
