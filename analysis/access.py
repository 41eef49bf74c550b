"""The one place where access to key practice episodes is decided and every read of one is audited.

An episode is part of its review: the review's readers (the coordinator, its lead reviewer and team
members) read and change it; everyone else gets 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from audit.log import record_request
from audit.models import Action
from reviews.access import review_purpose
from reviews.models import Review

from .models import KeyPracticeEpisode


def get_episode_for(request: HttpRequest, pk: int) -> KeyPracticeEpisode:
    """The episode if the signed-in person may read its review (else Http404), its read audited."""
    episode = KeyPracticeEpisode.objects.select_related("review__method_version", "created_by").filter(pk=pk).first()
    if episode is None or not Review.objects.visible_to(request.user).filter(pk=episode.review_id).exists():
        raise Http404
    record_request(
        request, action=Action.READ, purpose=review_purpose(request.user), obj=episode, review_id=episode.review_id
    )
    return episode


def record_episode_list(request: HttpRequest, review: Review, episodes: list[KeyPracticeEpisode]) -> None:
    """One LIST event naming every episode a page showed."""
    record_request(
        request,
        action=Action.LIST,
        purpose=review_purpose(request.user),
        object_type=KeyPracticeEpisode,
        object_ids=[episode.pk for episode in episodes],
        review_id=review.pk,
    )
