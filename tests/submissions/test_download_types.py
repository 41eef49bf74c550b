"""A submitted chronology file is downloaded as what it is: CSV or XLSX when its content agrees with its
name, an opaque attachment otherwise, never shown inline or sniffed by the browser."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from submissions.models import Submission
from tests.file_samples import SAMPLES, SCRIPT

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stored_submission(information_request, name: str, data: bytes) -> Submission:
    """A submission kept with its file (as one kept before the content check would be)."""
    number = information_request.submissions.count() + 1
    submission = Submission.objects.create(
        request=information_request,
        review=information_request.involvement.review,
        number=number,
        channel=Submission.Channel.UPLOAD,
        filename=name,
    )
    submission.file.save(name, ContentFile(data), save=True)
    return submission


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("kronoloogia.csv", SAMPLES["csv"], "text/csv"),
        ("kronoloogia.xlsx", SAMPLES["xlsx"], XLSX_TYPE),
        ("kronoloogia.csv", SAMPLES["xlsx"], "application/octet-stream"),  # a workbook under a CSV name
        ("kronoloogia.xlsx", SCRIPT, "application/octet-stream"),
        ("kronoloogia.html", SCRIPT, "application/octet-stream"),
        ("kronoloogia.pdf", SAMPLES["pdf"], "application/octet-stream"),  # a PDF is no chronology file
    ],
)
def test_the_download_type_comes_from_the_allowed_extension_checked_against_the_content(
    contributor, sent_request, name, data, content_type
):
    submission = stored_submission(sent_request, name, data)
    response = contributor.get(reverse("submissions:download", args=[submission.pk]))
    assert response.status_code == 200
    assert response.content == data
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="{name}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
