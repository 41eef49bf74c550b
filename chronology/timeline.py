"""The integrated chronology as a swimlane timeline, drawn on the server as SVG.

`render_timeline_svg(entries, ...)` returns one `<svg>` element: a lane per organisation (its label at
the left), a time axis with year, month or day ticks, a mark per event whose *shape* tells its class of
event type (a legend explains the shapes; colour only repeats what the shape says), uncertain dates as
a bar over the interval they may mean, key events and highlighted entries ringed, and long gaps — more
than `gap_days` in which no organisation has an entry — hatched and labelled.

Accessibility: the element has role="img", a <title> and a <desc> that summarise it in sentences
(organisations, period, counts, gaps), and every mark has its own <title> (date, organisation, event
type) for a tooltip. The chronology table is the full text alternative on the page that embeds it.

Printing: the viewBox has a fixed size (VIEWBOX_WIDTH × VIEWBOX_HEIGHT, 4 units a millimetre) that
fills an A4 landscape page inside 18 mm / 10 mm margins; `TIMELINE_PRINT_CSS` holds the @page rule and
the element's printed size for the page that embeds it (the PDF export uses it).

Size: marks of one lane that fall in the same column of `BUCKET_UNITS` viewBox units (half a
millimetre on paper) and are alike — the same shape, both exact or both uncertain with the same bar,
the same ring — are drawn as one mark whose tooltip says how many entries it stands for, their dates
and event types. 5,000 entries over six years become about 4,600 marks; an entry is never dropped.

Gaps are read conservatively: an entry with an uncertain date covers its whole interval, so a gap is
shown only where no entry can have been.

Pure and deterministic: no database, no clock, no randomness; all text escaped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .dates import written_day
from .entry import Entry, Precision, UncertainDate

VIEWBOX_WIDTH = 1108  # 277 mm at 4 units a millimetre
VIEWBOX_HEIGHT = 728  # 182 mm
BUCKET_UNITS = 2.0

TIMELINE_PRINT_CSS = (
    "@page { size: A4 landscape; margin: 18mm 10mm 10mm 10mm; }\n"
    "svg.timeline { display: block; width: 277mm; height: 182mm; page-break-inside: avoid; "
    "break-inside: avoid; }\n"
)

# Layout in viewBox units.
_MARGIN = 12.0
_LABEL_WIDTH = 190.0
_PLOT_LEFT = _MARGIN + _LABEL_WIDTH
_PLOT_RIGHT = VIEWBOX_WIDTH - _MARGIN
_PLOT_TOP = 52.0
_LEGEND_HEIGHT = 74.0
_PLOT_BOTTOM = VIEWBOX_HEIGHT - _LEGEND_HEIGHT - _MARGIN
_MARK = 4.2  # half the size of a mark
_LABEL_CHARACTERS = 30


@dataclass(frozen=True)
class EventClass:
    code: str
    label: object  # a lazy translation
    symbol: str  # the id of its <symbol> in the SVG's <defs>


# Shapes, not colours, carry the meaning; the fill colours repeat it for those who see them.
EVENT_CLASSES: tuple[EventClass, ...] = (
    EventClass("contact", gettext_lazy("Contact, visit or assessment"), "circle"),
    EventClass("missed", gettext_lazy("Missed or cancelled appointment, absence"), "cross"),
    EventClass("referral", gettext_lazy("Referral, notification, response or information shared"), "arrow"),
    EventClass("concern", gettext_lazy("Concern recorded"), "diamond"),
    EventClass("closure", gettext_lazy("Case closed"), "square"),
    EventClass("emergency", gettext_lazy("Hospital admission, emergency visit or police call"), "plus"),
    EventClass("other", gettext_lazy("Other event"), "bar"),
)
_CLASS_BY_CODE = {event_class.code: event_class for event_class in EVENT_CLASSES}

EVENT_TYPE_CLASSES: dict[str, str] = {
    "contact": "contact",
    "home_visit": "contact",
    "appointment_attended": "contact",
    "assessment": "contact",
    "network_meeting": "contact",
    "appointment_missed": "missed",
    "appointment_cancelled": "missed",
    "school_absence": "missed",
    "referral": "referral",
    "notification": "referral",
    "response": "referral",
    "information_shared": "referral",
    "concern_recorded": "concern",
    "case_closed": "closure",
    "hospital_admission": "emergency",
    "emergency_visit": "emergency",
    "police_call": "emergency",
}


def event_class(event_type: str) -> EventClass:
    """The class of an event type; codes a later method version adds are "other" until mapped."""
    return _CLASS_BY_CODE[EVENT_TYPE_CLASSES.get(event_type, "other")]


def display_date(date: UncertainDate) -> str:
    """A date as written, for people: dd.mm.yyyy, mm.yyyy or yyyy, with "~" before an approximate one."""
    written = written_day(date)
    if date.precision == Precision.DAY:
        text = f"{written.day:02d}.{written.month:02d}.{written.year:04d}"
    elif date.precision == Precision.MONTH:
        text = f"{written.month:02d}.{written.year:04d}"
    else:
        text = f"{written.year:04d}"
    return f"~{text}" if date.approximate else text


def _day(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def _n(value: float) -> str:
    """A coordinate, rounded to a tenth, without a trailing .0 (short and deterministic)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _short(text: str, limit: int = _LABEL_CHARACTERS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_DEFS = (
    "<defs>"
    '<symbol id="{p}-circle" overflow="visible"><circle r="4.2" class="m-contact"/></symbol>'
    '<symbol id="{p}-cross" overflow="visible"><path d="M-4,-4L4,4M-4,4L4,-4" class="m-line"/></symbol>'
    '<symbol id="{p}-arrow" overflow="visible"><path d="M-4,-4.5L5,0L-4,4.5Z" class="m-referral"/></symbol>'
    '<symbol id="{p}-diamond" overflow="visible"><path d="M0,-5L5,0L0,5L-5,0Z" class="m-concern"/></symbol>'
    '<symbol id="{p}-square" overflow="visible"><rect x="-4" y="-4" width="8" height="8" class="m-closure"/></symbol>'
    '<symbol id="{p}-plus" overflow="visible"><path d="M-1.6,-5H1.6V-1.6H5V1.6H1.6V5H-1.6V1.6H-5V-1.6H-1.6Z" '
    'class="m-emergency"/></symbol>'
    '<symbol id="{p}-bar" overflow="visible"><rect x="-1.3" y="-5" width="2.6" height="10" class="m-other"/></symbol>'
    '<symbol id="{p}-key" overflow="visible"><circle r="8" class="ring-key"/></symbol>'
    '<symbol id="{p}-highlight" overflow="visible">'
    '<rect x="-8" y="-8" width="16" height="16" class="ring-hl"/></symbol>'
    '<pattern id="{p}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="8" height="8" fill="#f3f3f3"/><line x1="0" y1="0" x2="0" y2="8" stroke="#b1b4b6" stroke-width="3"/>'
    "</pattern>"
    "</defs>"
)

# Presentation attributes in a <style> inside the SVG (allowed by the CSP's style-src for files, and
# needed by WeasyPrint; no style="" attributes).
_STYLE = (
    "<style>"
    "text{{font-family:'DejaVu Sans',Arial,sans-serif;fill:#0b0c0c}}"
    ".t-lane{{font-size:11px}}.t-axis{{font-size:10px}}.t-legend{{font-size:10px}}.t-gap{{font-size:10px;"
    "font-weight:bold}}.t-head{{font-size:13px;font-weight:bold}}"
    ".lane{{fill:#ffffff}}.lane-alt{{fill:#f8f8f8}}.lane-line{{stroke:#b1b4b6;stroke-width:.5}}"
    ".tick{{stroke:#8e969b;stroke-width:.6}}.tick-minor{{stroke:#dcdcdc;stroke-width:.5}}"
    ".tick-year{{stroke:#6f777b;stroke-width:.8}}"
    ".gap{{fill:url(#{p}-hatch);stroke:#6f777b;stroke-width:.6;stroke-dasharray:3 2}}"
    ".m-contact{{fill:#1d70b8;stroke:#0b0c0c;stroke-width:.6}}"
    ".m-line{{stroke:#d4351c;stroke-width:2.2;fill:none}}"
    ".m-referral{{fill:#00703c;stroke:#0b0c0c;stroke-width:.6}}"
    ".m-concern{{fill:#f47738;stroke:#0b0c0c;stroke-width:.6}}"
    ".m-closure{{fill:#505a5f;stroke:#0b0c0c;stroke-width:.6}}"
    ".m-emergency{{fill:#912b88;stroke:#0b0c0c;stroke-width:.6}}"
    ".m-other{{fill:#0b0c0c}}"
    ".ring-key{{fill:none;stroke:#0b0c0c;stroke-width:2}}"
    ".ring-hl{{fill:none;stroke:#0b0c0c;stroke-width:1.2;stroke-dasharray:2 1.5}}"
    ".uncertain{{fill:#1d70b8;fill-opacity:.25;stroke:#1d70b8;stroke-width:.6}}"
    ".count{{font-size:7px;font-weight:bold}}"
    "</style>"
)


@dataclass
class _Mark:
    lane: int
    x: float
    bar: tuple[float, float] | None
    symbol: str
    ring: str
    entries: list[Entry]


def _gaps(entries: Sequence[Entry], gap_days: int) -> list[tuple[dt.date, dt.date]]:
    """Periods longer than gap_days in which no entry's interval lies (first and last day of each)."""
    gaps: list[tuple[dt.date, dt.date]] = []
    intervals = sorted((entry.date.earliest, entry.date.latest) for entry in entries)
    if not intervals:
        return gaps
    covered = intervals[0][1]
    for earliest, latest in intervals[1:]:
        if (earliest - covered).days - 1 > gap_days:
            gaps.append((covered + dt.timedelta(days=1), earliest - dt.timedelta(days=1)))
        covered = max(covered, latest)
    return gaps


def _lanes(entries: Sequence[Entry], organisations: Sequence[tuple[str, str]] | None) -> list[tuple[str, str]]:
    lanes = list(organisations) if organisations is not None else []
    known = {code for code, _label in lanes}
    # An entry of an organisation missing from the list still gets a lane: nothing is hidden.
    for code in sorted({entry.organisation for entry in entries} - known):
        lanes.append((code, code))
    return lanes


def _ticks(start: dt.date, end: dt.date) -> tuple[list[tuple[dt.date, str, str]], list[dt.date]]:
    """Labelled ticks (day, label, class) and unlabelled minor ticks for the period shown."""
    span = (end - start).days
    labelled: list[tuple[dt.date, str, str]] = []
    minor: list[dt.date] = []
    months = []
    year, month = start.year, start.month
    while dt.date(year, month, 1) <= end:
        if dt.date(year, month, 1) >= start:
            months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if span > 3 * 366:
        step = max(1, round(span / 365.25 / 12))
        for day in months:
            if day.month == 1 and day.year % step == 0:
                labelled.append((day, f"{day.year:04d}", "tick-year"))
            elif span < 12 * 366:
                minor.append(day)
    elif span > 120:
        step = next(s for s in (1, 2, 3, 4, 6, 12) if len(months) / s <= 14)
        for day in months:
            if (day.month - 1) % step == 0:
                label = f"{day.month:02d}.{day.year:04d}"
                labelled.append((day, label, "tick-year" if day.month == 1 else "tick"))
            else:
                minor.append(day)
    else:
        step_days = next(s for s in (1, 2, 7, 14, 28) if span / s <= 10)
        day = start
        while day <= end:
            labelled.append((day, _day(day), "tick"))
            day += dt.timedelta(days=step_days)
        minor = months
    return labelled, minor


def render_timeline_svg(
    entries: Iterable[Entry],
    *,
    organisations: Sequence[tuple[str, str]] | None = None,
    language: str = "et",
    gap_days: int = 90,
    highlight: set[tuple[str, str]] | None = None,
    event_type_labels: Mapping[str, str] | None = None,
    id_prefix: str = "timeline",
    inline_style: bool = True,
) -> str:
    """The swimlane timeline of `entries` as an SVG element (see the module docstring).

    `organisations` gives the lanes' order and labels as (code, label); organisations of entries not in
    it get lanes of their own after it. `highlight` holds (source, entry_ref) identities to ring, e.g.
    the entries a pattern detection rests on (a key event keeps its own ring). `event_type_labels`
    maps event-type codes to labels in `language` for the tooltips (the code is shown without one).
    `id_prefix` keeps ids unique when a page holds more than one timeline. `inline_style=False` leaves
    out the <style> element, for a web page whose Content Security Policy forbids inline styles: it
    links chronology/static/chronology/timeline.css instead (the same rules, scoped to svg.timeline).
    """
    with translation.override(language):
        return _render(
            list(entries),
            organisations=organisations,
            gap_days=gap_days,
            highlight=highlight or set(),
            labels=event_type_labels or {},
            prefix=id_prefix,
            inline_style=inline_style,
        )


def _render(
    entries: list[Entry],
    *,
    organisations: Sequence[tuple[str, str]] | None,
    gap_days: int,
    highlight: set[tuple[str, str]],
    labels: Mapping[str, str],
    prefix: str,
    inline_style: bool = True,
) -> str:
    lanes = _lanes(entries, organisations)
    lane_of = {code: index for index, (code, _label) in enumerate(lanes)}
    lane_label = dict(lanes)
    out: list[str] = []
    add = out.append
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {VIEWBOX_WIDTH} {VIEWBOX_HEIGHT}" '
        f'width="{VIEWBOX_WIDTH}" height="{VIEWBOX_HEIGHT}" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" lang={quoteattr(translation.get_language() or "et")}>'
    )
    add(f'<title id="{title_id}">{escape(_("Timeline of the chronology"))}</title>')
    gaps = _gaps(entries, gap_days)
    add(f'<desc id="{desc_id}">{escape(_describe(entries, lanes, gaps, gap_days))}</desc>')
    if inline_style:
        add(_STYLE.format(p=prefix))
    add(_DEFS.format(p=prefix))

    if not entries:
        add(
            f'<text x="{_n(VIEWBOX_WIDTH / 2)}" y="{_n(VIEWBOX_HEIGHT / 2)}" text-anchor="middle" class="t-head">'
            f"{escape(_('The chronology has no entries.'))}</text></svg>"
        )
        return "".join(out)

    first = min(entry.date.earliest for entry in entries)
    last = max(entry.date.latest for entry in entries)
    pad = max(3, ((last - first).days + 1) // 50)
    start, end = first - dt.timedelta(days=pad), last + dt.timedelta(days=pad + 1)
    span_days = (end - start).days
    scale = (_PLOT_RIGHT - _PLOT_LEFT) / span_days
    origin = start.toordinal()

    def x_of(day: dt.date) -> float:
        return _PLOT_LEFT + (day.toordinal() - origin) * scale

    lane_height = (_PLOT_BOTTOM - _PLOT_TOP) / max(1, len(lanes))

    # Lanes with their labels.
    add('<g class="lanes">')
    for index, (code, label) in enumerate(lanes):
        top = _PLOT_TOP + index * lane_height
        add(
            f'<rect x="{_n(_MARGIN)}" y="{_n(top)}" width="{_n(_PLOT_RIGHT - _MARGIN)}" height="{_n(lane_height)}" '
            f'class="{"lane-alt" if index % 2 else "lane"}"/>'
        )
        shown = _short(label)
        tip = f"<title>{escape(label)} ({escape(code)})</title>" if shown != label or code != label else ""
        baseline = _n(top + lane_height / 2 + 4)
        add(f'<text x="{_n(_MARGIN + 4)}" y="{baseline}" class="t-lane">{tip}{escape(shown)}</text>')
        add(f'<line x1="{_n(_MARGIN)}" x2="{_n(_PLOT_RIGHT)}" y1="{_n(top)}" y2="{_n(top)}" class="lane-line"/>')
    add(
        f'<line x1="{_n(_MARGIN)}" x2="{_n(_PLOT_RIGHT)}" y1="{_n(_PLOT_BOTTOM)}" y2="{_n(_PLOT_BOTTOM)}" '
        'class="lane-line"/>'
    )
    add("</g>")

    # Axis.
    labelled, minor = _ticks(start, end)
    add('<g class="axis">')
    for day in minor:
        at = _n(x_of(day))
        add(f'<line x1="{at}" x2="{at}" y1="{_n(_PLOT_TOP - 4)}" y2="{_n(_PLOT_BOTTOM)}" class="tick-minor"/>')
    for day, text, css in labelled:
        at = _n(x_of(day))
        add(f'<line x1="{at}" x2="{at}" y1="{_n(_PLOT_TOP - 8)}" y2="{_n(_PLOT_BOTTOM)}" class="{css}"/>')
        add(f'<text x="{at}" y="{_n(_PLOT_TOP - 12)}" text-anchor="middle" class="t-axis">{escape(text)}</text>')
    period = _("Period %(start)s–%(end)s") % {"start": _day(first), "end": _day(last)}
    add(f'<text x="{_n(_MARGIN)}" y="{_n(_MARGIN + 10)}" class="t-head">{escape(period)}</text>')
    add("</g>")

    # Gaps, behind the marks.
    if gaps:
        add('<g class="gaps">')
        for gap_start, gap_end in gaps:
            x0, x1 = x_of(gap_start), x_of(gap_end + dt.timedelta(days=1))
            days = (gap_end - gap_start).days + 1
            text = ngettext("%(days)s day without entries", "%(days)s days without entries", days) % {"days": days}
            tip = _("No entries from %(start)s to %(end)s (%(days)s days).") % {
                "start": _day(gap_start),
                "end": _day(gap_end),
                "days": days,
            }
            add(
                f'<g><title>{escape(tip)}</title><rect x="{_n(x0)}" y="{_n(_PLOT_TOP)}" width="{_n(x1 - x0)}" '
                f'height="{_n(_PLOT_BOTTOM - _PLOT_TOP)}" class="gap"/>'
            )
            middle = (x0 + x1) / 2
            if x1 - x0 >= len(text) * 6.2:
                add(
                    f'<text x="{_n(middle)}" y="{_n(_PLOT_TOP + 14)}" text-anchor="middle" class="t-gap">'
                    f"{escape(text)}</text></g>"
                )
            else:
                y = (_PLOT_TOP + _PLOT_BOTTOM) / 2
                add(
                    f'<text x="{_n(middle)}" y="{_n(y)}" text-anchor="middle" dominant-baseline="central" '
                    f'transform="rotate(-90 {_n(middle)} {_n(y)})" class="t-gap">{escape(text)}</text></g>'
                )
        add("</g>")

    # Marks, aggregated per lane and column (see the module docstring).
    groups: dict[tuple[int, int, int, int, str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        lane = lane_of[entry.organisation]
        date = entry.date
        if date.is_exact:
            x = x_of(date.earliest) + scale / 2
            bar = (-1, -1)
        else:
            x0, x1 = x_of(date.earliest), x_of(date.latest + dt.timedelta(days=1))
            x = (x0 + x1) / 2
            bar = (int(x0 // BUCKET_UNITS), int(x1 // BUCKET_UNITS))
        ring = "key" if entry.key_event else ("highlight" if (entry.source, entry.entry_ref) in highlight else "")
        groups[(lane, int(x // BUCKET_UNITS), *bar, event_class(entry.event_type).symbol, ring)].append(entry)

    add('<g class="marks">')
    for key in sorted(groups):
        lane, column, bar0, bar1, symbol, ring = key
        members = groups[key]
        y = _PLOT_TOP + lane * lane_height + lane_height / 2
        exact = bar0 == -1
        if exact:
            x = sum(x_of(entry.date.earliest) for entry in members) / len(members) + scale / 2
        else:
            x0 = min(x_of(entry.date.earliest) for entry in members)
            x1 = max(x_of(entry.date.latest + dt.timedelta(days=1)) for entry in members)
            x = (x0 + x1) / 2
        add(f"<g><title>{escape(_mark_title(members, lane_label, labels, ring))}</title>")
        if not exact:
            add(
                f'<rect x="{_n(x0)}" y="{_n(y - 3)}" width="{_n(max(x1 - x0, 1))}" height="6" rx="3" '
                'class="uncertain"/>'
            )
        if ring:
            add(f'<use href="#{prefix}-{ring}" x="{_n(x)}" y="{_n(y)}"/>')
        add(f'<use href="#{prefix}-{symbol}" x="{_n(x)}" y="{_n(y)}"/>')
        if len(members) > 1:
            add(f'<text x="{_n(x + 5)}" y="{_n(y - 5)}" class="count">{len(members)}</text>')
        add("</g>")
    add("</g>")

    add(_legend(prefix, show_highlight=bool(highlight)))
    add("</svg>")
    return "".join(out)


def _mark_title(members: list[Entry], lane_label: Mapping[str, str], labels: Mapping[str, str], ring: str) -> str:
    values: dict[str, object]
    organisation = lane_label.get(members[0].organisation, members[0].organisation)
    if len(members) == 1:
        entry = members[0]
        values = {
            "date": display_date(entry.date),
            "organisation": organisation,
            "event_type": labels.get(entry.event_type, entry.event_type),
        }
        if ring == "key":
            return _("%(date)s, %(organisation)s: %(event_type)s (key event)") % values
        if ring == "highlight":
            return _("%(date)s, %(organisation)s: %(event_type)s (highlighted)") % values
        return _("%(date)s, %(organisation)s: %(event_type)s") % values
    types = Counter(labels.get(entry.event_type, entry.event_type) for entry in members)
    dates = sorted({display_date(entry.date) for entry in members})
    values = {
        "count": len(members),
        "organisation": organisation,
        "dates": ", ".join(dates),
        "event_types": ", ".join(
            f"{label} × {count}" if count > 1 else label for label, count in sorted(types.items())
        ),
    }
    if ring == "key":
        return (
            ngettext(
                "%(count)s key event of %(organisation)s (%(dates)s): %(event_types)s",
                "%(count)s key events of %(organisation)s (%(dates)s): %(event_types)s",
                len(members),
            )
            % values
        )
    if ring == "highlight":
        return (
            ngettext(
                "%(count)s highlighted event of %(organisation)s (%(dates)s): %(event_types)s",
                "%(count)s highlighted events of %(organisation)s (%(dates)s): %(event_types)s",
                len(members),
            )
            % values
        )
    return (
        ngettext(
            "%(count)s event of %(organisation)s (%(dates)s): %(event_types)s",
            "%(count)s events of %(organisation)s (%(dates)s): %(event_types)s",
            len(members),
        )
        % values
    )


def _describe(
    entries: Sequence[Entry], lanes: Sequence[tuple[str, str]], gaps: Sequence[tuple[dt.date, dt.date]], gap_days: int
) -> str:
    if not entries:
        return _("The chronology has no entries.")
    sentences = [
        ngettext(
            "%(count)s entry from %(start)s to %(end)s.", "%(count)s entries from %(start)s to %(end)s.", len(entries)
        )
        % {
            "count": len(entries),
            "start": _day(min(entry.date.earliest for entry in entries)),
            "end": _day(max(entry.date.latest for entry in entries)),
        }
    ]
    counts = Counter(entry.organisation for entry in entries)
    sentences.append(
        ngettext("%(count)s organisation: %(list)s.", "%(count)s organisations: %(list)s.", len(lanes))
        % {"count": len(lanes), "list": "; ".join(f"{label} {counts.get(code, 0)}" for code, label in lanes)}
    )
    key_events = sum(entry.key_event for entry in entries)
    sentences.append(ngettext("%(count)s key event.", "%(count)s key events.", key_events) % {"count": key_events})
    uncertain = sum(not entry.date.is_exact for entry in entries)
    sentences.append(
        ngettext("%(count)s entry has an uncertain date.", "%(count)s entries have an uncertain date.", uncertain)
        % {"count": uncertain}
    )
    if gaps:
        listed = ", ".join(
            _("%(start)s–%(end)s (%(days)s days)")
            % {"start": _day(start), "end": _day(end), "days": (end - start).days + 1}
            for start, end in gaps
        )
        sentences.append(
            ngettext(
                "%(count)s period of more than %(limit)s days without entries: %(list)s.",
                "%(count)s periods of more than %(limit)s days without entries: %(list)s.",
                len(gaps),
            )
            % {"count": len(gaps), "limit": gap_days, "list": listed}
        )
    else:
        sentences.append(_("No period of more than %(limit)s days without entries.") % {"limit": gap_days})
    return " ".join(sentences)


def _legend(prefix: str, *, show_highlight: bool) -> str:
    out = ['<g class="legend">']
    top = _PLOT_BOTTOM + 16
    out.append(f'<text x="{_n(_MARGIN)}" y="{_n(top)}" class="t-head">{escape(_("Legend"))}</text>')
    items: list[tuple[str, str]] = [(event_class.symbol, str(event_class.label)) for event_class in EVENT_CLASSES]
    items.append(("key", _("Key event")))
    if show_highlight:
        items.append(("highlight", _("Highlighted entry")))
    items.append(("uncertain", _("Uncertain date: the bar spans the days it may mean")))
    items.append(("gap", _("No entries by any organisation (hatched)")))
    columns = 3
    width = (VIEWBOX_WIDTH - 2 * _MARGIN) / columns
    for index, (symbol, label) in enumerate(items):
        x = _MARGIN + (index % columns) * width + 8
        y = top + 13 + (index // columns) * 13
        if symbol == "uncertain":
            out.append(f'<rect x="{_n(x - 7)}" y="{_n(y - 3)}" width="14" height="6" rx="3" class="uncertain"/>')
        elif symbol == "gap":
            out.append(f'<rect x="{_n(x - 7)}" y="{_n(y - 5)}" width="14" height="10" class="gap"/>')
        else:
            out.append(f'<use href="#{prefix}-{symbol}" x="{_n(x)}" y="{_n(y)}"/>')
        out.append(f'<text x="{_n(x + 12)}" y="{_n(y + 3.5)}" class="t-legend">{escape(label)}</text>')
    out.append("</g>")
    return "".join(out)
