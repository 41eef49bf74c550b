"""Merging agencies' chronologies in date order, the summary, and suggested duplicates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chronology.dates import approximate, parse_date
from chronology.entry import Entry
from chronology.merge import merge, similarity, suggest_duplicates, summarise


def entry(
    ref: str,
    date: str = "2019-10-15",
    *,
    organisation: str = "HAIGLA-01",
    source: str = "haigla.csv",
    event_type: str = "network_meeting",
    description: str = "Võrgustikukohtumine koolis, arutati lapse ravi.",
    **changes,
) -> Entry:
    precision = changes.pop("precision", "")
    return Entry(
        entry_ref=ref,
        date=parse_date(date, precision),
        organisation=organisation,
        event_type=event_type,
        description=description,
        source_document="dokument",
        source=source,
        **changes,
    )


def refs(entries) -> list[str]:
    return [item.entry_ref for item in entries]


def test_entries_of_all_files_are_merged_in_date_order():
    hospital = [entry("H-2", "2019-10-16"), entry("H-1", "2019-03-04")]
    school = [entry("K-1", "2019-09-01", organisation="KOOL-01", source="kool.csv")]
    assert refs(merge([hospital, school])) == ["H-1", "K-1", "H-2"]


def test_a_day_sorts_before_the_month_and_the_year_that_hold_it():
    entries = [entry("Y", "2019"), entry("M", "2019-03"), entry("D", "2019-01-01"), entry("A", "2019-03-01")]
    assert refs(merge([entries])) == ["D", "Y", "A", "M"]


def test_on_one_day_timed_entries_come_first_in_time_order_then_organisation_then_entry_ref():
    entries = [
        entry("H-10", organisation="HAIGLA-01"),
        entry("H-9", organisation="HAIGLA-01"),
        entry("A-1", organisation="ARST-01", source="arst.csv"),
        entry("late", time=dt.time(15, 0), organisation="ZZ-01", source="zz.csv"),
        entry("early", time=dt.time(9, 30), organisation="ZZ-01", source="zz.csv"),
    ]
    assert refs(merge([entries])) == ["early", "late", "A-1", "H-9", "H-10"]


def test_the_same_entry_ref_may_appear_in_two_files():
    merged = merge([[entry("1")], [entry("1", organisation="KOOL-01", source="kool.csv")]])
    assert [(item.source, item.entry_ref) for item in merged] == [("haigla.csv", "1"), ("kool.csv", "1")]


def test_the_same_entry_ref_twice_in_one_file_is_refused():
    with pytest.raises(ValueError, match="appears twice"):
        merge([[entry("1"), entry("1", "2019-10-16")]])


@given(seed=st.integers(min_value=0, max_value=10_000))
def test_the_merged_order_does_not_depend_on_the_order_of_files_or_rows(seed):
    generator = random.Random(seed)
    submissions = []
    for number in range(4):
        organisation = f"ORG-{number}"
        rows = []
        for row in range(8):
            day = dt.date(2019, 1, 1) + dt.timedelta(days=generator.randrange(60))
            form = generator.choice([day.isoformat(), day.isoformat()[:7], "2019"])
            rows.append(entry(f"R-{row}", form, organisation=organisation, source=f"{organisation}.csv"))
        submissions.append(rows)
    expected = merge(submissions)
    shuffled = [generator.sample(rows, len(rows)) for rows in generator.sample(submissions, len(submissions))]
    assert merge(shuffled) == expected
    assert all(a.date.earliest <= b.date.earliest for a, b in zip(expected, expected[1:], strict=False))


def test_the_summary_counts_entries_by_organisation_and_covers_the_period():
    merged = merge(
        [
            [entry("H-1", "2019-10-15"), entry("H-2", "2019")],
            [entry("K-1", "03.2020", organisation="KOOL-01", source="kool.csv", description="muu")],
        ]
    )
    summary = summarise(merged)
    assert summary.entries == 3
    assert summary.organisations == {"HAIGLA-01": 2, "KOOL-01": 1}
    assert summary.period == (dt.date(2019, 1, 1), dt.date(2020, 3, 31))
    assert summary.as_json()["period"] == {"start": "2019-01-01", "end": "2020-03-31"}


def test_an_empty_summary_has_no_period():
    assert summarise([]).period is None
    assert summarise([]).as_json() == {"entries": 0, "organisations": {}, "period": None, "duplicates": []}


# --- duplicates -------------------------------------------------------------------------------

HOSPITAL = {"organisation": "HAIGLA-01", "source": "haigla.csv"}
SCHOOL = {"organisation": "KOOL-01", "source": "kool.csv"}


def test_the_same_meeting_reported_by_two_agencies_is_suggested():
    a = entry("H-1", description="Võrgustikukohtumine koolis, arutati lapse ravi ja koolist puudumist.", **HOSPITAL)
    b = entry("K-7", description="Võrgustikukohtumisel koolis arutati lapse ravi ning puudumisi.", **SCHOOL)
    (suggestion,) = suggest_duplicates(merge([[a], [b]]))
    assert (suggestion.first, suggestion.second) == (a, b)
    assert suggestion.days_apart == 0
    assert suggestion.similarity >= 0.4
    assert suggestion.reason.startswith("Same event type (network_meeting) on the same day, descriptions ")


def test_entries_one_day_apart_are_suggested_and_two_days_apart_are_not():
    a = entry("H-1", "2019-10-15", **HOSPITAL)
    assert suggest_duplicates([a, entry("K-1", "2019-10-16", **SCHOOL)])[0].days_apart == 1
    assert suggest_duplicates([entry("K-1", "2019-10-14", **SCHOOL), a])[0].days_apart == 1
    assert suggest_duplicates([a, entry("K-1", "2019-10-17", **SCHOOL)]) == []


def test_entries_of_the_same_organisation_are_never_suggested():
    assert suggest_duplicates([entry("H-1"), entry("H-2"), entry("1", source="haigla-2.csv")]) == []


def test_different_event_types_are_not_suggested():
    assert suggest_duplicates([entry("H-1", **HOSPITAL), entry("K-1", event_type="contact", **SCHOOL)]) == []


def test_unlike_descriptions_are_not_suggested():
    a = entry("H-1", description="Kontrollvisiidile ei toodud, kolmas kord järjest.", **HOSPITAL)
    b = entry("K-1", description="Laps väsinud, kaebab peavalu; ema teavitatud.", **SCHOOL)
    assert suggest_duplicates([a, b]) == []


def test_a_referral_is_paired_only_with_a_record_of_the_same_referral():
    sent = entry("H-1", event_type="referral", addressee="KOV-01", description="Suunati lastekaitsesse.", **HOSPITAL)
    received = entry(
        "V-1",
        event_type="referral",
        addressee="KOV-01",
        organisation="KOV-01",
        source="kov.csv",
        description="Haiglast suunati lastekaitsesse.",
    )
    elsewhere = entry(
        "K-1", event_type="referral", addressee="PERE-01", description="Suunati lastekaitsesse.", **SCHOOL
    )
    response = entry(
        "V-2", event_type="case_opened", organisation="KOV-01", source="kov.csv", description="Suunati lastekaitsesse."
    )
    suggestions = suggest_duplicates(merge([[sent], [received, response], [elsewhere]]))
    assert [(s.first.entry_ref, s.second.entry_ref) for s in suggestions] == [("H-1", "V-1")]


def test_an_uncertain_date_is_paired_with_entries_inside_its_interval():
    month = entry("K-1", "2019-10", **SCHOOL)
    inside = entry("H-1", "2019-10-31", **HOSPITAL)
    outside = entry("H-2", "2019-11-01", **HOSPITAL)
    other_month = entry("P-1", "2019-10", precision="approximate", organisation="PERE-01", source="pere.csv")
    suggestions = suggest_duplicates(merge([[month], [inside, outside], [other_month]]))
    pairs = {(s.first.entry_ref, s.second.entry_ref): s for s in suggestions}
    assert set(pairs) == {("P-1", "K-1"), ("P-1", "H-1"), ("K-1", "H-1"), ("P-1", "H-2")}
    assert pairs[("K-1", "H-1")].days_apart is None
    assert "overlapping uncertain dates" in pairs[("K-1", "H-1")].reason


def test_an_approximate_day_overlaps_the_days_around_it():
    rough = dataclasses.replace(entry("K-1", **SCHOOL), date=approximate(parse_date("2019-10-15")))
    assert len(suggest_duplicates([rough, entry("H-1", "2019-10-20", **HOSPITAL)])) == 1


def test_a_suggestion_as_json_names_both_sides_by_file_and_entry_ref():
    a = entry("H-1", row=4, **HOSPITAL)
    b = entry("K-1", row=2, **SCHOOL)
    (suggestion,) = suggest_duplicates([a, b])
    data = suggestion.as_json()
    assert data["first"] == {
        "file": "haigla.csv",
        "entry_ref": "H-1",
        "organisation": "HAIGLA-01",
        "row": 4,
        "date": {"start": "2019-10-15", "end": "2019-10-15"},
    }
    assert data["second"]["file"] == "kool.csv" and data["second"]["entry_ref"] == "K-1"
    assert data["reason"] == suggestion.reason and data["similarity"] == 1.0


def test_similarity_copes_with_estonian_word_endings():
    assert similarity("Teavitati perearsti puudunud ravist.", "Perearstile teavitus puuduva ravi kohta") >= 0.4
    assert similarity("Kodukülastus, ema ei avanud ust.", "Kontrollvisiit haiglas, kaal normis.") < 0.4
    assert similarity("", "") == 0.0


@pytest.fixture
def comparisons(monkeypatch):
    """Counts the description comparisons suggest_duplicates makes (the costly step), so that tests can
    show the candidate index at work without timing anything (speed is measured in bench/)."""
    import chronology.merge as merge_module

    counted = {"pairs": 0}
    compare = merge_module._similarity

    def counting(a, b):
        counted["pairs"] += 1
        return compare(a, b)

    monkeypatch.setattr(merge_module, "_similarity", counting)
    return counted


def test_ten_thousand_entries_are_checked_for_duplicates_without_comparing_every_pair(comparisons):
    generator = random.Random(4)
    letters = "abdefghijklmnoprstuvõäöü"
    words = ["".join(generator.choices(letters, k=generator.randint(3, 10))) for _ in range(400)]
    event_types = ["contact", "network_meeting", "appointment_missed", "assessment", "home_visit"]
    entries = []
    for number in range(10_000):
        organisation = f"ORG-{number % 20:02d}"
        day = dt.date(2018, 1, 1) + dt.timedelta(days=generator.randrange(730))
        entries.append(
            Entry(
                entry_ref=f"R-{number}",
                date=parse_date(day.isoformat() if number % 10 else day.isoformat()[:7]),
                organisation=organisation,
                event_type=generator.choice(event_types),
                description=" ".join(generator.choices(words, k=12)),
                source_document="x",
                source=f"{organisation}.csv",
            )
        )
    # A hundred events reported by a second organisation as well, a day later, in other words.
    copies = [
        dataclasses.replace(
            original,
            entry_ref=f"C-{number}",
            organisation="ORG-99",
            source="ORG-99.csv",
            date=parse_date((original.date.earliest + dt.timedelta(days=1)).isoformat()),
            description=original.description.upper() + " " + words[0],
        )
        for number, original in enumerate(entry for entry in entries[1:1000:10] if entry.date.is_exact)
    ]
    merged = merge([entries, copies])
    summary = summarise(merged)
    assert summary.entries == 10_000 + len(copies)
    suggested = {(s.first.entry_ref, s.second.entry_ref) for s in summary.duplicates}
    for copy, original in zip(copies, (e for e in entries[1:1000:10] if e.date.is_exact), strict=True):
        assert (original.entry_ref, copy.entry_ref) in suggested
    assert len(summary.duplicates) < 2 * len(copies), "unrelated entries are rarely suggested"
    # Every pair would be 50 million comparisons; the index keeps them to candidates of the same kind and day.
    assert comparisons["pairs"] < 100 * len(merged), comparisons


def test_many_entries_of_one_organisation_on_one_day_are_not_compared_with_each_other(comparisons):
    same_day = [entry(f"H-{number}", **HOSPITAL) for number in range(5_000)]
    same_month = [entry(f"M-{number}", "2019-10", **HOSPITAL) for number in range(2_000)]
    assert suggest_duplicates(merge([same_day + same_month])) == []
    assert comparisons["pairs"] == 0
