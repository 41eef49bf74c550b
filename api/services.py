"""API tokens and the API's check of a posted chronology.

A token is made for one information request by the coordinator, shown once, and kept only as its
SHA-256 digest (`api.models.token_digest`); revoking it ends its use at once. Each change writes its
audit event inside the same transaction.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.log import record
from audit.models import Action, Purpose
from chronology.fields import ImportResult, entries_from_mappings
from submissions.checking import vocabularies_for

from .models import ApiToken, token_digest

TOKEN_PREFIX = "tv_"
PREFIX_LENGTH = 11  # "tv_" and eight characters: enough to tell tokens apart, far too little to guess one
# A digest that matches no token, compared against when the token is unknown, so that a wrong token
# takes the same path as a right one.
_NO_DIGEST = "0" * 64


def token_create(*, information_request: Any, label: str, acting_user: Any) -> tuple[ApiToken, str]:
    """Make a token for the request. Returns the token row and the token itself, which is not kept:
    the caller shows it once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            request=information_request,
            digest=token_digest(raw),
            prefix=raw[:PREFIX_LENGTH],
            label=label,
            created_by=acting_user,
        )
        record(
            actor=acting_user,
            action=Action.CREATE,
            purpose=Purpose.COORDINATION,
            obj=token,
            review_id=information_request.involvement.review_id,
            detail={"request": information_request.pk, "prefix": token.prefix, "label": label},
        )
    return token, raw


def token_revoke(*, token: ApiToken, acting_user: Any) -> bool:
    """Revoke the token (from now on the API answers it with 401). False when it was revoked already."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().select_related("request__involvement").get(pk=token.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=Purpose.COORDINATION,
            obj=locked,
            review_id=locked.request.involvement.review_id,
            detail={"request": locked.request_id, "prefix": locked.prefix, "revoked": True},
        )
    token.revoked_at, token.revoked_by = locked.revoked_at, locked.revoked_by
    return True


def token_lookup(raw: str) -> tuple[ApiToken | None, str]:
    """The token a caller presented, and why it is refused ("" when it may be used): "unknown" or
    "revoked". Looked up by digest, so the database never sees the token itself."""
    digest = token_digest(raw)
    token = ApiToken.objects.select_related("request__involvement").filter(digest=digest).first()
    matches = hmac.compare_digest(token.digest if token is not None else _NO_DIGEST, digest)
    if token is None or not matches:
        return None, "unknown"
    if token.revoked_at is not None:
        return token, "revoked"
    return token, ""


def token_used(token: ApiToken) -> None:
    """Note when the token was last used (shown on the coordinator's token list)."""
    token.last_used_at = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)


def check_posted_entries(*, information_request: Any, items: Iterable[Any]) -> ImportResult:
    """The entries of an API body, checked exactly as an uploaded file is (`submissions.checking`):
    against the vocabularies of the review's method version and the codes of the organisations
    involved in the review, every entry's `organisation` being the code of the one the request went to."""
    return entries_from_mappings(
        list(items), vocabularies=vocabularies_for(information_request), source=str(information_request.pk)
    )
