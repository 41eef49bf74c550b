from __future__ import annotations

import pytest
from stdnum.ee import ik

from accounts.demo import DEMO_USERS, ensure_demo_people
from accounts.models import SystemRole, User

pytestmark = pytest.mark.django_db


def test_every_demo_personal_code_is_valid():
    assert all(ik.is_valid(demo.personal_code) for demo in DEMO_USERS)


def test_demo_coordinator_carries_taras_test_identity(demo_people):
    coordinator = demo_people["koordinaator"]
    assert coordinator.tara_sub == "EE38001085718"
    assert coordinator.has_system_role(SystemRole.COORDINATOR)


def test_demo_people_are_created_once(demo_people):
    ensure_demo_people()
    assert User.objects.filter(is_demo=True).count() == len(DEMO_USERS)
