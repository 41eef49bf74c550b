"""Key practice episodes: the review team adds, reads and changes them; nobody else sees them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from analysis.models import KeyPracticeEpisode
from analysis.services import episode_create
from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from detections.models import PatternDetection


def form(**changes):
    data = {
        "title": "Haigla järelkontrollid",
        "period_start": "12.02.2024",
        "period_end": "2024-06-17",
        "how_it_looked": "Puudumisi peeti pere logistikaprobleemiks.",
        "appraisal": "shortcoming",
    }
    data.update(changes)
    return data


def stored(**changes):
    """The same episode as the service takes it (dates as dates)."""
    return form(period_start=dt.date(2024, 2, 12), period_end=dt.date(2024, 6, 17), **changes)


def test_a_lead_reviewer_adds_an_episode(demo, people, login):
    review = demo["review"]
    client = login(people["analyytik"])
    assert client.get(reverse("analysis:episode_create", args=[review.pk])).status_code == 200
    response = client.post(reverse("analysis:episode_create", args=[review.pk]), form())
    episode = KeyPracticeEpisode.objects.get(review=review)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("analysis:episode", args=[episode.pk])
    assert (episode.title, episode.period_start, episode.period_end) == (
        "Haigla järelkontrollid",
        dt.date(2024, 2, 12),
        dt.date(2024, 6, 17),
    )
    assert episode.appraisal == KeyPracticeEpisode.Appraisal.SHORTCOMING
    assert episode.created_by == people["analyytik"]
    event = AuditEvent.objects.get(object_type="analysis.keypracticeepisode", object_id=str(episode.pk))
    assert (event.action, event.actor, event.review_id) == ("create", people["analyytik"], review.pk)


def test_an_episode_needs_a_title_and_a_period_in_order(demo, people, login):
    review = demo["review"]
    response = login(people["meeskonnaliige"]).post(
        reverse("analysis:episode_create", args=[review.pk]),
        form(title="", period_start="17.06.2024", period_end="12.02.2024"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the episode&#x27;s title." in page or "Enter the episode's title." in page
    assert not KeyPracticeEpisode.objects.exists()
    response = login(people["meeskonnaliige"]).post(
        reverse("analysis:episode_create", args=[review.pk]), form(period_start="17.06.2024", period_end="12.02.2024")
    )
    assert "The end of the episode cannot be before its start." in response.content.decode()
    assert not KeyPracticeEpisode.objects.exists()


def test_the_episode_page_shows_its_entries_and_detections(demo, people, login):
    review = demo["review"]
    entry = ChronologyEntry.objects.get(review=review, entry_ref="HAIGLA-003")
    episode = episode_create(
        review=review,
        data=form(period_start=None, period_end=None),
        entry_ids=[entry.pk],
        acting_user=people["analyytik"],
    )
    detection = PatternDetection.objects.get(review=review, rule="was_not_brought", subject="HAIGLA-01")
    PatternDetection.objects.filter(pk=detection.pk).update(status="confirmed", episode=episode)
    client = login(people["koordinaator"])
    response = client.get(reverse("analysis:episode", args=[episode.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Puudumisi peeti pere logistikaprobleemiks." in page
    assert reverse("chronology:entry", args=[entry.pk]) in page
    assert reverse("detections:detail", args=[detection.pk]) in page
    assert 'class="restricted-banner"' in page
    event = AuditEvent.objects.filter(actor=people["koordinaator"]).latest("sequence")
    assert (event.action, event.object_type, event.object_id) == (
        "read",
        "analysis.keypracticeepisode",
        str(episode.pk),
    )
    listing = client.get(reverse("analysis:episodes", args=[review.pk])).content.decode()
    assert reverse("analysis:episode", args=[episode.pk]) in listing
    event = AuditEvent.objects.filter(actor=people["koordinaator"]).latest("sequence")
    assert (event.action, event.object_ids) == ("list", [str(episode.pk)])


def test_a_team_member_changes_an_episode(demo, people, login):
    episode = episode_create(review=demo["review"], data=stored(), acting_user=people["analyytik"])
    client = login(people["meeskonnaliige"])
    page = client.get(reverse("analysis:episode_edit", args=[episode.pk])).content.decode()
    assert 'value="12.02.2024"' in page
    response = client.post(reverse("analysis:episode_edit", args=[episode.pk]), form(appraisal="mixed", revision=0))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.appraisal, episode.revision) == ("mixed", 1)
    event = AuditEvent.objects.filter(object_type="analysis.keypracticeepisode", action="update").get()
    assert event.actor == people["meeskonnaliige"]
    assert event.detail["fields"] == ["appraisal"]


def test_a_stale_episode_edit_is_refused_showing_the_other_version(demo, people, login):
    episode = episode_create(review=demo["review"], data=stored(), acting_user=people["analyytik"])
    login(people["analyytik"]).post(
        reverse("analysis:episode_edit", args=[episode.pk]), form(title="Analüütiku pealkiri", revision=0)
    )
    response = login(people["meeskonnaliige"]).post(
        reverse("analysis:episode_edit", args=[episode.pk]), form(title="Minu pealkiri", revision=0)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this episode after you opened it" in page
    assert "Analüütiku pealkiri" in page
    episode.refresh_from_db()
    assert (episode.title, episode.revision) == ("Analüütiku pealkiri", 1)


def test_the_agency_contributor_and_outsiders_get_404(demo, people, login):
    review = demo["review"]
    episode = episode_create(review=review, data=stored(), acting_user=people["analyytik"])
    for username in ("asutus", "tooruhm", "metoodik"):
        client = login(people[username])
        assert client.get(reverse("analysis:episodes", args=[review.pk])).status_code == 404
        assert client.get(reverse("analysis:episode", args=[episode.pk])).status_code == 404
        assert client.post(reverse("analysis:episode_create", args=[review.pk]), form()).status_code == 404
        assert client.post(reverse("analysis:episode_edit", args=[episode.pk]), form(revision=0)).status_code == 404
    assert KeyPracticeEpisode.objects.count() == 1
    episode.refresh_from_db()
    assert episode.revision == 0
