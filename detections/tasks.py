"""Background task of the detections app (django-tasks): one detection run."""

from __future__ import annotations

import logging

from django_tasks import task

from .models import DetectionRun

logger = logging.getLogger(__name__)


@task()
def run_detection_task(run_id: int) -> str:
    """Run a queued detection run; marks it running, then done or failed (with the error's text).

    A run that is no longer waiting (already run, e.g. by a second enqueue) is left alone.
    """
    from .services import run_detections, run_failed

    run = DetectionRun.objects.select_related("review", "method_version").filter(pk=run_id).first()
    if run is None or run.status != DetectionRun.Status.QUEUED:
        return "skipped"
    try:
        run_detections(run)
    except Exception as error:  # the run records its failure; the worker need not retry it
        logger.exception("detection run %s failed", run_id)
        run_failed(run, error)
        return "failed"
    return "done"
