"""Background tasks of reviews (django-tasks)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import SystemRole
from audit.log import record
from audit.models import Action, Purpose
from core.dates import format_date
from method.models import MethodVersion
from notifications.deadlines import STAGE_RAPID_REVIEW
from outbox.models import OutboundMessage
from outbox.services import message_queue

from .models import DeadlineAlert


def _target(alert: DeadlineAlert) -> Any:
    """The review (for a milestone) or the notification whose deadline passed."""
    target = alert.milestone.review if alert.milestone else alert.notification
    assert target is not None
    return target


@task()
def send_deadline_alerts() -> int:
    """E-mail the coordinators about every deadline alert not sent yet; each is sent once: one message
    per coordinator, queued in the outbox in the transaction that marks the alerts sent, and linked to
    each alert so that the review's page shows how sending went.

    The e-mail names references and stages only (no pseudonyms or names): e-mail leaves the system.
    """
    with transaction.atomic():
        alerts = list(
            DeadlineAlert.objects.select_for_update(of=("self",))
            .filter(sent_at__isnull=True)
            .select_related("milestone__review", "notification")
            .order_by("due_on", "pk")
        )
        if not alerts:
            return 0
        recipients = list(
            get_user_model()
            .objects.filter(is_active=True, role_grants__role=SystemRole.COORDINATOR)
            .exclude(email="")
            .distinct()
        )
        version_ids = {_target(alert).method_version_id for alert in alerts}
        versions = MethodVersion.objects.only("pk", "content").in_bulk(version_ids)
        with translation.override(settings.LANGUAGE_CODE):
            lines = []
            for alert in alerts:
                if alert.milestone:
                    review = alert.milestone.review
                    stage = versions[review.method_version_id].data.label(
                        "stages", alert.milestone.stage_code, settings.LANGUAGE_CODE
                    )
                    reference = review.reference
                else:
                    notification = _target(alert)
                    stage = versions[notification.method_version_id].data.label(
                        "stages", STAGE_RAPID_REVIEW, settings.LANGUAGE_CODE
                    )
                    reference = notification.reference
                lines.append(
                    _("%(reference)s: %(stage)s, due %(date)s")
                    % {"reference": reference, "stage": stage, "date": format_date(alert.due_on)}
                )
            subject = _("Tagasivaade: deadlines passed")
            body = "\n".join(
                [_("These deadlines have passed:"), "", *lines, "", _("Sign in to Tagasivaade to see them.")]
            )
        messages = [
            message_queue(kind=OutboundMessage.Kind.DEADLINE_ALERT, to=[user.email], subject=subject, body=body)
            for user in recipients
        ]
        for alert in alerts:
            alert.messages.add(*messages)
        DeadlineAlert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(sent_at=timezone.now())
        record(
            actor=None,
            action=Action.SEND,
            purpose=Purpose.SYSTEM,
            object_type=DeadlineAlert,
            object_ids=[alert.pk for alert in alerts],
            detail={"recipients": [user.pk for user in recipients]},
        )
    return len(alerts)
