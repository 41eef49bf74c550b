"""Background tasks of the audit log."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core.queue import FinalFailure
from core.tasks import notify_administrators

from .models import AuditChainCheck
from .verify import anchor, check_chain

logger = logging.getLogger(__name__)


class AuditChainBroken(FinalFailure):
    """Raised after the administrators were told, so that the task's result shows it failed (and is not
    run again: another attempt would tell them again and find the same)."""


@task()
def verify_audit_chain(check_id: int) -> dict[str, object]:
    """Verify the whole chain, keep the outcome on the day's check, and tell the administrators if broken."""
    check = AuditChainCheck.objects.get(pk=check_id)
    result = check_chain()
    check.finished_at = timezone.now()
    check.intact = result.intact
    check.events = result.events
    check.problem = f"event {result.problem.sequence}: {result.problem.reason}" if result.problem else ""
    check.save(update_fields=["finished_at", "intact", "events", "problem"])
    if result.problem is None:
        sequence, head_hash = anchor()
        logger.info("Audit log intact: %s events; anchor %s:%s", result.events, sequence, head_hash)
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Audit log anchor for %(day)s") % {"day": check.day.strftime("%d.%m.%Y")}
            message = _(
                "The daily check of the audit log on %(day)s found it intact (%(events)s events).\n\n"
                "Anchor: %(anchor)s\n\n"
                "Keep this message. Later, `python manage.py audit_verify --anchor %(anchor)s` shows whether "
                "the log still holds this event unchanged, even if someone rewrote the whole log in the database."
            ) % {"day": check.day.strftime("%d.%m.%Y"), "events": result.events, "anchor": f"{sequence}:{head_hash}"}
        notify_administrators(subject, message)
        return {"intact": True, "events": result.events, "anchor": f"{sequence}:{head_hash}"}
    logger.error("Audit log broken at %s", check.problem)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The audit log is broken")
        message = _(
            "The daily check of the audit log on %(day)s found a problem at event %(sequence)s: %(reason)s.\n\n"
            "Events 1 to %(verified)s verify. An event was altered or removed outside the application. "
            "Run `python manage.py audit_verify` to see it again, and investigate it as a security incident."
        ) % {
            "day": check.day.strftime("%d.%m.%Y"),
            "sequence": result.problem.sequence,
            "reason": result.problem.reason,
            "verified": result.events,
        }
    notify_administrators(subject, message)
    raise AuditChainBroken(check.problem)
