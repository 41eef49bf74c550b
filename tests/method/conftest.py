"""The method tests read English messages: pin the language so that the catalogues do not matter."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
