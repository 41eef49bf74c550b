"""The JSON API through which an agency's own system (STAR, a hospital system) answers its
information request: `POST /api/v1/requests/{id}/chronology` and `GET /api/v1/requests/{id}`.

- A bearer token belongs to one information request (made and revoked by the coordinator on the
  request's token page); a missing, unknown or revoked token is answered 401, a token of another
  request 404, so that nothing about other requests is revealed.
- A request still in draft (never sent) refuses a chronology with 409: the token's holder knows the
  request exists, but the agency has not been asked yet.
- The body is checked as an uploaded file is (`api.services.check_posted_entries`) and taken in whole
  or not at all, through `chronology.store.apply_submission`; every problem is listed as
  `{"errors": [{"index", "field", "message"}]}` with 422. A resubmission replaces the earlier one.
- Bodies over 10 MB are refused with 413 before they are read (`body_limited`).
- Every call is audited: actor none, purpose "information request", the token and the outcome in the
  detail. Refused tokens are audited too, without anything of the token presented.

The OpenAPI document is at /api/v1/openapi.json. There is no interactive docs page: ninja's loads
its scripts from a CDN, which the content security policy forbids.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from ninja import Field, NinjaAPI, Path, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import WithJsonSchema

from audit.log import record
from audit.models import Action, Purpose
from chronology.fields import KEYS, MAX_DESCRIPTION, MAX_LENGTHS, MAX_ROWS, REQUIRED_KEYS, Problem
from chronology.store import apply_submission
from inquiries.models import InformationRequest

from . import services
from .models import ApiToken

MAX_BODY_BYTES = 10 * 1024 * 1024
YES_NO_VALUES = ["yes", "no", "unknown", "jah", "ei", "teadmata"]


# --- schemas --------------------------------------------------------------------------------------------------


def _text(description: str, key: str = "", **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "description": description, **extra}
    if key in MAX_LENGTHS:
        schema["maxLength"] = MAX_LENGTHS[key]
    return schema


# One entry in the exchange format (/work/shared/formats/chronology.md). Documented here, checked by
# `chronology.fields.entries_from_mappings`, so that every problem is told in the format's own words.
ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ChronologyEntry",
    "description": "One event, with the exchange format's keys.",
    "required": list(REQUIRED_KEYS),
    "additionalProperties": False,
    "properties": {
        "entry_ref": _text(
            "The agency's own id of the entry, unique within the submission; a resubmission with the same "
            "entry_ref replaces that entry.",
            "entry_ref",
            minLength=1,
        ),
        "date": _text("YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or MM.YYYY; the form sets the precision.", minLength=1),
        "date_precision": {
            "type": "string",
            "enum": ["day", "month", "year", "approximate", "päev", "kuu", "aasta", "ligikaudne"],
            "description": "Must fit the date's form, except approximate, which fits any.",
        },
        "time": _text("HH:MM, only with a day-precision date."),
        "organisation": _text("The code of the organisation the request went to.", "organisation", minLength=1),
        "practitioner_role": _text("Free text, e.g. perearst; never a person's name.", "practitioner_role"),
        "event_type": _text("A code from the event types of the review's method version.", minLength=1),
        "addressee": _text(
            "For referral, notification and information_shared: the code of the organisation it went to.",
            "addressee",
        ),
        "concern": _text("A code from the concerns of the review's method version; empty for none."),
        "description": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_DESCRIPTION,
            "description": "What happened.",
        },
        "source_document": _text("Where the entry comes from.", "source_document", minLength=1),
        "child_seen": {"type": "string", "enum": YES_NO_VALUES, "description": "Empty means unknown."},
        "child_views_recorded": {"type": "string", "enum": YES_NO_VALUES, "description": "Empty means unknown."},
        "shared_with": {
            "type": "array",
            "items": {"type": "string", "maxLength": MAX_LENGTHS["shared_with"]},
            "description": "Codes of the organisations this information was shared with.",
        },
        "key_event": {"type": "boolean", "description": "Default false."},
    },
}
assert set(ENTRY_SCHEMA["properties"]) == set(KEYS), "the documented entry must have the format's keys"

EXAMPLE_ENTRY: dict[str, Any] = {
    "entry_ref": "STAR-2016-114-1",
    "date": "2016-03-14",
    "time": "10:30",
    "organisation": "VALD-LK",
    "practitioner_role": "lastekaitsetöötaja",
    "event_type": "home_visit",
    "concern": "physical_neglect",
    "description": "Kodukülastus; laps oli kodus ja rahulik.",
    "source_document": "STAR juhtum 2016-114, sissekanne 14.03.2016",
    "child_seen": "yes",
    "child_views_recorded": "no",
    "shared_with": [],
    "key_event": False,
}


class ChronologyIn(Schema):
    # Each entry is taken as it comes and checked by the exchange format's rules (not by the schema),
    # so that every problem comes back with its index, field and a message in the caller's language.
    entries: list[Annotated[Any, WithJsonSchema(ENTRY_SCHEMA)]] = Field(
        ...,
        description="The agency's whole chronology for this request (at most 50,000 entries).",
        json_schema_extra={"maxItems": MAX_ROWS},
    )

    model_config = {"json_schema_extra": {"examples": [{"entries": [EXAMPLE_ENTRY]}]}}


class ErrorOut(Schema):
    index: int | None = Field(None, description="The entry's position in `entries`, from 0; null for the body.")
    field: str = Field(description="The exchange-format key, or `entries` for the body as a whole.")
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorOut]


class MessageOut(Schema):
    detail: str


class SubmissionOut(Schema):
    number: int = Field(description="1, 2, … within the request.")
    submitted_at: dt.datetime
    channel: str
    entries: int
    added: int
    updated: int
    unchanged: int
    removed: int
    removed_entry_refs: list[str] = Field(description="Entries of the earlier submission this one no longer holds.")


class RequestOut(Schema):
    id: int
    status: Literal["draft", "sent", "reminded", "received", "overdue"]
    organisation: str = Field(description="The organisation's code in the chronology.")
    due_on: dt.date | None
    latest_submission: SubmissionOut | None


def submission_out(submission: Any) -> dict[str, Any]:
    return {
        "number": submission.number,
        "submitted_at": submission.submitted_at,
        "channel": submission.channel,
        "entries": submission.entry_count,
        "added": submission.added_count,
        "updated": submission.updated_count,
        "unchanged": submission.unchanged_count,
        "removed": submission.removed_count,
        "removed_entry_refs": list(submission.removed_refs),
    }


def errors_out(problems: tuple[Problem, ...] | list[Problem]) -> dict[str, Any]:
    return {
        "errors": [
            {
                "index": problem.index,
                "field": problem.field or ("entries" if problem.index is None else ""),
                "message": problem.message,
            }
            for problem in problems
        ]
    }


# --- audit -----------------------------------------------------------------------------------------------------


def audit_call(
    request: HttpRequest,
    *,
    action: str,
    outcome: str,
    token: ApiToken | None,
    information_request: InformationRequest | None = None,
    **detail: Any,
) -> None:
    """One audit event for an API call. Nothing of a refused token is stored but its row, when known."""
    record(
        actor=None,
        action=action,
        purpose=Purpose.INFORMATION_REQUEST,
        obj=information_request,
        object_type=None if information_request is not None else InformationRequest,
        review_id=information_request.involvement.review_id if information_request is not None else None,
        path=request.get_full_path(),
        detail={"channel": "api", "api_token": token.pk if token is not None else None, "outcome": outcome, **detail},
    )


# --- authentication --------------------------------------------------------------------------------------------


class RequestToken(HttpBearer):
    """`Authorization: Bearer <token>`: the token of one information request, not revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found, refusal = services.token_lookup(token)
        if refusal:
            # Told to the 401 handler, which audits every refusal (a missing header never gets here).
            request.api_refusal = (refusal, found)  # type: ignore[attr-defined]
            return None
        assert found is not None
        services.token_used(found)
        return found


api = NinjaAPI(
    title="Tagasivaade",
    version="1",
    description=(
        "Agency systems submit their chronology for an information request of a child-protection case "
        "review. One bearer token per information request, made and revoked by the review coordinator."
    ),
    urls_namespace="api",
    auth=RequestToken(),
    docs_url=None,
    docs_decorator=require_GET,
)


@api.exception_handler(AuthenticationError)
def refused(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    reason, token = getattr(request, "api_refusal", ("missing", None))
    audit_call(request, action=Action.SIGN_IN_REFUSED, outcome="unauthorized", token=token, reason=reason)
    response = api.create_response(
        request, {"detail": _("A valid bearer token for this information request is needed.")}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="tagasivaade"'
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The body's shape is wrong (no `entries` list): told in the same form as the entries' problems."""
    errors = []
    for error in exc.errors:
        location = [part for part in error.get("loc", ()) if part not in ("body", "payload", "path")]
        index = next((part for part in location[1:] if isinstance(part, int)), None)
        field = str(location[0]) if location else "entries"
        if error.get("type") == "missing":
            message = _("This value is required.")
        elif field == "entries" and index is None:
            message = _('Send the entries as a list of objects: {"entries": [...]}.')
        else:
            message = _("This value is not valid.")
        errors.append({"index": index, "field": field, "message": message})
    _audit_refused_body(request, "invalid")
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja could not parse the body
        _audit_refused_body(request, "malformed")
        message = _('The body is not valid JSON. Send a JSON object: {"entries": [...]}.')
        return api.create_response(
            request, {"errors": [{"index": None, "field": "entries", "message": message}]}, status=400
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _audit_refused_body(request: HttpRequest, outcome: str) -> None:
    token = getattr(request, "auth", None)
    information_request = token.request if token is not None else None
    action = Action.READ if request.method == "GET" else Action.CREATE
    audit_call(request, action=action, outcome=outcome, token=token, information_request=information_request)


# --- endpoints -------------------------------------------------------------------------------------------------

RequestId = Annotated[int, Path(ge=1, description="The information request's number (in the request's link).")]


def _own_request(request: HttpRequest, pk: int, action: str) -> InformationRequest | None:
    """The token's request when it is the one asked for; else audits the miss and returns None."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if token.request_id != pk:
        audit_call(request, action=action, outcome="not_found", token=token, requested=str(pk))
        return None
    return token.request


@api.post(
    "/requests/{id}/chronology",
    url_name="submit_chronology",
    response={
        201: SubmissionOut,
        400: ErrorsOut,
        401: MessageOut,
        404: MessageOut,
        409: MessageOut,
        413: MessageOut,
        422: ErrorsOut,
    },
    summary="Submit the agency's chronology",
    description=(
        "The whole chronology, checked as an uploaded file is and taken in whole or not at all. A resubmission "
        "replaces the earlier one: entries with the same entry_ref are updated, entries left out leave the "
        "integrated chronology, new ones are added. 409 when the request has not been sent yet; 413 for bodies "
        "over 10 MB; 422 lists every problem with the entry's index and field."
    ),
)
def submit_chronology(request: HttpRequest, id: RequestId, payload: ChronologyIn) -> Any:  # noqa: A002
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    information_request = _own_request(request, id, Action.CREATE)
    if information_request is None:
        return Status(404, {"detail": _("Not found.")})
    if information_request.sent_at is None:
        audit_call(
            request, action=Action.CREATE, outcome="not_sent", token=token, information_request=information_request
        )
        return Status(409, {"detail": _("This information request has not been sent yet.")})
    result = services.check_posted_entries(information_request=information_request, items=payload.entries)
    if not result.ok:
        audit_call(
            request,
            action=Action.CREATE,
            outcome="invalid",
            token=token,
            information_request=information_request,
            problems=len(result.errors),
        )
        return Status(422, errors_out(result.errors))
    with transaction.atomic():
        submission = apply_submission(
            information_request=information_request, entries=result.entries, channel="api", api_token=token
        )
        audit_call(
            request,
            action=Action.CREATE,
            outcome="accepted",
            token=token,
            information_request=information_request,
            submission=submission.number,
        )
    return Status(201, submission_out(submission))


@api.get(
    "/requests/{id}",
    url_name="request_status",
    response={200: RequestOut, 401: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="The information request's status",
    description="Status, due date, the organisation's code and the latest submission's summary.",
)
def request_status(request: HttpRequest, id: RequestId) -> Any:  # noqa: A002
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    information_request = _own_request(request, id, Action.READ)
    if information_request is None:
        return Status(404, {"detail": _("Not found.")})
    audit_call(request, action=Action.READ, outcome="ok", token=token, information_request=information_request)
    latest = information_request.submissions.order_by("-number").first()  # type: ignore[attr-defined]
    return Status(
        200,
        {
            "id": information_request.pk,
            "status": information_request.status(),
            "organisation": information_request.involvement.code,
            "due_on": information_request.due_on,
            "latest_submission": submission_out(latest) if latest is not None else None,
        },
    )


# --- the body limit and the caller's language, around every API view ------------------------------------------


def body_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse bodies over 10 MB with 413 before reading them, and read smaller ones here.

    Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) with an HTML 400 when
    `request.body` is first read; the API takes chronologies up to 10 MB, so it reads the body itself,
    within its own limit, and leaves the setting as it is for every other page. A machine cannot
    use the language switch: the API answers in the language of Accept-Language (et, en, ru)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            body = b"" if declared > MAX_BODY_BYTES else request.read(MAX_BODY_BYTES + 1)
            if declared > MAX_BODY_BYTES or len(body) > MAX_BODY_BYTES:
                return _too_large(request, max(declared, len(body)), language, kwargs.get("id"))
            request._body = body  # what `request.body` returns from now on
        response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return wrapped


def _too_large(request: HttpRequest, size: int, language: str, requested: Any) -> HttpResponse:
    """413, audited with the caller's token when it presented a valid one (the body is never read)."""
    header = request.headers.get("Authorization", "")
    token = None
    if header[:7].lower() == "bearer ":
        found, refusal = services.token_lookup(header[7:])
        token = None if refusal else found
    own = token is not None and str(token.request_id) == str(requested)
    audit_call(
        request,
        action=Action.CREATE,
        outcome="too_large",
        token=token,
        information_request=token.request if token is not None and own else None,
        bytes=size,
    )
    response = JsonResponse(
        {"detail": _("The body is larger than 10 MB, the most the API takes in one submission.")}, status=413
    )
    response.headers["Content-Language"] = language
    return response
