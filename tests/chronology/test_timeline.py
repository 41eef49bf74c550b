"""The swimlane timeline SVG: lanes, marks by shape, uncertain dates, key events, gaps, accessibility."""

from __future__ import annotations

import datetime as dt
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from chronology.entry import Entry, Precision, UncertainDate
from chronology.timeline import (
    VIEWBOX_HEIGHT,
    VIEWBOX_WIDTH,
    display_date,
    event_class,
    render_timeline_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def day(text: str) -> UncertainDate:
    value = dt.date.fromisoformat(text)
    return UncertainDate(value, value, Precision.DAY)


def entry(ref: str, date: UncertainDate, organisation: str = "KOV-01", event_type: str = "contact", **more) -> Entry:
    return Entry(
        entry_ref=ref,
        date=date,
        organisation=organisation,
        event_type=event_type,
        description="Väljamõeldud sissekanne.",
        source_document="STAR",
        source=f"{organisation}.csv",
        **more,
    )


def sample() -> list[Entry]:
    return [
        entry("A-1", day("2019-01-10"), "PERE-01", "appointment_missed"),
        entry("A-2", day("2019-02-01"), "KOV-01", "notification", addressee="KOV-01", key_event=True),
        entry(
            "A-3",
            UncertainDate(dt.date(2019, 3, 1), dt.date(2019, 3, 31), Precision.MONTH),
            "KOOL-01",
            "concern_recorded",
        ),
        entry("A-4", day("2019-09-01"), "KOV-01", "case_closed"),
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def titles(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}title")]


def test_the_timeline_is_an_accessible_image_with_a_title_and_a_summary():
    root = parse(render_timeline_svg(sample(), organisations=[("KOV-01", "Tartu lastekaitse")], language="en"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "timeline-title timeline-desc"
    assert root.find(f"{SVG}title").text == "Timeline of the chronology"
    summary = root.find(f"{SVG}desc").text
    assert "4 entries from 10.01.2019 to 01.09.2019." in summary
    assert "3 organisations: Tartu lastekaitse 2; KOOL-01 1; PERE-01 1." in summary
    assert "1 key event." in summary
    assert "1 period of more than 90 days without entries: 01.04.2019–31.08.2019 (153 days)." in summary


def test_every_mark_has_a_tooltip_with_date_organisation_and_event_type():
    labels = {"appointment_missed": "Appointment missed", "notification": "Notification"}
    svg = render_timeline_svg(sample(), language="en", event_type_labels=labels)
    tips = titles(parse(svg))
    assert "10.01.2019, PERE-01: Appointment missed" in tips
    assert "01.02.2019, KOV-01: Notification (key event)" in tips
    assert "03.2019, KOOL-01: concern_recorded" in tips


def test_one_lane_per_organisation_in_the_order_given_and_unknown_ones_after():
    svg = render_timeline_svg(sample(), organisations=[("PERE-01", "Perearst"), ("KOV-01", "KOV")], language="en")
    lanes = [text for text in parse(svg).iter(f"{SVG}text") if text.get("class") == "t-lane"]
    assert [list(text.itertext())[-1] for text in lanes] == [
        "Perearst",
        "KOV",
        "KOOL-01",
    ]


def test_event_types_map_to_shapes_and_unknown_codes_to_other():
    assert event_class("appointment_missed").symbol == "cross"
    assert event_class("home_visit").symbol == "circle"
    assert event_class("referral").symbol == "arrow"
    assert event_class("concern_recorded").symbol == "diamond"
    assert event_class("case_closed").symbol == "square"
    assert event_class("hospital_admission").symbol == "plus"
    assert event_class("a_code_from_method_v9").symbol == "bar"


def test_marks_use_the_shape_of_their_class_and_key_events_get_a_ring():
    svg = render_timeline_svg(sample(), language="en")
    uses = [element.get("href") for element in parse(svg).find(f"{SVG}g[@class='marks']").iter(f"{SVG}use")]
    # Lanes in code order without a list: KOOL-01, KOV-01, PERE-01; marks by lane, then time.
    assert uses == [
        "#timeline-diamond",
        "#timeline-key",
        "#timeline-arrow",
        "#timeline-square",
        "#timeline-cross",
    ]


def test_an_uncertain_date_is_a_bar_over_its_interval():
    root = parse(render_timeline_svg(sample(), language="en"))
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "uncertain"]
    assert len(bars) == 2  # the March entry and the legend's sample
    assert float(bars[0].get("width")) > 20  # a month on a nine-month axis


def test_long_gaps_are_hatched_and_labelled():
    root = parse(render_timeline_svg(sample(), language="en"))
    gaps = root.find(f"{SVG}g[@class='gaps']")
    assert gaps is not None
    assert "No entries from 01.04.2019 to 31.08.2019 (153 days)." in titles(gaps)
    assert "153 days without entries" in "".join(gaps.itertext())
    assert render_timeline_svg(sample(), gap_days=200).count('class="gap"') == 1  # only the legend


def test_an_uncertain_date_covers_its_interval_when_gaps_are_found():
    entries = [
        entry("Y-1", day("2018-01-05")),
        entry("Y-2", UncertainDate(dt.date(2018, 1, 1), dt.date(2018, 12, 31), Precision.YEAR)),
        entry("Y-3", day("2018-12-20")),
    ]
    assert "No period of more than 90 days without entries." in render_timeline_svg(entries, language="en")


def test_highlighted_entries_get_a_dashed_frame_and_a_legend_line():
    svg = render_timeline_svg(sample(), language="en", highlight={("PERE-01.csv", "A-1")})
    assert "10.01.2019, PERE-01: appointment_missed (highlighted)" in titles(parse(svg))
    assert "Highlighted entry" in svg
    assert "Highlighted entry" not in render_timeline_svg(sample(), language="en")


def test_text_is_escaped():
    hostile = [entry("X-1", day("2019-01-01"), "<b>&KOV", "contact")]
    svg = render_timeline_svg(hostile, organisations=[("<b>&KOV", "Vald <script>alert(1)</script> & Co")])
    root = parse(svg)  # well-formed
    assert "<script>" not in svg
    assert "Vald <script>alert(1)</script> & Co" in "".join(root.itertext())


def test_estonian_is_the_default_language_and_the_output_is_deterministic():
    first = render_timeline_svg(sample())
    assert first == render_timeline_svg(list(reversed(sample())))
    assert 'lang="et"' in first


def test_an_empty_chronology_says_so():
    svg = render_timeline_svg([], language="en")
    assert "The chronology has no entries." in "".join(parse(svg).itertext())


def test_the_viewbox_fits_a4_landscape():
    root = parse(render_timeline_svg(sample()))
    assert root.get("viewBox") == f"0 0 {VIEWBOX_WIDTH} {VIEWBOX_HEIGHT}"
    assert abs(VIEWBOX_WIDTH / VIEWBOX_HEIGHT - 277 / 182) < 0.01


def test_dates_are_shown_as_written():
    assert display_date(day("2019-03-04")) == "04.03.2019"
    month = UncertainDate(dt.date(2019, 3, 1), dt.date(2019, 3, 31), Precision.MONTH)
    assert display_date(month) == "03.2019"
    approximate_day = UncertainDate(dt.date(2019, 2, 25), dt.date(2019, 3, 11), Precision.DAY, approximate=True)
    assert display_date(approximate_day) == "~04.03.2019"
    year = UncertainDate(dt.date(2018, 1, 1), dt.date(2020, 12, 31), Precision.YEAR, approximate=True)
    assert display_date(year) == "~2019"


def test_five_thousand_entries_render_with_every_entry_accounted_for():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_patterns import generate

    entries = generate(5000)
    # How fast is measured in bench/bench_timeline.py.
    svg = render_timeline_svg(entries, language="en")
    assert len(svg.encode()) < 1_000_000
    root = parse(svg)
    marks = root.find(f"{SVG}g[@class='marks']")
    counted = 0
    for group in marks:
        count = group.find(f"{SVG}text")
        counted += int(count.text) if count is not None else 1
    assert counted == 5000


def axis_labels(entries) -> list[str]:
    root = parse(render_timeline_svg(entries, language="en"))
    return [text.text or "" for text in root.iter(f"{SVG}text") if text.get("class") == "t-axis"]


def test_the_axis_labels_years_months_or_days_as_the_period_suits():
    years = axis_labels([entry("T-1", day("2014-02-01")), entry("T-2", day("2019-11-30"))])
    assert years == ["2014", "2015", "2016", "2017", "2018", "2019", "2020"]  # the axis has a margin
    months = axis_labels([entry("T-1", day("2019-01-15")), entry("T-2", day("2019-12-15"))])
    assert months[:3] == ["02.2019", "03.2019", "04.2019"]
    assert months[-1] == "12.2019"
    days = axis_labels([entry("T-1", day("2019-03-01")), entry("T-2", day("2019-03-20"))])
    assert days[0].count(".") == 2 and len(days) <= 11
    assert all(len(label) == 10 for label in days)


def test_entries_in_the_same_column_of_a_lane_become_one_mark_that_says_how_many():
    entries = [entry(f"S-{number}", day("2019-03-04"), event_type="home_visit") for number in range(3)]
    entries.append(entry("S-9", day("2020-03-04")))
    root = parse(render_timeline_svg(entries, language="en", event_type_labels={"home_visit": "Home visit"}))
    marks = list(root.find(f"{SVG}g[@class='marks']"))
    assert len(marks) == 2
    assert marks[0].find(f"{SVG}title").text == "3 events of KOV-01 (04.03.2019): Home visit × 3"
    assert marks[0].find(f"{SVG}text").text == "3"
