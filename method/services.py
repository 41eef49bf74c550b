"""State changes of method versions: draft, edit a section, publish. One transaction each, audited."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import F, Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action, AuditEvent, Purpose

from .corrections import NotWording, wording_changes
from .loader import SECTION_ORDER, MethodContentError, validate_content
from .models import MethodCorrection, MethodVersion
from .section_input import read_section_yaml
from .seeds import SeedVersion, seed_versions


class MethodServiceError(Exception):
    """A method change that cannot be made; `message` says why, for the person who tried."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class MethodDraftExists(MethodServiceError):
    def __init__(self, draft: MethodVersion):
        self.draft = draft
        super().__init__(
            _(
                "Version %(number)s is already a draft. There can be only one draft at a time: "
                "edit or publish that one first."
            )
            % {"number": draft.number}
        )


class MethodVersionPublished(MethodServiceError):
    def __init__(self, version: MethodVersion):
        self.version = version
        super().__init__(
            _("Version %(number)s is published and cannot be changed. Create a new draft instead.")
            % {"number": version.number}
        )


@dataclass
class MethodEditConflict(Exception):
    """Someone saved the draft after the editor opened it: nothing was saved."""

    version: MethodVersion
    section: str
    your_revision: int
    your_text: str
    their_text: str
    saved_by: str
    saved_at: Any

    @property
    def message(self) -> str:
        return _(
            "Someone else saved this draft after you opened it (you started from revision %(yours)s; "
            "it is now at revision %(theirs)s). Your changes were not saved."
        ) % {"yours": self.your_revision, "theirs": self.version.revision}


class _NoAliasDumper(yaml.SafeDumper):
    """Write repeated lists out in full: an editor should not meet YAML anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def section_to_yaml(value: Any) -> str:
    """A section as the YAML text the editor edits."""
    return yaml.dump(
        value, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


def normalise_yaml(text: str) -> str:
    """A YAML text written out the way the editor shows sections, so that only content differs; a text
    the editor would refuse (aliases, too large) is shown as it was sent rather than expanded."""
    try:
        return section_to_yaml(read_section_yaml(text, section="-"))
    except MethodContentError:
        return text


def last_change(version: MethodVersion) -> AuditEvent | None:
    """The latest audited change of a version (who saved it last, and when)."""
    return (
        AuditEvent.objects.filter(
            object_type=MethodVersion._meta.label_lower,
            object_id=str(version.pk),
            action__in=[Action.CREATE, Action.UPDATE],
        )
        .order_by("-sequence")
        .first()
    )


@transaction.atomic
def method_draft_create(*, acting_user: Any) -> MethodVersion:
    """A draft copy of the latest published version, numbered after every existing version."""
    existing = MethodVersion.objects.filter(status=MethodVersion.Status.DRAFT).first()
    if existing is not None:
        raise MethodDraftExists(existing)
    base = MethodVersion.objects.current()
    number = (MethodVersion.objects.aggregate(highest=Max("number"))["highest"] or 0) + 1
    try:
        with transaction.atomic():
            draft = MethodVersion.objects.create(
                number=number,
                status=MethodVersion.Status.DRAFT,
                content=copy.deepcopy(base.content),
                based_on=base,
                created_by=acting_user,
            )
    except IntegrityError:
        # Another editor created a draft at the same moment; the constraint keeps only one.
        raise MethodDraftExists(MethodVersion.objects.get(status=MethodVersion.Status.DRAFT)) from None
    record(
        actor=acting_user,
        action=Action.CREATE,
        purpose=Purpose.METHOD,
        obj=draft,
        detail={"number": draft.number, "based_on": base.number},
    )
    return draft


@transaction.atomic
def method_section_update(
    *, version: MethodVersion, section: str, text: str, revision: int, acting_user: Any
) -> MethodVersion:
    """Replace one section of a draft with the given YAML text.

    `revision` is the draft's revision the editor started from; when someone saved in the meantime
    the change is refused with MethodEditConflict. YAML the editor does not accept (see
    `method.section_input`) or invalid content raises MethodContentError listing every problem.
    Nothing is saved in either case.
    """
    if section not in SECTION_ORDER:
        raise MethodServiceError(_("%(section)s is not a section of the method.") % {"section": section})
    stored = MethodVersion.objects.select_for_update().get(pk=version.pk)
    if stored.is_published:
        raise MethodVersionPublished(stored)
    if stored.revision != revision:
        raise _conflict(stored, section, revision, text)
    value = read_section_yaml(text, section=section)
    content = copy.deepcopy(stored.content)
    content[section] = value
    errors = validate_content(content)
    if errors:
        raise MethodContentError(errors)
    if value == stored.content.get(section):
        return stored
    # The revision and the status are checked again in the UPDATE itself, so that two saves can
    # never both succeed even where the database ignores SELECT ... FOR UPDATE.
    updated = MethodVersion.objects.filter(pk=stored.pk, revision=revision, status=MethodVersion.Status.DRAFT).update(
        content=content, revision=F("revision") + 1
    )
    if not updated:
        raise _conflict(MethodVersion.objects.get(pk=stored.pk), section, revision, text)
    stored.refresh_from_db()
    record(
        actor=acting_user,
        action=Action.UPDATE,
        purpose=Purpose.METHOD,
        obj=stored,
        detail={"number": stored.number, "section": section, "revision": stored.revision},
    )
    return stored


def _conflict(stored: MethodVersion, section: str, revision: int, text: str) -> MethodEditConflict:
    change = last_change(stored)
    return MethodEditConflict(
        version=stored,
        section=section,
        your_revision=revision,
        your_text=text,
        their_text=section_to_yaml(stored.content.get(section)),
        saved_by=change.actor_label if change and change.actor_label else "",
        saved_at=change.at if change else None,
    )


@transaction.atomic
def method_draft_discard(*, version: MethodVersion, revision: int, acting_user: Any) -> int:
    """Throw a draft away, when the editor saw its latest revision and nothing refers to it yet
    (pilot feedback, for one). Published versions are never removed. Returns the draft's number."""
    stored = MethodVersion.objects.select_for_update().get(pk=version.pk)
    if stored.is_published:
        raise MethodVersionPublished(stored)
    if stored.revision != revision:
        raise MethodServiceError(
            _(
                "Someone else saved this draft after you opened it (you saw revision %(yours)s; it is now "
                "at revision %(theirs)s). Look at the draft again before discarding it."
            )
            % {"yours": revision, "theirs": stored.revision}
        )
    number = stored.number
    try:
        with transaction.atomic():
            stored.delete()
    except ProtectedError:
        raise MethodServiceError(
            _("Version %(number)s is referred to (for example by pilot feedback) and cannot be discarded.")
            % {"number": number}
        ) from None
    record(
        actor=acting_user,
        action=Action.DELETE,
        purpose=Purpose.METHOD,
        object_type=MethodVersion,
        object_ids=[version.pk],
        detail={"number": number, "discarded_draft": True, "revision": revision},
    )
    return number


@transaction.atomic
def method_publish(
    *, version: MethodVersion, change_note: str, acting_user: Any, revision: int | None = None
) -> MethodVersion:
    """Publish a valid draft. With `revision`, refuse when the draft changed since the editor saw it."""
    change_note = (change_note or "").strip()
    if not change_note:
        raise MethodServiceError(_("Say what changed in this version before publishing it."))
    stored = MethodVersion.objects.select_for_update().get(pk=version.pk)
    if stored.is_published:
        raise MethodVersionPublished(stored)
    if revision is not None and stored.revision != revision:
        raise MethodServiceError(
            _(
                "Someone else saved this draft after you opened it (you saw revision %(yours)s; it is now "
                "at revision %(theirs)s). Look at the draft again before publishing it."
            )
            % {"yours": revision, "theirs": stored.revision}
        )
    errors = validate_content(stored.content)
    if errors:
        raise MethodContentError(errors)
    stored.status = MethodVersion.Status.PUBLISHED
    stored.published_at = timezone.now()
    stored.published_by = acting_user
    stored.change_note = change_note
    stored.save(update_fields=["status", "published_at", "published_by", "change_note"])
    record(
        actor=acting_user,
        action=Action.UPDATE,
        purpose=Purpose.METHOD,
        obj=stored,
        detail={"number": stored.number, "published": True, "change_note": change_note},
    )
    return stored


# --- corrections of wording in a published version ---------------------------------------------------------


def _apply_correction(
    *,
    stored: MethodVersion,
    content: dict[str, Any],
    reason: str,
    source: str,
    acting_user: Any,
) -> MethodCorrection:
    """Replace a published version's content with `content` when the difference is wording only
    (else MethodContentError naming each place). Runs inside the caller's transaction, `stored` locked."""
    sections = sorted(
        section for section in set(content) | set(stored.content) if content.get(section) != stored.content.get(section)
    )
    try:
        changes = wording_changes(stored.content, content)
    except NotWording as refusal:
        raise MethodContentError(refusal.problems) from None
    if not changes:
        raise MethodServiceError(_("Nothing was changed: there is no correction to make."))
    errors = validate_content(content)
    if errors:
        raise MethodContentError(errors)
    MethodVersion.objects.filter(pk=stored.pk, status=MethodVersion.Status.PUBLISHED).update(
        content=content, revision=F("revision") + 1
    )
    stored.refresh_from_db()
    correction = MethodCorrection.objects.create(
        version=stored,
        sections=sections,
        changes=[change.as_dict() for change in changes],
        reason=reason,
        source=source,
        made_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record(
        actor=acting_user,
        action=Action.UPDATE,
        purpose=Purpose.METHOD,
        obj=stored,
        detail={
            "number": stored.number,
            "correction": correction.pk,
            "source": source,
            "sections": sections,
            "changed_texts": len(changes),
            "revision": stored.revision,
        },
    )
    return correction


@transaction.atomic
def method_correction_apply(
    *, version: MethodVersion, section: str, text: str, reason: str, revision: int, acting_user: Any
) -> MethodCorrection:
    """Correct the wording of one section of a published version in place (see method/corrections.py),
    when nobody changed the version since `revision` (else MethodEditConflict)."""
    reason = (reason or "").strip()
    if not reason:
        raise MethodServiceError(_("Say why the wording is corrected: the reason is kept with the correction."))
    if section not in SECTION_ORDER:
        raise MethodServiceError(_("%(section)s is not a section of the method.") % {"section": section})
    stored = MethodVersion.objects.select_for_update().get(pk=version.pk)
    if not stored.is_published:
        raise MethodServiceError(_("A draft is edited, not corrected: open it in the editor."))
    if section not in stored.content:
        raise MethodServiceError(
            _("Version %(number)s has no section %(section)s to correct.")
            % {"number": stored.number, "section": section}
        )
    if stored.revision != revision:
        raise _conflict(stored, section, revision, text)
    content = copy.deepcopy(stored.content)
    content[section] = read_section_yaml(text, section=section)
    return _apply_correction(
        stored=stored, content=content, reason=reason, source=MethodCorrection.Source.EDITOR, acting_user=acting_user
    )


class SeedConflict(MethodServiceError):
    """A seed version cannot be loaded as it stands; the message says why and what to do."""


@transaction.atomic
def method_seed_sync(*, versions: list[SeedVersion] | None = None) -> list[str]:
    """Bring the database up to the seed files, for `manage.py load_method` on every release: publish
    each seed version the database lacks, in order, and apply wording corrections made to the files of
    a published version. A seed version that differs in more than wording from the published version of
    its number is refused (SeedConflict), and nothing is changed. Returns what was done, a line each."""
    done: list[str] = []
    for seed in versions if versions is not None else seed_versions():
        existing = MethodVersion.objects.select_for_update().filter(number=seed.number).first()
        if existing is None:
            base = MethodVersion.objects.filter(number=seed.base).first() if seed.base else None
            created = MethodVersion.objects.create(
                number=seed.number,
                status=MethodVersion.Status.PUBLISHED,
                content=seed.content,
                based_on=base,
                change_note=seed.change_note,
                published_at=timezone.now(),
            )
            record(
                actor=None,
                action=Action.CREATE,
                purpose=Purpose.SYSTEM,
                obj=created,
                detail={"number": created.number, "source": "seed"},
            )
            done.append(_("Published method version %(number)s from the seed files.") % {"number": seed.number})
        elif not existing.is_published:
            raise SeedConflict(
                _(
                    "Version %(number)s is a draft made in the application, so the seed's version %(number)s cannot "
                    "be loaded. Publish or discard the draft, then number the seed version after it."
                )
                % {"number": seed.number}
            )
        elif existing.content == seed.content:
            done.append(_("Method version %(number)s is as the seed files hold it.") % {"number": seed.number})
        else:
            try:
                correction = _apply_correction(
                    stored=existing,
                    content=seed.content,
                    reason=seed.correction_note
                    or _("Wording corrected in the seed files (method/seed/v%(number)s).") % {"number": seed.number},
                    source=MethodCorrection.Source.SEED,
                    acting_user=None,
                )
            except MethodContentError as refusal:
                raise SeedConflict(
                    _(
                        "The seed files of version %(number)s differ from the published version %(number)s in more "
                        "than wording, which a published version never does. Put the change into a new version "
                        "folder instead. Where: %(where)s"
                    )
                    % {"number": seed.number, "where": " ".join(refusal.errors[:10])}
                ) from None
            done.append(
                _("Corrected the wording of method version %(number)s from the seed files (%(count)s texts).")
                % {"number": seed.number, "count": len(correction.changes)}
            )
    return done
