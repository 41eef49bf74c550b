"""Building notifications for tests: a valid form post and a direct service call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.test import Client

from accounts.demo import personal_code

CHILD_CODE = personal_code(6, "130220", 45)


def english(client: Client) -> Client:
    """Show the pages in English, so that tests can read the messages whatever the catalogues say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def valid_post(**overrides: Any) -> dict[str, Any]:
    """A complete notification form as the browser posts it (dates dd.mm.yyyy)."""
    data: dict[str, Any] = {
        "incident_date": "05.01.2026",
        "became_aware_on": "07.01.2026",
        "recorded_on": "09.01.2026",
        "notifying_body": "Näidislinna Lastehaigla",
        "notifying_organisation": "",
        "outcome": "hospitalisation",
        "causes": ["medical_neglect"],
        "parallel_proceedings": ["police"],
        "summary": "A child was brought to hospital after treatment had been interrupted.",
        "child-pseudonym": "Laps T",
        "child-age_at_incident": "12",
        "child-sex": "female",
        "child-health_needs": "Chronic condition",
        "child-school_attendance": "irregular",
        "child-legal_status": "adopted",
        "child-known_to_other": "",
        "identity-personal_code": CHILD_CODE,
        "identity-name": "Test Laps",
        "household-TOTAL_FORMS": "3",
        "household-INITIAL_FORMS": "0",
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "20",
        "household-0-relationship": "mother",
        "household-0-risk_factors": ["mental_health", "substance_use"],
        "household-0-note": "Missed appointments",
        "household-1-relationship": "sibling",
        "household-1-note": "",
        "household-2-relationship": "",
        "household-2-note": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def service_data(
    *,
    incident: dt.date = dt.date(2026, 1, 5),
    aware: dt.date = dt.date(2026, 1, 7),
    recorded: dt.date = dt.date(2026, 1, 9),
    pseudonym: str = "Laps S",
    personal_code: str = "",
    **notification: Any,
) -> dict[str, Any]:
    """The `data` argument of notifications.services.notification_record."""
    fields = {
        "incident_date": incident,
        "became_aware_on": aware,
        "recorded_on": recorded,
        "notifying_body": "Näidisvalla Vallavalitsus",
        "notifying_organisation": None,
        "outcome": "death",
        "causes": ["physical_maltreatment"],
        "parallel_proceedings": [],
        "summary": "",
    }
    fields.update(notification)
    return {
        "notification": fields,
        "child": {
            "pseudonym": pseudonym,
            "age_at_incident": 4,
            "sex": "male",
            "health_needs": "",
            "school_attendance": "not_school_age",
            "legal_status": "with_parents",
            "known_to": [],
            "known_to_other": "",
        },
        "identity": {"personal_code": personal_code, "name": ""},
        "household": [{"relationship": "father", "risk_factors": ["domestic_violence"], "note": ""}],
    }


def record(user: Any, **kwargs: Any):
    from notifications.services import notification_record

    return notification_record(data=service_data(**kwargs), acting_user=user)


def screen(notification: Any, user: Any, decision: str = "full_review"):
    from notifications.services import screening_decide

    codes = notification.method_version.data.codes("screening_checklist")
    return screening_decide(
        notification=notification,
        answers={code: "yes" for code in codes},
        decision=decision,
        reasons="In scope: hospitalised after neglect.",
        acting_user=user,
    )
