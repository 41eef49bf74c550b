"""The one place where access to key practice episodes is decided and every read of one is audited.

An episode is part of its review: the review's readers (the coordinator, its lead reviewer and team
members) read and change it; everyone else gets 404.
"""

from __future__ import annotations

from django.http import HttpRequest

from reviews.access import get_review_part_for, record_review_part_list
from reviews.models import Review

from .models import KeyPracticeEpisode


def get_episode_for(request: HttpRequest, pk: int) -> KeyPracticeEpisode:
    """The episode if the signed-in person may read its review (else Http404), its read audited."""
    return get_review_part_for(
        request, KeyPracticeEpisode.objects.select_related("review__method_version", "created_by"), pk
    )


def record_episode_list(request: HttpRequest, review: Review, episodes: list[KeyPracticeEpisode]) -> None:
    """One LIST event naming every episode a page showed."""
    record_review_part_list(request, review, KeyPracticeEpisode, [episode.pk for episode in episodes])
