"""Background task of the outbox (django-tasks): send one e-mail."""

from __future__ import annotations

from django_tasks import TaskContext, task


@task(takes_context=True)
def send_message(context: TaskContext, message_pk: int) -> str:
    """Send one queued e-mail; returns its status afterwards (sent, queued for another attempt, failed)."""
    from .services import message_send

    return message_send(message_pk=message_pk, task_id=str(context.task_result.id))
