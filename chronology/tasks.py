"""Background tasks of the chronology (django-tasks): exports that take too long for a request."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

from .export import export_pdf
from .exporting import chronology_data, export_filename, export_title
from .models import ChronologyExport

logger = logging.getLogger(__name__)


@task()
def make_chronology_export(export_id: int) -> str:
    """Make a queued PDF export of a review's integrated chronology and keep it through the storage
    API. Runs once: an export no longer queued is left as it is. Returns the export's status."""
    claimed = ChronologyExport.objects.filter(pk=export_id, status=ChronologyExport.Status.QUEUED).update(
        status=ChronologyExport.Status.RUNNING
    )
    if not claimed:
        return ChronologyExport.objects.filter(pk=export_id).values_list("status", flat=True).first() or ""
    export = ChronologyExport.objects.select_related("review__method_version").get(pk=export_id)
    review = export.review
    try:
        with translation.override(export.language):
            data = chronology_data(review, language=export.language)
            content = export_pdf(
                data.entries,
                title=export_title(review),
                language=export.language,
                organisations=data.organisations,
                event_type_labels=data.event_type_labels,
            )
        export.file.save(export_filename(review, "pdf"), ContentFile(content), save=False)
        export.entry_count = len(data.entries)
        export.status = ChronologyExport.Status.DONE
        export.error = ""
    except Exception as error:  # the page shows that it failed; the log keeps the details
        logger.exception("chronology export %s failed", export_id)
        export.status = ChronologyExport.Status.FAILED
        export.error = f"{error.__class__.__name__}: {error}"[:2000]
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "entry_count", "status", "error", "finished_at"])
    return export.status
