"""Uploaded files that were never submitted are removed after a day, with their files."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from audit.models import Action, AuditEvent
from core.scheduler import run_due
from submissions.due import purge_stale_previews
from submissions.models import UploadPreview


def preview(request, user, *, hours_old: float) -> UploadPreview:
    made = UploadPreview(request=request, filename="vana.csv", size=3, created_by=user)
    made.file.save("vana.csv", ContentFile(b"abc"), save=False)
    made.save()
    UploadPreview.objects.filter(pk=made.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours_old))
    return made


def test_a_preview_not_submitted_within_a_day_is_removed_with_its_file(
    sent_request, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    old = preview(sent_request, people["asutus"], hours_old=25)
    fresh = preview(sent_request, people["asutus"], hours_old=2)
    old_name = old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_stale_previews() == 1
    assert list(UploadPreview.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not default_storage.exists(old_name)
    assert default_storage.exists(fresh.file.name)
    event = AuditEvent.objects.get(action=Action.DELETE, object_type="submissions.uploadpreview")
    assert event.object_ids == [str(old.pk)] and event.actor is None
    # Nothing is left to do on the next run.
    assert purge_stale_previews() == 0


def test_the_scheduler_runs_the_purge(sent_request, people, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    preview(sent_request, people["asutus"], hours_old=30)
    (run,) = run_due(["submissions.due.purge_stale_previews"])
    assert not run.failed and run.enqueued == 1
    assert not UploadPreview.objects.exists()
