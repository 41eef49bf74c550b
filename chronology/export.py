"""Exports of an integrated chronology: an XLSX workbook and a PDF document.

`export_xlsx()` writes two sheets. The first is exactly the exchange format
(/work/shared/formats/chronology.md), written by `entries_to_rows()` with formula-like cells made
harmless, so `read_chronology()` and the offline checker accept the file as it is and read back the same
entries. The second, "Provenance", lists where each entry came from (organisation, source document,
submission or file, row) and the merges and disputes the reviewers recorded, under the marking
"AK — asutusesiseseks kasutamiseks"; the workbook's properties carry the marking too. The first sheet
has no marking: a row above the header would break the exchange format.

`export_pdf()` renders a Django template with WeasyPrint: A4 landscape, the marking in every page's
header, the chronology as a table, then the timeline SVG on a page of its own.

The marking is the Public Information Act's (AvTS § 44) restriction note and is always written in
Estonian, whatever the user's language. Pure: no database and no audit — the caller (a view or
service) checks access and records the export.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, BinaryIO

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .entry import Entry
from .exchange import entries_to_rows, formula_safe
from .timeline import TIMELINE_PRINT_CSS, display_date, render_timeline_svg

INTERNAL_USE_MARKING = "AK — asutusesiseseks kasutamiseks"
PROVENANCE_SHEET = "Provenance"
CHRONOLOGY_SHEET = "chronology"

# The PDF's table is cut into tables of this many rows (see the template for why).
_PDF_TABLE_ROWS = 40

Identity = tuple[str, str]  # (source, entry_ref), as chronology.merge.identity


def _cell(value: object) -> object:
    """A provenance cell: numbers stay numbers, text is made harmless for spreadsheet programs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return value
    return formula_safe(str(value))


def _identities(group: Mapping[str, Any]) -> list[Identity]:
    return [(str(source), str(entry_ref)) for source, entry_ref in group.get("entries", ())]


def export_xlsx(
    entries: Sequence[Entry],
    target: str | os.PathLike[str] | BinaryIO,
    *,
    provenance: Sequence[Mapping[str, Any]] | None = None,
    merges: Iterable[Mapping[str, Any]] = (),
    disputes: Iterable[Mapping[str, Any]] = (),
    title: str = "",
    language: str = "et",
) -> None:
    """Write the chronology workbook (see the module docstring) to a path or a binary file.

    `provenance`, when given, holds one mapping per entry, in the entries' order, with what the caller
    knows beyond the entry itself: `submission` (e.g. "Submission 3, received 04.03.2024") replaces
    the file name in the submission column, and any other keys become extra columns. `merges` and
    `disputes` are mappings with `entries`, a list of (source, entry_ref), and optional `note`,
    `recorded_by` and `recorded_at` (text).
    """
    import openpyxl

    if provenance is not None and len(provenance) != len(entries):
        raise ValueError("provenance must hold one mapping per entry.")
    merges, disputes = list(merges), list(disputes)
    with translation.override(language):
        workbook = openpyxl.Workbook(write_only=True)
        properties = workbook.properties
        properties.title = title or _("Integrated chronology")
        properties.subject = INTERNAL_USE_MARKING
        properties.keywords = INTERNAL_USE_MARKING
        properties.category = INTERNAL_USE_MARKING
        properties.contentStatus = INTERNAL_USE_MARKING
        properties.creator = "Tagasivaade"

        chronology = workbook.create_sheet(CHRONOLOGY_SHEET)
        for row in entries_to_rows(entries):
            chronology.append(row)

        sheet = workbook.create_sheet(PROVENANCE_SHEET)
        sheet.append([INTERNAL_USE_MARKING])
        sheet.append([properties.title])
        sheet.append([])

        groups: dict[Identity, list[str]] = {}
        for number, merge in enumerate(merges, start=1):
            for identity in _identities(merge):
                groups.setdefault(identity, []).append(_("merge %(number)s") % {"number": number})
        for number, dispute in enumerate(disputes, start=1):
            for identity in _identities(dispute):
                groups.setdefault(identity, []).append(_("dispute %(number)s") % {"number": number})

        extra: list[str] = []
        for mapping in provenance or ():
            for key in mapping:
                if key != "submission" and key not in extra:
                    extra.append(key)
        sheet.append(
            [
                _("Sheet row"),
                "entry_ref",
                _("Organisation"),
                _("Source document"),
                _("Submission or file"),
                _("Row in the submitted file"),
                _("Merges and disputes"),
                *extra,
            ]
        )
        for index, entry in enumerate(entries):
            known = provenance[index] if provenance is not None else {}
            sheet.append(
                [
                    index + 2,  # the entry's row on the first sheet, under its header
                    _cell(entry.entry_ref),
                    _cell(entry.organisation),
                    _cell(entry.source_document),
                    _cell(known.get("submission", entry.source)),
                    _cell(entry.row),
                    _cell("; ".join(groups.get((entry.source, entry.entry_ref), []))),
                    *(_cell(known.get(key)) for key in extra),
                ]
            )
        for heading, groups_list in ((_("Merged entries"), merges), (_("Disputed entries"), disputes)):
            sheet.append([])
            sheet.append([heading])
            if not groups_list:
                sheet.append([_("None recorded.")])
                continue
            sheet.append([_("Number"), _("Entries (file / entry_ref)"), _("Note"), _("Recorded by"), _("Recorded at")])
            for number, group in enumerate(groups_list, start=1):
                sheet.append(
                    [
                        number,
                        _cell("; ".join(f"{source} / {entry_ref}" for source, entry_ref in _identities(group))),
                        _cell(group.get("note", "")),
                        _cell(group.get("recorded_by", "")),
                        _cell(group.get("recorded_at", "")),
                    ]
                )
        workbook.save(target)


def export_pdf(
    entries: Sequence[Entry],
    *,
    title: str,
    language: str = "et",
    organisations: Sequence[tuple[str, str]] | None = None,
    event_type_labels: Mapping[str, str] | None = None,
    gap_days: int = 90,
) -> bytes:
    """The chronology as a PDF (see the module docstring).

    `organisations` gives (code, label) pairs for the organisation column and the timeline's lanes;
    `event_type_labels` maps event-type codes to labels in `language` (the code is shown without one).
    """
    import weasyprint

    labels = dict(event_type_labels or {})
    names = dict(organisations or ())
    with translation.override(language):
        rows = [
            {
                "date": display_date(entry.date),
                "time": entry.time.strftime("%H:%M") if entry.time else "",
                "organisation": names.get(entry.organisation, entry.organisation),
                "event_type": labels.get(entry.event_type, entry.event_type),
                "key_event": entry.key_event,
                "description": entry.description,
                "source_document": entry.source_document,
            }
            for entry in entries
        ]
        svg = render_timeline_svg(
            entries,
            organisations=organisations,
            language=language,
            gap_days=gap_days,
            event_type_labels=labels,
        )
        html = render_to_string(
            "chronology/export_pdf.html",
            {
                "title": title,
                "language": language,
                "marking": INTERNAL_USE_MARKING,
                "entry_count": len(rows),
                "chunks": [rows[start : start + _PDF_TABLE_ROWS] for start in range(0, len(rows), _PDF_TABLE_ROWS)],
                "timeline_svg": svg,
                "timeline_css": TIMELINE_PRINT_CSS,
            },
        )
        return weasyprint.HTML(string=html).write_pdf()
