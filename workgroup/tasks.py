"""Background tasks of the working group (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_meeting_materials(meeting_id: int) -> int:
    """E-mail a meeting's materials to its members; returns how many materials went out."""
    from .meeting_services import materials_send

    return len(materials_send(meeting_id=meeting_id))
