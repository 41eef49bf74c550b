"""The integrated chronology page: all agencies' entries in date order, filters, pages, notices, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from chronology.dates import approximate, day_date, parse_written_date
from chronology.entry import Entry
from chronology.models import ChronologyEntry, Dispute, DuplicateLink
from chronology.services import dispute_create, duplicate_decide
from chronology.store import apply_submission
from chronology.templatetags.chronology import entry_date, entry_date_text
from chronology.views import PAGE_SIZE
from tests.chronology.pages import bulk_chronology, entry_of, world_fixture  # noqa: F401 (fixture)


def url(world) -> str:
    return reverse("chronology:integrated", kwargs={"pk": world.review.pk})


def refs(response) -> list[str]:
    return [row.entry_ref for row in response.context["rows"]]


def test_lead_reviewer_sees_every_agency_entry_in_date_order(world, login):
    response = login(world.people["analyytik"]).get(url(world))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == ChronologyEntry.objects.filter(review=world.review).count() == 21
    assert [(row.date_earliest, row.date_latest) for row in rows] == sorted(
        (row.date_earliest, row.date_latest) for row in rows
    )
    assert {row.organisation for row in rows} == {"VALD-LK", "PERE-01", "HAIGLA-01", "KOOL-01", "POLITSEI-01"}
    html = response.content.decode()
    assert 'class="restricted-banner"' in html
    assert "Kodukülastus kooli teatise peale" in html  # description
    assert "STAR märge 04.11.2024" in html  # source document
    assert '<abbr title="Näidisvalla Vallavalitsus">VALD-LK</abbr>' in html  # organisation with its name
    assert "Home visit" in html and "Medical neglect" in html  # labels from the method version
    assert "02.2025" in html  # KOOL-003, a month, as written
    assert "1 possible duplicate to decide" in html
    assert "0 open disputes" in html


def test_the_page_read_is_one_list_event_naming_the_entries_shown(world, login):
    before = AuditEvent.objects.count()
    response = login(world.people["meeskonnaliige"]).get(url(world))
    events = list(AuditEvent.objects.filter(sequence__gt=before).order_by("sequence"))
    lists = [event for event in events if event.action == "list"]
    assert len(lists) == 1
    assert lists[0].actor == world.people["meeskonnaliige"]
    assert lists[0].object_type == "chronology.chronologyentry"
    assert lists[0].review_id == world.review.pk
    assert sorted(lists[0].object_ids) == sorted(str(row.pk) for row in response.context["rows"])
    assert any(event.action == "read" and event.object_type == "reviews.review" for event in events)


@pytest.mark.parametrize("persona", ["asutus", "tooruhm", "juhtkond"])
def test_contributor_and_others_without_a_role_in_the_review_get_404(world, login, persona):
    response = login(world.people[persona]).get(url(world))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(actor=world.people[persona], object_type="chronology.chronologyentry")


def test_organisation_filter_keeps_that_organisations_entries(world, login):
    response = login(world.people["analyytik"]).get(url(world), {"organisation": "KOOL-01"})
    assert refs(response) == ["KOOL-001", "KOOL-002", "KOOL-003"]


def test_event_type_filter(world, login):
    response = login(world.people["analyytik"]).get(url(world), {"event_type": "appointment_missed"})
    assert set(refs(response)) == {"HAIGLA-001", "HAIGLA-002", "HAIGLA-003", "PERE-003", "PERE-004"}


def test_concern_filter(world, login):
    response = login(world.people["analyytik"]).get(url(world), {"concern": "parental_mental_health"})
    expected = set(
        ChronologyEntry.objects.filter(review=world.review, concern="parental_mental_health").values_list(
            "entry_ref", flat=True
        )
    )
    assert expected and set(refs(response)) == expected


def test_key_events_filter(world, login):
    response = login(world.people["analyytik"]).get(url(world), {"key_events": "on"})
    expected = set(
        ChronologyEntry.objects.filter(review=world.review, key_event=True).values_list("entry_ref", flat=True)
    )
    assert "VALD-007" in expected
    assert set(refs(response)) == expected


def test_child_seen_and_child_views_filters(world, login):
    client = login(world.people["analyytik"])
    seen = set(refs(client.get(url(world), {"child_seen": "no"})))
    assert seen == set(
        ChronologyEntry.objects.filter(review=world.review, child_seen="no").values_list("entry_ref", flat=True)
    )
    assert "VALD-006" in seen and "VALD-002" not in seen
    views = set(refs(client.get(url(world), {"child_views": "yes"})))
    assert views == set(
        ChronologyEntry.objects.filter(review=world.review, child_views_recorded="yes").values_list(
            "entry_ref", flat=True
        )
    )
    assert "VALD-002" in views


def test_period_filter_keeps_uncertain_dates_whose_interval_overlaps(world, login):
    client = login(world.people["analyytik"])
    # KOOL-003 is written "2025-02": the month overlaps a week in the middle of it; no day entry does.
    assert refs(client.get(url(world), {"period_from": "15.02.2025", "period_until": "20.02.2025"})) == ["KOOL-003"]
    # VALD-008 is "2025-09": it overlaps a period that starts on the 25th (the 10th's admission does not).
    assert refs(client.get(url(world), {"period_from": "25.09.2025"})) == ["VALD-008"]
    # ISO dates are accepted too; a period that ends before September leaves the month out.
    assert "VALD-008" not in refs(client.get(url(world), {"period_until": "2025-08-31"}))


def test_period_filter_matches_an_approximate_date_over_its_widened_interval(world, login):
    row = entry_of(world, "VALD-002")  # 14.03.2023, made approximate: 07.03.2023–21.03.2023
    row.date_earliest, row.date_latest = dt.date(2023, 3, 7), dt.date(2023, 3, 21)
    row.date_approximate = True
    row.save()
    response = login(world.people["analyytik"]).get(
        url(world), {"period_from": "20.03.2023", "period_until": "31.03.2023"}
    )
    assert refs(response) == ["VALD-002"]
    assert '<abbr title="about">≈</abbr>&nbsp;14.03.2023' in response.content.decode()


def test_a_bad_filter_is_named_and_the_others_still_apply(world, login):
    response = login(world.people["analyytik"]).get(
        url(world), {"period_from": "31.02.2025", "organisation": "KOOL-01"}
    )
    assert response.status_code == 200
    assert "period_from" in response.context["form"].errors
    assert refs(response) == ["KOOL-001", "KOOL-002", "KOOL-003"]
    response = login(world.people["analyytik"]).get(
        url(world), {"period_from": "01.03.2025", "period_until": "01.02.2025"}
    )
    assert "The end of the period cannot be before its start." in response.content.decode()


def test_merged_entry_is_one_row_showing_both_sources_and_found_by_either_organisation(world, login):
    link = DuplicateLink.objects.get(review=world.review)
    analyst = world.people["analyytik"]
    duplicate_decide(link=link, decision="confirm", note="", revision=link.revision, acting_user=analyst)
    client = login(world.people["analyytik"])
    response = client.get(url(world))
    assert len(response.context["rows"]) == 20
    row = next(row for row in response.context["rows"] if row.pk == link.first_id)
    assert [other.pk for other in row.other_sources] == [link.second_id]
    html = response.content.decode()
    assert link.second.source_document in html
    # The organisation filter finds the event through the merged entry's organisation too.
    merged_org = link.second.organisation
    assert link.first.entry_ref in refs(client.get(url(world), {"organisation": merged_org}))


def test_disputed_entries_are_tagged(world, login):
    dispute_create(
        review=world.review,
        entries=[entry_of(world, "VALD-006"), entry_of(world, "POL-001")],
        note="Laps kodus või mitte?",
        acting_user=world.people["analyytik"],
    )
    response = login(world.people["analyytik"]).get(url(world))
    html = response.content.decode()
    assert html.count('<strong class="tag tag--overdue">Disputed</strong>') == 2
    assert "1 open dispute" in html


def test_a_resubmission_that_removes_entries_is_announced_with_the_decisions_resting_on_them(world, login):
    requests = world.extra["chronology"]
    Dispute.objects.create(review=world.review, note="x", created_by=world.people["analyytik"]).entries.set(
        [entry_of(world, "KOOL-003"), entry_of(world, "PERE-004")]
    )
    kept = [
        row.to_entry()
        for row in ChronologyEntry.objects.filter(request=requests["KOOL-01"]).exclude(entry_ref="KOOL-003")
    ]
    apply_submission(information_request=requests["KOOL-01"], entries=kept, channel="upload")
    removed = entry_of(world, "KOOL-003")
    response = login(world.people["analyytik"]).get(url(world))
    assert "KOOL-003" not in refs(response)
    html = response.content.decode()
    assert "Entries taken out by resubmissions" in html
    assert reverse("chronology:entry", kwargs={"pk": removed.pk}) in html
    assert "Disputed entries" in html
    assert reverse("chronology:disputes", kwargs={"pk": world.review.pk}) in html


def test_the_chronology_is_shown_a_hundred_entries_a_page_keeping_the_filters(world, login):
    bulk_chronology(world, 80)
    client = login(world.people["analyytik"])
    first = client.get(url(world), {"event_type": "home_visit"})
    total = ChronologyEntry.objects.filter(
        review=world.review, is_active=True, merged_into__isnull=True, event_type="home_visit"
    ).count()
    assert first.context["page"].paginator.count == total > PAGE_SIZE
    assert len(first.context["rows"]) == PAGE_SIZE
    html = first.content.decode()
    assert "event_type=home_visit&amp;page=2" in html
    second = client.get(url(world), {"event_type": "home_visit", "page": 2})
    assert len(second.context["rows"]) == min(PAGE_SIZE, total - PAGE_SIZE)
    assert not set(refs(first)) & set(refs(second))
    event = AuditEvent.objects.filter(action="list", object_type="chronology.chronologyentry").latest("sequence")
    shown = {str(row.pk) for row in second.context["rows"]} | {
        str(other.pk) for row in second.context["rows"] for other in row.other_sources
    }
    assert set(event.object_ids) == shown


def queries_for_page(client, world) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(world))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_entries(world, login, django_assert_max_num_queries):
    client = login(world.people["analyytik"])
    bulk_chronology(world, 40)
    small = queries_for_page(client, world)
    with django_assert_max_num_queries(small):
        client.get(url(world))
    bulk_chronology(world, 400)
    assert ChronologyEntry.objects.filter(review=world.review, is_active=True).count() > 800
    assert DuplicateLink.objects.filter(review=world.review, status="confirmed").count() > 100
    with django_assert_max_num_queries(small):
        response = client.get(url(world))
    assert any(row.other_sources for row in response.context["rows"])
    assert queries_for_page(client, world) == small


def test_entry_date_shows_the_date_as_written():
    day = day_date(dt.date(2024, 3, 7))
    assert entry_date(day) == "07.03.2024"
    assert entry_date(parse_written_date("2024-03")) == "03.2024"
    assert entry_date(parse_written_date("2024")) == "2024"
    assert entry_date(approximate(parse_written_date("2024-03"))) == '<abbr title="about">≈</abbr>&nbsp;03.2024'
    assert entry_date_text(approximate(day)) == "about 07.03.2024"
    domain = Entry(
        entry_ref="A",
        date=parse_written_date("2019"),
        organisation="X",
        event_type="other",
        description="d",
        source_document="s",
    )
    assert entry_date(domain) == "2019"
    assert entry_date(None) == ""
