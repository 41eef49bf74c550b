"""The meeting rule allows only what a meeting series needs: hostile rules are refused in the method
editor, with a reason, and nothing is saved; the rules a working group uses still plan their dates."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from method.models import MethodVersion
from method.services import method_draft_create, section_to_yaml
from workgroup.models import Meeting
from workgroup.schedule import MAX_MEETINGS_PER_YEAR, MeetingRule, RuleError, check_recurrence, plan_year


@pytest.fixture
def editor(people):
    return people["metoodik"]


@pytest.fixture
def draft(editor):
    return method_draft_create(acting_user=editor)


def save_rule(login, editor, draft, recurrence: str):
    section = copy.deepcopy(draft.content["workgroup"])
    section["meeting_rule"]["recurrence"] = recurrence
    client = login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("method:edit_section", kwargs={"number": draft.number, "section": "workgroup"})
    return client.post(url, {"text": section_to_yaml(section), "revision": str(draft.revision)})


def years_ahead(years: int) -> str:
    today = timezone.localdate()
    return f"{today.year + years}{today.month:02}{min(today.day, 28):02}"


HOSTILE_RULES = [
    ("FREQ=MINUTELY", "FREQ=MINUTELY is refused: a meeting series repeats weekly or monthly"),
    ("FREQ=HOURLY;BYDAY=MO", "FREQ=HOURLY is refused"),
    ("FREQ=SECONDLY", "FREQ=SECONDLY is refused"),
    ("FREQ=DAILY", "FREQ=DAILY is refused"),
    ("FREQ=YEARLY;BYMONTHDAY=1", "FREQ=YEARLY is refused"),
    ("FREQ=YEARLY;BYWEEKNO=1,2,3", "may not use BYWEEKNO"),
    ("FREQ=MONTHLY;BYDAY=+4WE;COUNT=1000000", "COUNT must be a whole number from 1 to 53, not 1000000"),
    ("FREQ=MONTHLY;BYDAY=+4WE;COUNT=0", "COUNT must be a whole number from 1 to 53"),
    ("FREQ=MONTHLY;BYDAY=+4WE;UNTIL=99991231", "UNTIL=31.12.9999 is more than 10 years ahead"),
    ("FREQ=MONTHLY;BYDAY=+4WE;UNTIL=" + years_ahead(11), "is more than 10 years ahead"),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=1,2,3,4,5,6,7", "may not use BYSETPOS"),
    ("FREQ=MONTHLY;BYDAY=+1MO;BYSETPOS=2", "may not use BYSETPOS"),
    ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "may not use BYMONTH"),
    ("FREQ=WEEKLY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11", "may not use BYHOUR"),
    ("FREQ=WEEKLY;BYMINUTE=0,15,30,45", "may not use BYMINUTE"),
    ("FREQ=MONTHLY;BYYEARDAY=1", "may not use BYYEARDAY"),
    ("DTSTART:19000101T000000\nRRULE:FREQ=MONTHLY", "is not a recurrence rule"),
    ("FREQ=MONTHLY;BYDAY=+4WE;FREQ=WEEKLY", "gives FREQ twice"),
    ("FREQ=WEEKLY;BYDAY=MO,TU", "plans 104 meetings in 2027; a meeting series has at most 53 a year"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU", "plans 365 meetings in 2027"),
    ("FREQ=MONTHLY;BYDAY=MO,WE", "meetings in 2027; a meeting series has at most 53"),
    ("FREQ=MONTHLY;BYMONTHDAY=" + ",".join(str(d) for d in range(1, 32)), "plans 365 meetings in 2027"),
    ("FREQ=MONTHLY;BYMONTHDAY=31;BYDAY=+1MO", "BYMONTHDAY is for a monthly rule without BYDAY"),
    ("FREQ=WEEKLY;BYDAY=+2WE", "only a monthly rule names the weekday's place in the month"),
    ("FREQ=MONTHLY;BYDAY=+9WE", "only a monthly rule names the weekday's place in the month"),
    ("FREQ=MONTHLY;INTERVAL=100000", "INTERVAL must be a whole number from 1 to 12"),
    ("FREQ=MONTHLY;BYMONTHDAY=45", "which is not a day of the month"),
    ("FREQ=MONTHLY;BYDAY=+4WE;UNTIL=20270230", "UNTIL must be a date written as YYYYMMDD"),
    ("FREQ=MONTHLY;BYDAY=+4WE;COUNT=5;UNTIL=20270101", "may give COUNT or UNTIL, not both"),
    ("FREQ=MONTHLY;BYDAY=" + ",".join(["+4WE"] * 60), "longer than 200 characters"),
]


@pytest.mark.parametrize(("recurrence", "expected"), HOSTILE_RULES)
def test_a_rule_that_plans_more_than_a_series_needs_is_refused_and_nothing_is_saved(
    login, editor, draft, recurrence, expected
):
    response = save_rule(login, editor, draft, recurrence)
    assert response.status_code == 200
    problems = list(response.context["form"].errors["text"])
    assert any(problem.startswith("workgroup: ") and expected in problem for problem in problems), problems
    stored = MethodVersion.objects.get(pk=draft.pk)
    assert stored.revision == 1
    assert stored.content["workgroup"]["meeting_rule"]["recurrence"] == "FREQ=MONTHLY;BYDAY=+4WE"
    assert not AuditEvent.objects.filter(action="update", object_id=str(draft.pk)).exists()
    assert not Meeting.objects.exists()


GOOD_RULES = [
    ("FREQ=MONTHLY;BYDAY=+4WE", 12),
    ("FREQ=MONTHLY;BYDAY=-1TH", 12),
    ("FREQ=MONTHLY;BYMONTHDAY=15", 12),
    ("FREQ=MONTHLY;INTERVAL=2;BYDAY=+1TU", 6),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", 26),
    ("FREQ=WEEKLY;BYDAY=WE", 52),
    ("FREQ=MONTHLY;BYMONTHDAY=1,15", 24),
    ("FREQ=MONTHLY;BYDAY=+4WE;COUNT=6", 6),
    ("freq=monthly;byday=+2tu;", 12),
]


@pytest.mark.parametrize(("recurrence", "per_year"), GOOD_RULES)
def test_the_rules_a_working_group_uses_are_saved_and_planned(login, editor, draft, recurrence, per_year):
    response = save_rule(login, editor, draft, recurrence)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    stored = MethodVersion.objects.get(pk=draft.pk)
    assert stored.content["workgroup"]["meeting_rule"]["recurrence"] == recurrence
    assert len(plan_year(2027, MeetingRule(recurrence=recurrence))) == per_year


def test_a_series_may_end_within_ten_years(login, editor, draft):
    until = years_ahead(2)
    assert save_rule(login, editor, draft, f"FREQ=MONTHLY;BYDAY=+4WE;UNTIL={until}").status_code == 302
    rule = MeetingRule(recurrence=f"FREQ=MONTHLY;BYDAY=+4WE;UNTIL={until}")
    assert len(plan_year(int(until[:4]) + 1, rule)) == 0


def test_planning_refuses_a_stored_rule_that_asks_for_every_minute():
    # A rule saved before these checks is refused when planned, instead of planning 525,600 meetings.
    with pytest.raises(RuleError) as raised:
        plan_year(2026, MeetingRule(recurrence="FREQ=MINUTELY"))
    assert "FREQ=MINUTELY is refused" in str(raised.value)


def test_the_weekly_cap_is_one_meeting_a_week():
    check_recurrence("FREQ=WEEKLY;BYDAY=TH", today=dt.date(2026, 2, 28))
    assert MAX_MEETINGS_PER_YEAR == 53
    with pytest.raises(RuleError):
        check_recurrence("FREQ=MONTHLY;BYMONTHDAY=1,8,15,22,29", today=dt.date(2026, 2, 28))


def test_the_ten_year_horizon_holds_on_the_29th_of_february():
    check_recurrence("FREQ=MONTHLY;UNTIL=20340228", today=dt.date(2024, 2, 29))
    with pytest.raises(RuleError):
        check_recurrence("FREQ=MONTHLY;UNTIL=20340301", today=dt.date(2024, 2, 29))


def test_materials_cannot_be_sent_a_billion_working_days_ahead(login, editor, draft):
    section = copy.deepcopy(draft.content["workgroup"])
    section["materials_working_days"] = 10**9
    client = login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("method:edit_section", kwargs={"number": draft.number, "section": "workgroup"})
    response = client.post(url, {"text": section_to_yaml(section), "revision": "1"})
    problems = list(response.context["form"].errors["text"])
    assert "workgroup: materials_working_days must be a whole number from 0 to 20." in problems
    assert MethodVersion.objects.get(pk=draft.pk).revision == 1
