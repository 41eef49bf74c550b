"""Terms of reference (stage 4): who edits and reads them, bad input, the lost-update refusal, and the
warning about sectors missing from the team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Purpose
from inquiries import services
from inquiries.models import TermsOfReference
from reviews.models import ReviewMembership, ReviewRole

pytestmark = pytest.mark.django_db


def terms_url(review) -> str:
    return reverse("inquiries:terms", kwargs={"pk": review.pk})


def form_data(revision: int, **overrides: str) -> dict[str, str]:
    data = {
        "revision": str(revision),
        "scope_start": "01.01.2024",
        "scope_end": "2025-06-30",
        "lines_of_enquiry": "Why did the school not know of the condition?",
        "family_informed": "on",
        "family_informed_on": "03.02.2025",
    }
    data.update(overrides)
    return data


def test_coordinator_saves_the_terms_of_reference(people, login, inquiries):
    review = inquiries["review"]
    response = login(people["koordinaator"]).post(terms_url(review), form_data(0))
    assert response.status_code == 302
    terms = TermsOfReference.objects.get(review=review)
    assert (terms.scope_start.isoformat(), terms.scope_end.isoformat()) == ("2024-01-01", "2025-06-30")
    assert terms.family_informed and terms.family_informed_on.isoformat() == "2025-02-03"
    assert terms.revision == 1 and terms.updated_by == people["koordinaator"]
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(terms.pk))
    assert event.actor == people["koordinaator"] and event.review_id == review.pk


def test_lead_reviewer_saves_the_terms_and_the_team_member_only_reads_them(people, login, inquiries):
    review = inquiries["review"]
    assert login(people["analyytik"]).post(terms_url(review), form_data(0)).status_code == 302
    member = login(people["meeskonnaliige"])
    page = member.get(terms_url(review))
    assert page.status_code == 200
    assert b"Why did the school not know" in page.content
    assert b'name="scope_start"' not in page.content
    assert member.post(terms_url(review), form_data(1, lines_of_enquiry="changed")).status_code == 403
    assert TermsOfReference.objects.get(review=review).lines_of_enquiry.startswith("Why")
    read = AuditEvent.objects.filter(actor=people["meeskonnaliige"], action=Action.READ, review_id=review.pk)
    assert read.filter(purpose=Purpose.REVIEW).exists()


@pytest.mark.parametrize("username", ["asutus", "tooruhm", "juhtkond"])
def test_outsiders_and_the_agency_contributor_get_not_found(people, login, inquiries, username):
    assert login(people[username]).get(terms_url(inquiries["review"])).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, inquiries):
    response = client.get(terms_url(inquiries["review"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"scope_end": "31.12.2023"}, "scope_end", b"cannot be before its start"),
        ({"scope_start": "31.02.2024"}, "scope_start", b"Enter a real date"),
        ({"family_informed_on": ""}, "family_informed_on", b"Enter the date the family was informed"),
    ],
)
def test_bad_terms_are_refused_with_a_message_and_nothing_saved(people, login, inquiries, overrides, field, message):
    review = inquiries["review"]
    response = login(people["koordinaator"]).post(terms_url(review), form_data(0, **overrides))
    assert response.status_code == 200
    assert message in response.content
    assert f'href="#id_{field}"'.encode() in response.content
    assert not TermsOfReference.objects.filter(review=review, revision__gt=0).exists()


def test_second_save_of_the_same_version_is_refused_showing_both_versions(people, login, inquiries):
    review = inquiries["review"]
    coordinator, lead = login(people["koordinaator"]), login(people["analyytik"])
    # Both opened revision 0; the lead reviewer saves first.
    assert lead.post(terms_url(review), form_data(0, lines_of_enquiry="Lead's question")).status_code == 302
    response = coordinator.post(terms_url(review), form_data(0, lines_of_enquiry="Coordinator's question"))
    assert response.status_code == 200
    assert b"Someone else saved the terms of reference" in response.content
    assert b"Lead&#x27;s question" in response.content and b"Coordinator&#x27;s question" in response.content
    terms = TermsOfReference.objects.get(review=review)
    assert terms.lines_of_enquiry == "Lead's question" and terms.revision == 1
    # Saving again from the page now shown (revision 1) goes through.
    retry = coordinator.post(terms_url(review), form_data(1, lines_of_enquiry="Coordinator's question"))
    assert retry.status_code == 302
    assert TermsOfReference.objects.get(review=review).lines_of_enquiry == "Coordinator's question"


def test_service_refuses_a_stale_revision(people, inquiries):
    review = inquiries["review"]
    data = {"scope_start": None, "scope_end": None, "lines_of_enquiry": "x", "family_informed": False}
    services.terms_save(review=review, data=data, revision=0, acting_user=people["koordinaator"])
    with pytest.raises(services.EditConflict):
        services.terms_save(review=review, data=data, revision=0, acting_user=people["analyytik"])


def test_page_warns_about_involved_sectors_missing_from_the_team(people, login, inquiries):
    review = inquiries["review"]
    # The demo team: lead reviewer from SKA services, a health member; involved: child protection, health.
    page = login(people["koordinaator"]).get(terms_url(review))
    assert b"The review team has no member from these sectors" in page.content
    content = review.method_version.data
    assert content.sector_label("child_protection", "en").encode() in page.content
    assert services.missing_sectors(review) == ["child_protection"]
    ReviewMembership.objects.create(
        review=review, user=people["tooruhm"], role=ReviewRole.TEAM_MEMBER, sector="child_protection"
    )
    assert services.missing_sectors(review) == []
    page = login(people["koordinaator"]).get(terms_url(review))
    assert b"The review team has no member from these sectors" not in page.content


def test_the_agency_contributors_sector_does_not_count_as_the_team(people, inquiries):
    # asutus is an agency contributor from child protection: not a team member.
    assert ReviewMembership.objects.filter(
        review=inquiries["review"], user=people["asutus"], role=ReviewRole.AGENCY_CONTRIBUTOR
    ).exists()
    assert "child_protection" in services.missing_sectors(inquiries["review"])


def test_opening_the_page_stores_nothing(people, login, inquiries):
    review = inquiries["review"]
    assert login(people["meeskonnaliige"]).get(terms_url(review)).status_code == 200
    assert login(people["koordinaator"]).get(terms_url(review)).status_code == 200
    assert not TermsOfReference.objects.filter(review=review).exists()
