"""Background tasks shared by the apps (django-tasks; the worker is `manage.py task_worker`)."""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from accounts.models import SystemRole, User

logger = logging.getLogger(__name__)


def administrator_addresses() -> list[str]:
    """settings.ADMINS and every active administrator with an e-mail address, without repeats."""
    addresses = [address for _name, address in getattr(settings, "ADMINS", [])]
    addresses += User.objects.filter(
        is_active=True, role_grants__role=SystemRole.ADMINISTRATOR, email__gt=""
    ).values_list("email", flat=True)
    return list(dict.fromkeys(addresses))


def notify_administrators(subject: str, message: str) -> int:
    """E-mail the administrators (through the outbox, sent when the caller's transaction commits); log
    loudly when there is nobody to tell. Returns how many it goes to."""
    from outbox.models import OutboundMessage
    from outbox.services import message_queue

    recipients = administrator_addresses()
    if not recipients:
        logger.error("No administrator has an e-mail address; not sent: %s\n%s", subject, message)
        return 0
    message_queue(
        kind=OutboundMessage.Kind.ADMINISTRATOR_NOTICE, to=recipients, subject=f"[Tagasivaade] {subject}", body=message
    )
    return len(recipients)


@task()
def notify_administrators_task(subject: str, message: str) -> int:
    """`notify_administrators` in the background, for services (enqueue it with transaction.on_commit)."""
    return notify_administrators(subject, message)
