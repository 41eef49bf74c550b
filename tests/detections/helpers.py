"""Helpers for the detection tests: the demo agencies' chronologies as domain entries, to resubmit changed."""

from __future__ import annotations

import dataclasses
from typing import Any

from chronology.demo import DATA
from chronology.exchange import Vocabularies, read_chronology
from detections.models import PatternDetection


def demo_entries(review: Any, code: str) -> list:
    """The demo agency's chronology as the demo submitted it."""
    path = DATA / f"{code}.csv"
    result = read_chronology(path, vocabularies=Vocabularies.from_method(review.method_version.data))
    assert result.ok, result.errors
    return list(result.entries)


def changed(entries: list, ref: str, **changes: Any) -> list:
    return [dataclasses.replace(entry, **changes) if entry.entry_ref == ref else entry for entry in entries]


def hospital_missed_appointments(review: Any) -> PatternDetection:
    """The demo's detection of the three missed hospital appointments in 2024."""
    return PatternDetection.objects.get(review=review, rule="was_not_brought", subject="HAIGLA-01")
