"""The timeline page: the stored chronology drawn as a swimlane SVG on the server, with the chronology
table as its text alternative, a detection's entries ringed on demand, no inline styles for the CSP,
and a print stylesheet for A4 landscape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import Action, AuditEvent
from chronology import exporting
from chronology.models import ChronologyEntry
from chronology.timeline import _DEFS, _STYLE

from .exports_support import DEMO_AGENCIES, demo_chronology, make_detection, other_review

TIMELINE_CSS = Path(settings.BASE_DIR) / "chronology" / "static" / "chronology" / "timeline.css"
MISSED = ["HAIGLA-001", "HAIGLA-002", "HAIGLA-003"]


@pytest.fixture
def review(people, demo_case):
    demo_chronology(people, demo_case["review"])
    return demo_case["review"]


def timeline_url(review, **query):
    url = reverse("chronology:timeline", kwargs={"pk": review.pk})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def svg_of(response) -> str:
    html = response.content.decode()
    match = re.search(r"<svg .*?</svg>", html, re.S)
    assert match, "no SVG on the page"
    return match.group(0)


@pytest.mark.parametrize("username", ["koordinaator", "analyytik", "meeskonnaliige"])
def test_a_reader_of_the_review_sees_the_timeline_with_a_lane_per_agency(people, login, review, username):
    response = login(people[username]).get(timeline_url(review))
    assert response.status_code == 200
    svg = svg_of(response)
    assert 'role="img"' in svg
    assert 'aria-labelledby="timeline-title timeline-desc"' in svg
    assert '<title id="timeline-title">' in svg and '<desc id="timeline-desc">' in svg
    for code in DEMO_AGENCIES:
        assert re.search(rf'class="t-lane">(<title>[^<]*</title>)?{re.escape(code)} — ', svg), code
    assert 'class="restricted-banner"' in response.content.decode()


def test_the_lanes_are_labelled_with_code_and_organisation_name(people, login, review):
    from inquiries.models import Involvement

    involvement = Involvement.objects.select_related("organisation").get(review=review, code="VALD-LK")
    svg = svg_of(login(people["analyytik"]).get(timeline_url(review)))
    label = f"VALD-LK — {involvement.organisation.name}"
    # Long labels are shortened in the lane and given whole in its tooltip.
    assert f"<title>{label} (VALD-LK)</title>" in svg or f">{label}</text>" in svg


def test_event_types_are_labelled_from_the_method_in_the_active_language(people, login, review):
    client = login(people["analyytik"])
    assert "Home visit" in svg_of(client.get(timeline_url(review)))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "et"
    estonian = client.get(timeline_url(review))
    assert "Kodukülastus" in svg_of(estonian)
    assert 'lang="et"' in svg_of(estonian)


def test_key_events_are_ringed_and_long_gaps_are_hatched(people, login, review):
    svg = svg_of(login(people["analyytik"]).get(timeline_url(review)))
    assert 'href="#timeline-key"' in svg
    # One hatched rectangle is the legend's; the demo chronology falls silent for months before the end.
    assert svg.count('class="gap"') > 1
    assert "days without entries" in svg


def test_the_page_has_no_inline_styles_for_the_csp_and_links_the_timeline_stylesheet(people, login, review):
    response = login(people["analyytik"]).get(timeline_url(review))
    html = response.content.decode()
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert "<script>" not in html
    assert "/static/chronology/timeline.css" in html
    csp = response.headers["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp


def test_the_stylesheet_holds_every_rule_of_the_pictures_own_style_scoped_to_the_timeline():
    css = TIMELINE_CSS.read_text()
    rules = _STYLE.format(p="timeline")[len("<style>") : -len("</style>")].split("}")
    for rule in filter(None, (rule.strip() for rule in rules)):
        selector, body = rule.split("{", 1)
        declarations = "; ".join(body.split(";"))
        # Rules for the <symbol>s' contents are matched inside each <use> copy, under no svg.timeline.
        scope = "symbol" if f'class="{selector.strip()[1:]}"' in _DEFS else "svg.timeline"
        assert f"{scope} {selector.strip()} {{ {declarations}; }}" in css, selector


def test_the_print_stylesheet_prints_on_a4_landscape_without_navigation():
    css = TIMELINE_CSS.read_text()
    assert "@page { size: A4 landscape;" in css
    print_rules = css.split("@media print", 1)[1]
    assert ".site-header" in print_rules and "display: none" in print_rules
    assert "svg.timeline { width: 100%; height: auto;" in print_rules


def test_the_chronology_table_is_the_text_alternative_and_the_read_is_audited(people, login, review):
    user = people["meeskonnaliige"]
    response = login(user).get(timeline_url(review))
    html = response.content.decode()
    entries = list(ChronologyEntry.objects.filter(review=review).integrated())
    assert len(entries) == 21
    table = html.split('<table class="timeline-table">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + len(entries)
    for heading in ("Date", "Organisation", "Event type", "Description"):
        assert f'<th scope="col">{heading}</th>' in table
    assert "Laps toodi kriitilises seisundis" in table
    assert "10.09.2025 22:40" in table
    event = AuditEvent.objects.filter(actor=user, action=Action.LIST, object_type="chronology.chronologyentry").get()
    assert sorted(event.object_ids) == sorted(str(entry.pk) for entry in entries)
    assert event.review_id == review.pk
    assert event.detail == {"view": "timeline"}
    assert AuditEvent.objects.filter(actor=user, action=Action.READ, object_id=str(review.pk)).exists()


def test_a_long_chronology_links_to_the_integrated_chronology_instead_of_a_table(people, login, review, monkeypatch):
    monkeypatch.setattr(exporting, "TABLE_LIMIT", 5)
    response = login(people["analyytik"]).get(timeline_url(review))
    html = response.content.decode()
    assert '<table class="timeline-table">' not in html
    assert "too many for one page" in html
    assert f'href="{reverse("chronology:integrated", kwargs={"pk": review.pk})}"' in html
    assert "<svg " in html


def test_a_detection_rings_its_entries_and_says_which_detection_is_shown(people, login, review):
    detection = make_detection(review, MISSED)
    response = login(people["analyytik"]).get(timeline_url(review, detection=detection.pk))
    assert response.status_code == 200
    html = response.content.decode()
    svg = svg_of(response)
    # HAIGLA-003 is a key event and keeps its own ring; the two others are ringed as highlighted.
    assert svg.count('href="#timeline-highlight"') == 2 + 1  # two marks and the legend
    assert "(highlighted)" in svg
    assert "Highlighted entry" in svg
    before_picture = html.split("<svg ", 1)[0]
    assert "Detection shown: Was not brought" in before_picture
    assert "3 missed appointments at HAIGLA-01; no follow-up contact" in before_picture
    assert "1 of them is a key event" in before_picture
    table = html.split('<table class="timeline-table">', 1)[1]
    assert table.count("supports the detection") == 3
    event = AuditEvent.objects.filter(actor=people["analyytik"], action=Action.LIST).latest("sequence")
    assert event.detail == {"view": "timeline", "detection": detection.pk}


def test_the_detection_explanation_follows_the_active_language(people, login, review):
    detection = make_detection(review, MISSED)
    client = login(people["analyytik"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "et"
    html = client.get(timeline_url(review, detection=detection.pk)).content.decode()
    assert "3 vahelejäänud vastuvõttu asutuses HAIGLA-01" in html


def test_without_a_detection_nothing_is_highlighted(people, login, review):
    make_detection(review, MISSED)
    svg = svg_of(login(people["analyytik"]).get(timeline_url(review)))
    assert 'href="#timeline-highlight"' not in svg


def test_a_detection_of_another_review_or_a_bad_one_is_not_found(people, login, review, demo_case):
    elsewhere = other_review(demo_case, people)
    foreign = make_detection(elsewhere, [])
    client = login(people["koordinaator"])
    assert client.get(timeline_url(review, detection=foreign.pk)).status_code == 404
    assert client.get(timeline_url(review, detection="abc")).status_code == 404
    assert client.get(timeline_url(review, detection=999999)).status_code == 404


@pytest.mark.parametrize("username", ["asutus", "tooruhm", "juhtkond"])
def test_people_who_do_not_read_the_review_get_not_found(people, login, review, username):
    assert login(people[username]).get(timeline_url(review)).status_code == 404
    assert not AuditEvent.objects.filter(actor=people[username], action=Action.LIST).exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(client, review):
    response = client.get(timeline_url(review))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.headers["Location"]


def test_a_review_without_entries_shows_an_empty_picture(people, login, demo_case):
    review = other_review(demo_case, people)
    response = login(people["koordinaator"]).get(timeline_url(review))
    assert response.status_code == 200
    assert "The chronology has no entries." in svg_of(response)
    assert "The chronology has no entries yet." in response.content.decode()
