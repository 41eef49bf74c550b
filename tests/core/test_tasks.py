"""core.tasks: telling the administrators."""

from __future__ import annotations

from django.core import mail

from accounts.models import RoleGrant, SystemRole, User
from core.tasks import administrator_addresses, notify_administrators, notify_administrators_task


def make_user(username, email, *roles, active=True):
    user = User.objects.create(username=username, email=email, is_active=active)
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return user


def test_active_administrators_with_an_address_and_settings_admins_are_told(
    db, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("Ops", "ops@example.org"), ("Also admin", "admin@example.org")]
    make_user("admin", "admin@example.org", SystemRole.ADMINISTRATOR)
    make_user("admin2", "second@example.org", SystemRole.ADMINISTRATOR, SystemRole.AUDITOR)
    make_user("gone", "gone@example.org", SystemRole.ADMINISTRATOR, active=False)
    make_user("noaddress", "", SystemRole.ADMINISTRATOR)
    make_user("coordinator", "coordinator@example.org", SystemRole.COORDINATOR)
    assert administrator_addresses() == ["ops@example.org", "admin@example.org", "second@example.org"]
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends once the change is committed
        assert notify_administrators("Subject", "Body") == 3
    (message,) = mail.outbox
    assert message.subject == "[Tagasivaade] Subject"
    assert sorted(message.to) == ["admin@example.org", "ops@example.org", "second@example.org"]


def test_with_nobody_to_tell_the_message_is_logged_as_an_error(db, settings, caplog):
    settings.ADMINS = []
    assert notify_administrators("Disk full", "Details") == 0
    assert mail.outbox == []
    assert "not sent: Disk full" in caplog.text


def test_the_task_sends_the_same_message(db, settings, django_capture_on_commit_callbacks):
    settings.ADMINS = [("Ops", "ops@example.org")]
    with django_capture_on_commit_callbacks(execute=True):
        result = notify_administrators_task.enqueue("Subject", "Body")
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert mail.outbox[0].to == ["ops@example.org"]
