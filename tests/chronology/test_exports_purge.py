"""Background exports are kept a week, then removed with their files."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from audit.models import Action, AuditEvent
from chronology.due import purge_old_exports
from chronology.models import ChronologyExport


def export(review, user, *, days_old: float) -> ChronologyExport:
    made = ChronologyExport(review=review, format="pdf", status="done", requested_by=user)
    made.file.save("kronoloogia.pdf", ContentFile(b"%PDF-1.7"), save=False)
    made.save()
    ChronologyExport.objects.filter(pk=made.pk).update(requested_at=timezone.now() - dt.timedelta(days=days_old))
    return made


def test_an_export_older_than_a_week_is_removed_with_its_file(
    demo_case, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    review = demo_case["review"]
    old = export(review, people["analyytik"], days_old=8)
    recent = export(review, people["analyytik"], days_old=2)
    old_name = old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_old_exports() == 1
    assert list(ChronologyExport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not default_storage.exists(old_name) and default_storage.exists(recent.file.name)
    event = AuditEvent.objects.get(action=Action.DELETE, object_type="chronology.chronologyexport")
    assert event.object_ids == [str(old.pk)] and event.review_id == review.pk
    assert purge_old_exports() == 0
