"""Recording a notification: the form, computed deadlines, overdue marking and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Purpose
from core.dates import today as local_today
from method.models import MethodVersion
from notifications.models import Child, ChildIdentity, HouseholdMember, Notification

from .helpers import CHILD_CODE, english, record, valid_post

pytestmark = pytest.mark.django_db


def nothing_saved() -> bool:
    return not (
        Notification.objects.exists()
        or Child.objects.exists()
        or ChildIdentity.objects.exists()
        or HouseholdMember.objects.exists()
        or AuditEvent.objects.filter(action=Action.CREATE).exists()
    )


def test_coordinator_records_notification_with_child_household_and_confidential_part(people, login):
    client = english(login(people["koordinaator"]))
    hospital = people["meeskonnaliige"].organisation
    response = client.post(reverse("notifications:create"), valid_post(**{"child-known_to": [str(hospital.pk)]}))

    notification = Notification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:detail", kwargs={"pk": notification.pk})
    assert notification.reference == "TV-2026-0001"
    assert notification.method_version == MethodVersion.objects.current()
    assert notification.recorded_by == people["koordinaator"]
    assert notification.incident_date == dt.date(2026, 1, 5)
    assert notification.causes == ["medical_neglect"]
    assert notification.parallel_proceedings == ["police"]
    assert notification.status == Notification.Status.OPEN
    child = notification.child
    assert (child.pseudonym, child.age_at_incident, child.sex, child.legal_status) == (
        "Laps T",
        12,
        "female",
        "adopted",
    )
    assert list(child.known_to.all()) == [hospital]
    assert child.identity.personal_code == CHILD_CODE
    assert [(m.relationship, m.risk_factors) for m in child.household.all()] == [
        ("mother", ["mental_health", "substance_use"]),
        ("sibling", []),
    ]
    created = AuditEvent.objects.get(action=Action.CREATE, object_type="notifications.notification")
    assert created.object_id == str(notification.pk)
    assert created.actor == people["koordinaator"]
    assert created.purpose == Purpose.COORDINATION


def test_dates_are_accepted_as_iso_too(people, login):
    client = login(people["koordinaator"])
    client.post(
        reverse("notifications:create"),
        valid_post(incident_date="2026-01-05", became_aware_on="2026-01-07", recorded_on="2026-01-09"),
    )
    assert Notification.objects.get().became_aware_on == dt.date(2026, 1, 7)


def test_references_count_up_within_the_year(people):
    first = record(people["koordinaator"])
    second = record(people["koordinaator"])
    other_year = record(
        people["koordinaator"], incident=dt.date(2025, 3, 1), aware=dt.date(2025, 3, 2), recorded=dt.date(2025, 3, 3)
    )
    assert (first.reference, second.reference, other_year.reference) == ("TV-2026-0001", "TV-2026-0002", "TV-2025-0001")


def test_recording_due_is_five_working_days_after_becoming_aware(people):
    # Became aware on Monday 22.12.2025: 24.–26.12 are holidays, 1.1 too, so the fifth working day is 2.1.2026.
    notification = record(
        people["koordinaator"],
        incident=dt.date(2025, 12, 20),
        aware=dt.date(2025, 12, 22),
        recorded=dt.date(2026, 1, 2),
    )
    assert notification.recording_due == dt.date(2026, 1, 2)
    assert notification.recorded_late is False


def test_recorded_after_the_recording_due_date_is_recorded_late(people, login):
    notification = record(
        people["koordinaator"],
        incident=dt.date(2025, 12, 20),
        aware=dt.date(2025, 12, 22),
        recorded=dt.date(2026, 1, 5),
    )
    assert notification.recorded_late is True

    page = english(login(people["koordinaator"])).get(reverse("notifications:detail", kwargs={"pk": notification.pk}))
    html = page.content.decode()
    assert "02.01.2026" in html
    assert "Recorded late, on 05.01.2026." in html
    assert 'class="tag tag--overdue"' in html


def test_rapid_review_is_due_fifteen_working_days_after_recording(people):
    # Recorded on Monday 5.1.2026: fifteen working days later is Monday 26.1.2026.
    notification = record(
        people["koordinaator"], incident=dt.date(2026, 1, 2), aware=dt.date(2026, 1, 5), recorded=dt.date(2026, 1, 5)
    )
    assert notification.rapid_review_due == dt.date(2026, 1, 26)


def test_overdue_rapid_review_is_marked_in_words_on_detail_and_list(people, login):
    notification = record(people["koordinaator"])  # recorded 9.1.2026, due 30.1.2026, long past
    assert notification.rapid_review_overdue is True
    client = english(login(people["koordinaator"]))

    for url in (reverse("notifications:detail", kwargs={"pk": notification.pk}), reverse("notifications:list")):
        html = client.get(url).content.decode()
        assert '<strong class="tag tag--overdue">Overdue</strong>' in html


def test_rapid_review_not_yet_due_is_not_marked(people, login):
    today = local_today()
    notification = record(people["koordinaator"], incident=today, aware=today, recorded=today)
    assert notification.rapid_review_overdue is False
    html = login(people["koordinaator"]).get(reverse("notifications:detail", kwargs={"pk": notification.pk}))
    assert "tag--overdue" not in html.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"incident_date": "31.02.2026"}, "id_incident_date", "Enter a real date as dd.mm.yyyy"),
        ({"became_aware_on": "7/1/2026"}, "id_became_aware_on", "Enter a real date as dd.mm.yyyy"),
        ({"identity-personal_code": "38001085719"}, "id_identity-personal_code", "not a valid Estonian personal"),
        ({"causes": ["medical_neglect", "made_up_cause"]}, "id_causes_0", "made_up_cause is not a cause in the method"),
        ({"causes": None}, "id_causes_0", "Choose at least one cause."),
        ({"outcome": None}, "id_outcome_0", "Choose the outcome."),
        ({"child-pseudonym": ""}, "id_child-pseudonym", "Enter a pseudonym for the child."),
        ({"notifying_body": ""}, "id_notifying_body", "Enter who notified the board."),
        ({"child-age_at_incident": "18"}, "id_child-age_at_incident", "Enter an age from 0 to 17"),
        ({"child-age_at_incident": "-1"}, "id_child-age_at_incident", "Enter an age from 0 to 17"),
        ({"became_aware_on": "04.01.2026"}, "id_became_aware_on", "cannot be before the date of the incident"),
        ({"recorded_on": "06.01.2026"}, "id_recorded_on", "cannot be before the date the board became aware"),
        ({"incident_date": "01.01.2099"}, "id_incident_date", "The date cannot be in the future."),
        ({"household-0-relationship": ""}, "id_household-0-relationship", "Choose the household member"),
        ({"household-1-risk_factors": ["bogus"]}, "id_household-1-risk_factors_0", "bogus is not a risk factor"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(people, login, overrides, field_id, message):
    client = english(login(people["koordinaator"]))
    response = client.post(reverse("notifications:create"), valid_post(**overrides))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert f'href="#{field_id}"' in html
    assert message in html
    assert nothing_saved()


def test_service_refuses_an_unknown_code_and_saves_nothing(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        record(people["koordinaator"], causes=["not_a_cause"])
    assert "causes" in error.value.message_dict
    assert nothing_saved()


def test_service_refuses_an_invalid_personal_code_and_saves_nothing(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        record(people["koordinaator"], personal_code="12345678901")
    assert nothing_saved()


def test_only_the_coordinator_may_record(people, login):
    for username in ("analyytik", "meeskonnaliige", "asutus", "juhtkond", "audiitor"):
        client = login(people[username])
        assert client.get(reverse("notifications:create")).status_code == 403
        assert client.post(reverse("notifications:create"), valid_post()).status_code == 403
    assert Notification.objects.count() == 0


def test_signed_out_visitor_is_sent_to_sign_in(db, client):
    response = client.get(reverse("notifications:create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_add_another_household_member_gives_one_more_row_and_keeps_the_answers(people, login):
    client = english(login(people["koordinaator"]))
    data = valid_post()
    data["household-TOTAL_FORMS"] = "3"
    data["summary"] = "Kokkuvõte jääb alles."
    data["add_household_member"] = "1"
    response = client.post(reverse("notifications:create"), data)
    assert response.status_code == 200
    assert nothing_saved()
    page = response.content.decode()
    assert 'name="household-TOTAL_FORMS" value="4"' in page
    assert 'name="household-3-relationship"' in page
    assert "Kokkuvõte jääb alles." in page
    # Nothing was wrong yet: no error summary.
    assert "There is a problem" not in page
    # The fourth row is saved like the others.
    data.pop("add_household_member")
    data["household-TOTAL_FORMS"] = "4"
    data["household-3-relationship"] = "father"
    response = client.post(reverse("notifications:create"), data)
    assert response.status_code == 302
    assert "father" in Notification.objects.get().child.household.values_list("relationship", flat=True)
