"""Checking a chronology before it is stored, and telling the contributor what it would change.

Nothing here writes to the database (but for keeping the result of a preview made before results
were kept): the services call these to read an uploaded file once, at upload, or the draft entries
against the review's method and organisations; the preview page reads the result kept with the
upload and compares it with the agency's current submission.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from chronology.entry import Entry, Precision, UncertainDate, YesNo
from chronology.exchange import ImportResult, Problem, Vocabularies, entries_from_mappings, read_chronology
from chronology.models import ChronologyEntry, entry_field_values
from chronology.store import decisions_resting_on
from core.files import CHRONOLOGY_FILE_EXTENSIONS, upload_refusal
from inquiries.models import InformationRequest, Involvement

from .models import UploadPreview

PREVIEW_ROWS = 200


def vocabularies_for(information_request: InformationRequest) -> Vocabularies:
    """The review's method vocabularies and organisation codes; entries must be the request's own."""
    involvement = information_request.involvement
    review = involvement.review
    codes = Involvement.objects.filter(review_id=review.pk).values_list("code", flat=True)
    return Vocabularies.from_method(review.method_version.data, organisations=codes, own_organisation=involvement.code)


def vocabulary_key(vocabularies: Vocabularies) -> str:
    """A digest of everything a file is checked against (the method's codes, the review's organisations):
    a checked result is good only while the key is the same."""
    parts = []
    for item in dataclasses.fields(vocabularies):
        value = getattr(vocabularies, item.name)
        if isinstance(value, frozenset | set):
            value = sorted(value)
        parts.append([item.name, value if isinstance(value, list | str | None) else repr(value)])
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def check_upload(information_request: InformationRequest, upload: IO[bytes], filename: str) -> tuple[ImportResult, str]:
    """The uploaded file read and checked whole, and the key of what it was checked against. Call it
    outside any transaction: reading a large workbook takes a while and needs no lock."""
    vocabularies = vocabularies_for(information_request)
    result = read_chronology(upload, vocabularies=vocabularies, filename=filename, source=filename)
    if result.ok:
        # The content decided how the file was read; its name must say the same, so that the file is
        # kept and later served as what it is (a CSV named report.html is refused, not kept).
        refusal = upload_refusal(filename, upload, allowed=CHRONOLOGY_FILE_EXTENSIONS)
        if refusal is not None:
            result = ImportResult.failure(refusal)
    return result, vocabulary_key(vocabularies)


def result_file(result: ImportResult) -> ContentFile[bytes]:
    """A checked result as a file to keep with its preview (gzipped JSON)."""
    if result.ok:
        data: dict[str, Any] = {"entries": [_entry_json(entry) for entry in result.entries]}
    else:
        data = {"problems": [dataclasses.asdict(problem) for problem in result.errors]}
    return ContentFile(gzip.compress(json.dumps(data, ensure_ascii=False).encode(), compresslevel=5))


def preview_result(preview: UploadPreview) -> ImportResult:
    """The preview's file as it was checked at upload, read from what was kept (never the file itself).

    A valid file checked against organisations or a method that have changed since is not valid any
    more: the contributor is asked to upload it again. A preview kept before results were kept is
    read once here and its result kept."""
    if not preview.result:
        with preview.file.open("rb") as handle:
            result, key = check_upload(preview.request, handle, preview.filename)
        preview.result.save(f"{preview.filename}.json.gz", result_file(result), save=False)
        preview.valid, preview.entry_count, preview.checked_against = result.ok, len(result.entries), key
        preview.save(update_fields=["result", "valid", "entry_count", "checked_against"])
        return result
    with preview.result.open("rb") as handle:
        data = json.loads(gzip.decompress(handle.read()))
    if "problems" in data:
        return ImportResult(errors=tuple(Problem(**problem) for problem in data["problems"]))
    if vocabulary_key(vocabularies_for(preview.request)) != preview.checked_against:
        return ImportResult.failure(
            _(
                "The review's organisations or its method changed after this file was uploaded, so it was "
                "checked against what no longer holds. Upload the file again to check it against them now."
            )
        )
    return ImportResult(entries=tuple(_entry_from_json(item) for item in data["entries"]))


def _entry_json(entry: Entry) -> dict[str, Any]:
    data = {item.name: getattr(entry, item.name) for item in dataclasses.fields(entry)}
    date = entry.date
    data["date"] = [date.earliest.isoformat(), date.latest.isoformat(), str(date.precision), date.approximate]
    data["time"] = entry.time.isoformat() if entry.time else None
    data["child_seen"], data["child_views_recorded"] = str(entry.child_seen), str(entry.child_views_recorded)
    data["shared_with"] = list(entry.shared_with)
    return data


def _entry_from_json(data: dict[str, Any]) -> Entry:
    earliest, latest, precision, approximate = data["date"]
    return Entry(
        **{
            **data,
            "date": UncertainDate(
                dt.date.fromisoformat(earliest), dt.date.fromisoformat(latest), Precision(precision), approximate
            ),
            "time": dt.time.fromisoformat(data["time"]) if data["time"] else None,
            "child_seen": YesNo(data["child_seen"]),
            "child_views_recorded": YesNo(data["child_views_recorded"]),
            "shared_with": tuple(data["shared_with"]),
        }
    )


def check_mappings(information_request: InformationRequest, items: Iterable[Mapping[str, object]]) -> ImportResult:
    """Draft entries (the exchange format's keys as text) checked as one chronology."""
    return entries_from_mappings(list(items), vocabularies=vocabularies_for(information_request))


@dataclass
class Changes:
    """What storing a chronology would do to the agency's current submission (by entry_ref)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    affected_decisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def first_submission(self) -> bool:
        return not (self.updated or self.unchanged or self.removed)


def changes_against_current(information_request: InformationRequest, entries: Sequence[Entry]) -> Changes:
    """Classify entries as `chronology.store.apply_submission` would, without storing anything."""
    existing = {row.entry_ref: row for row in ChronologyEntry.objects.filter(request=information_request)}
    changes = Changes()
    present = set()
    for entry in entries:
        present.add(entry.entry_ref)
        old = existing.get(entry.entry_ref)
        if old is None:
            changes.added.append(entry.entry_ref)
        elif old.is_active and old.values() == entry_field_values(entry):
            changes.unchanged.append(entry.entry_ref)
        else:
            changes.updated.append(entry.entry_ref)
    removed = sorted((ref, row.pk) for ref, row in existing.items() if row.is_active and ref not in present)
    changes.removed = [ref for ref, _pk in removed]
    changes.affected_decisions = decisions_resting_on([pk for _ref, pk in removed])
    return changes


def period_of(entries: Sequence[Entry]) -> tuple[dt.date, dt.date] | None:
    """From the earliest date's start to the latest date's end."""
    if not entries:
        return None
    return min(entry.date.earliest for entry in entries), max(entry.date.latest for entry in entries)


def decision_text(decision: Mapping[str, Any], *, detailed: bool = True) -> str:
    """One of the reviewers' decisions that rested on removed entries, in words. Without `detailed`
    (for the agency, which does not see the review's analysis) the pattern and episode stay unnamed."""
    refs = ", ".join(decision.get("entry_refs", []))
    kind = decision.get("kind")
    if kind == "merge":
        return _("A merge of duplicate entries confirmed by the reviewers (entries %(refs)s).") % {"refs": refs}
    if kind == "not_duplicate":
        return _("The reviewers' decision that entries are not duplicates (entries %(refs)s).") % {"refs": refs}
    if kind == "dispute":
        return _("Entries the reviewers marked as contradicting each other (entries %(refs)s).") % {"refs": refs}
    if kind == "detection" and not detailed:
        return _("A pattern the reviewers found in the chronology (entries %(refs)s).") % {"refs": refs}
    if kind == "episode" and not detailed:
        return _("A key practice episode of the review (entries %(refs)s).") % {"refs": refs}
    if kind == "detection":
        return _("A pattern detection the reviewers decided on (%(rule)s; entries %(refs)s).") % {
            "rule": decision.get("rule", ""),
            "refs": refs,
        }
    if kind == "episode":
        return _("The key practice episode “%(title)s” (entries %(refs)s).") % {
            "title": decision.get("title", ""),
            "refs": refs,
        }
    return _("A decision of the reviewers (entries %(refs)s).") % {"refs": refs}
