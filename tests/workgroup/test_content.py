"""The working group's part of the method: seeded with version 1, checked when edited, read with defaults."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from method.loader import validate_content
from method.models import MethodVersion
from method.seeds import load_seed
from method.services import method_draft_create, method_section_update
from workgroup import content
from workgroup.schedule import DEFAULT_RULE


def test_version_one_carries_the_working_group_section_with_the_default_rule(method_v1):
    section = method_v1.data.section("workgroup")
    assert section["meeting_rule"]["recurrence"] == "FREQ=MONTHLY;BYDAY=+4WE"
    assert content.group_settings(method_v1).rule == DEFAULT_RULE
    assert content.group_settings(method_v1).place == "Sotsiaalkindlustusamet, Paldiski mnt 80, Tallinn"


def test_the_seed_with_the_working_group_section_is_valid():
    assert validate_content(load_seed(validate=False)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"meeting_rule": {"recurrence": "sometimes"}}, "is not a recurrence rule"),
        ({"meeting_rule": {"start": "14:00", "end": "13:00"}}, "end time must be after"),
        ({"membership_letter": {"et": "Tere {nimi}", "en": "Hi", "ru": "Привет"}}, "unknown placeholders nimi"),
        ({"purpose": {"et": "Eesmärk"}}, "the en text is missing"),
    ],
)
def test_a_broken_working_group_section_is_refused_with_a_reason(change, expected):
    document = load_seed(validate=False)
    document["workgroup"] = {**document["workgroup"], **change}
    problems = validate_content(document)
    assert problems and any(expected in problem for problem in problems), problems


def test_a_version_without_the_section_falls_back_to_the_seed_and_the_default_rule(method_v1):
    document = copy.deepcopy(method_v1.content)
    del document["workgroup"]
    assert validate_content(document) == []
    version = MethodVersion(number=99, content=document)
    assert content.group_settings(version).rule == DEFAULT_RULE
    assert "{recipient}" in content.text("membership_letter", "en", version)


def test_the_method_editor_changes_the_rule_in_a_draft(people, login):
    editor = people["metoodik"]
    draft = method_draft_create(acting_user=editor)
    text = (
        "meeting_rule:\n  recurrence: FREQ=MONTHLY;BYDAY=+3TH\n  start: '10:00'\n  end: '12:00'\n"
        "  time_zone: Europe/Tallinn\n  skip_months: [7]\nplace: Tartu\n"
    )
    updated = method_section_update(
        version=draft, section="workgroup", text=text, revision=draft.revision, acting_user=editor
    )
    settings = content.group_settings(updated)
    assert (settings.rule.nth_weekday(), settings.rule.skip_months, settings.place) == ((3, 3), (7,), "Tartu")
    # The letter texts the draft left out still come from the seed.
    assert content.text("membership_letter", "et", updated).startswith("Lugupeetud {recipient}")
    page = login(editor).get(reverse("method:detail", kwargs={"number": updated.number})).content.decode()
    assert "FREQ=MONTHLY;BYDAY=+3TH" in page


def test_the_demo_working_group_is_loaded_once_with_the_other_demo_data(db, capsys):
    from django.core.management import call_command

    from workgroup.models import Invitation, Meeting, Membership, Seat

    call_command("load_demo")
    counts = (Seat.objects.count(), Membership.objects.count(), Invitation.objects.count(), Meeting.objects.count())
    call_command("load_demo")
    assert (
        Seat.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        Meeting.objects.count(),
    ) == counts
    assert counts[0] == 8
    assert "Demo working group ready: 8 seats" in capsys.readouterr().out
