from typing import Any

from django.apps import AppConfig


def _run_after_submission(submission: Any) -> None:
    """Detection runs again whenever an agency's submission is accepted (chronology.store)."""
    from .models import DetectionRun
    from .services import request_run

    request_run(review=submission.review, trigger=DetectionRun.Trigger.SUBMISSION)


class DetectionsConfig(AppConfig):
    name = "detections"

    def ready(self) -> None:
        from chronology.store import AFTER_SUBMISSION

        if _run_after_submission not in AFTER_SUBMISSION:
            AFTER_SUBMISSION.append(_run_after_submission)
