"""State changes of information gathering: terms of reference, involvements, information requests and
their contributors. Each function runs in one transaction and writes its audit event inside it; e-mail
goes out only after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import record
from audit.models import Action, Purpose
from core.concurrency import EditConflict, advance_revision
from core.dates import format_date, today
from core.workdays import add_working_days
from method.content import MethodContent
from outbox.models import OutboundMessage
from outbox.services import message_queue
from reviews.models import Review

from .models import (
    InformationRequest,
    Involvement,
    PendingContributor,
    RequestContributor,
    TermsOfReference,
)

TERMS_FIELDS = ("scope_start", "scope_end", "lines_of_enquiry", "family_informed", "family_informed_on")
INVOLVEMENT_FIELDS = ("organisation", "code", "period_start", "period_end", "services", "contact_name", "contact_email")
# Used when the method's information-gathering stage gives no limit in working days.
DEFAULT_DUE_WORKING_DAYS = 10
INFORMATION_GATHERING = "information_gathering"
# Filled in only when the letter is sent: the due date depends on the day of sending.
SEND_TIME_PLACEHOLDERS = ("due_date", "submission_link")
LETTER_LANGUAGES = ("et", "en", "ru")


def _check_order(start: dt.date | None, end: dt.date | None, field: str, message: str) -> None:
    if start and end and end < start:
        raise ValidationError({field: [message]})


# --- terms of reference -------------------------------------------------------------------------------------


def terms_for(review: Review) -> TermsOfReference:
    """The review's terms of reference; unsaved and empty (revision 0) when nobody has saved them yet."""
    return TermsOfReference.objects.filter(review=review).first() or TermsOfReference(review=review)


def terms_save(*, review: Review, data: dict[str, Any], revision: int, acting_user: Any) -> TermsOfReference:
    """Save the terms of reference if nobody else saved them since `revision` was read (else EditConflict)."""
    _check_order(
        data.get("scope_start"),
        data.get("scope_end"),
        "scope_end",
        _("The end of the period reviewed cannot be before its start."),
    )
    values = {name: data.get(name) for name in TERMS_FIELDS}
    values["lines_of_enquiry"] = values["lines_of_enquiry"] or ""
    values["family_informed"] = bool(values["family_informed"])
    if not values["family_informed"]:
        values["family_informed_on"] = None
    with transaction.atomic():
        terms, _created = TermsOfReference.objects.get_or_create(review=review)
        updated = TermsOfReference.objects.filter(pk=terms.pk, revision=revision).update(
            **values, revision=F("revision") + 1, updated_by=acting_user, updated_at=timezone.now()
        )
        terms.refresh_from_db()
        if not updated:
            raise EditConflict(terms)
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=Purpose.COORDINATION,
            obj=terms,
            review_id=review.pk,
            detail={"revision": terms.revision, "fields": sorted(TERMS_FIELDS)},
        )
    return terms


def missing_sectors(review: Review) -> list[str]:
    """Top-level sectors of the organisations involved that nobody on the review team comes from."""
    from reviews.models import READING_ROLES

    involved = {
        sector.split(".")[0]
        for sector in review.involvements.values_list("organisation__sector", flat=True)  # type: ignore[attr-defined]
        if sector
    }
    team = {
        sector.split(".")[0]
        for sector in review.memberships.filter(role__in=READING_ROLES).values_list("sector", flat=True)  # type: ignore[attr-defined]
        if sector
    }
    return sorted(involved - team)


# --- involvements -------------------------------------------------------------------------------------------


def _involvement_values(data: dict[str, Any]) -> dict[str, Any]:
    _check_order(
        data.get("period_start"),
        data.get("period_end"),
        "period_end",
        _("The end of the involvement cannot be before its start."),
    )
    values = {name: data.get(name) for name in INVOLVEMENT_FIELDS}
    values["code"] = (values["code"] or "").strip().upper()
    values["services"] = values["services"] or ""
    return values


def _save_involvement(
    involvement: Involvement, action: str, acting_user: Any, revision: int | None = None
) -> Involvement:
    involvement.full_clean(exclude=["review"], validate_unique=False)
    try:
        with transaction.atomic():
            if involvement.pk is None:
                involvement.save()
            else:
                involvement.revision = advance_revision(Involvement, pk=involvement.pk, revision=revision)
                involvement.save(update_fields=list(INVOLVEMENT_FIELDS))
            record(
                actor=acting_user,
                action=action,
                purpose=Purpose.COORDINATION,
                obj=involvement,
                review_id=involvement.review_id,
                detail={
                    "organisation": involvement.organisation_id,
                    "code": involvement.code,
                    "revision": involvement.revision,
                },
            )
    except IntegrityError:
        raise ValidationError({"code": [_("Another organisation in this review already has this code.")]}) from None
    return involvement


def involvement_create(*, review: Review, data: dict[str, Any], acting_user: Any) -> Involvement:
    return _save_involvement(Involvement(review=review, **_involvement_values(data)), Action.CREATE, acting_user)


def involvement_update(
    *, involvement: Involvement, data: dict[str, Any], revision: int | None, acting_user: Any
) -> Involvement:
    """Change an organisation's involvement, if nobody saved it since `revision` was read (else EditConflict)."""
    values = _involvement_values(data)
    for name, value in values.items():
        setattr(involvement, name, value)
    return _save_involvement(involvement, Action.UPDATE, acting_user, revision)


# --- information requests ----------------------------------------------------------------------------------


def due_working_days(content: MethodContent) -> int:
    limit = (content.stage(INFORMATION_GATHERING) or {}).get("time_limit") or {}
    if limit.get("unit") == "working_days" and isinstance(limit.get("amount"), int):
        return int(limit["amount"])
    return DEFAULT_DUE_WORKING_DAYS


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace each `{name}` given; other braces (typed by the coordinator) stay as they are."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def request_link(information_request: InformationRequest) -> str:
    return settings.SITE_URL + reverse("inquiries:request_detail", kwargs={"pk": information_request.pk})


def draft_letter(*, involvement: Involvement, language: str, coordinator: Any) -> tuple[str, str]:
    """The subject and letter from the method's templates, with all but the send-time placeholders filled."""
    review = involvement.review
    content = review.method_version.data
    terms = TermsOfReference.objects.filter(review=review).first()
    child = getattr(review.notification, "child", None)
    values = {
        "organisation_name": involvement.organisation.name,
        "review_reference": review.reference,
        "child_pseudonym": getattr(child, "pseudonym", "") or "",
        "scope_start": format_date(terms.scope_start) if terms else "",
        "scope_end": format_date(terms.scope_end) if terms else "",
        "coordinator_name": coordinator.get_full_name() or coordinator.username,
        "coordinator_email": coordinator.email or settings.DEFAULT_FROM_EMAIL,
    }
    return (
        fill_placeholders(content.template("information_request_subject", language), values),
        fill_placeholders(content.template("information_request", language), values),
    )


def request_draft(*, involvement: Involvement, language: str, acting_user: Any) -> InformationRequest:
    """A draft letter to the involvement's contact from the method's template, for the coordinator to edit."""
    if language not in LETTER_LANGUAGES:
        raise ValidationError({"language": [_("Choose a language from the list.")]})
    subject, letter = draft_letter(involvement=involvement, language=language, coordinator=acting_user)
    with transaction.atomic():
        information_request = InformationRequest.objects.create(
            involvement=involvement, language=language, subject=subject, letter=letter, created_by=acting_user
        )
        record(
            actor=acting_user,
            action=Action.CREATE,
            purpose=Purpose.COORDINATION,
            obj=information_request,
            review_id=involvement.review_id,
            detail={"involvement": involvement.pk, "language": language},
        )
    return information_request


def request_update_letter(
    *, information_request: InformationRequest, subject: str, letter: str, revision: int | None, acting_user: Any
) -> InformationRequest:
    """Change the draft letter, if nobody saved it (or sent it) since `revision` was read (else EditConflict)."""
    with transaction.atomic():
        information_request.revision = advance_revision(
            InformationRequest, pk=information_request.pk, revision=revision, subject=subject, letter=letter
        )
        if InformationRequest.objects.filter(pk=information_request.pk, sent_at__isnull=False).exists():
            raise ValidationError({"letter": [_("The letter has been sent and can no longer be changed.")]})
        information_request.subject = subject
        information_request.letter = letter
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=Purpose.COORDINATION,
            obj=information_request,
            review_id=information_request.involvement.review_id,
            detail={"fields": ["subject", "letter"], "revision": information_request.revision},
        )
    return information_request


def request_send(
    *, information_request: InformationRequest, revision: int | None, acting_user: Any, on: dt.date | None = None
) -> InformationRequest:
    """Send the letter to the involvement's contact, due in the method's number of working days. Refused
    (EditConflict) when the letter changed since `revision` was read: the sender sends what they saw."""
    involvement = information_request.involvement
    content = involvement.review.method_version.data
    sent_on = on or today()
    with transaction.atomic():
        advance_revision(InformationRequest, pk=information_request.pk, revision=revision)
        claimed = InformationRequest.objects.filter(pk=information_request.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), due_on=add_working_days(sent_on, due_working_days(content))
        )
        if not claimed:
            raise ValidationError({"letter": [_("The request has already been sent.")]})
        information_request.refresh_from_db()
        information_request.letter = fill_placeholders(
            information_request.letter,
            {
                "due_date": format_date(information_request.due_on),
                "submission_link": request_link(information_request),
            },
        )
        information_request.save(update_fields=["letter"])
        record(
            actor=acting_user,
            action=Action.SEND,
            purpose=Purpose.COORDINATION,
            obj=information_request,
            review_id=involvement.review_id,
            detail={"to": involvement.contact_email, "due_on": information_request.due_on.isoformat()},  # type: ignore[union-attr]
        )
        request_email_queue(information_request, kind=OutboundMessage.Kind.REQUEST_LETTER)
    return information_request


def request_email_queue(
    information_request: InformationRequest, *, kind: str, reminder: str = "", to: list[str] | None = None
) -> OutboundMessage:
    """Queue the letter as an e-mail with the link to the request (inside the caller's transaction): to
    `to`, or else to the contact and the invited contributors."""
    involvement = information_request.involvement
    recipients = to or [involvement.contact_email]
    if to is None:
        recipients += [
            email for email in information_request.pending_contributors.values_list("email", flat=True) if email
        ]
    body = information_request.letter
    link = request_link(information_request)
    if link not in body:
        body = f"{body}\n\n{link}\n"
    subject = information_request.subject
    if reminder:
        subject = f"{reminder}: {subject}"
    return message_queue(
        kind=kind,
        to=recipients,
        subject=subject,
        body=body,
        about=information_request,
        review_id=involvement.review_id,
    )


# --- contributors --------------------------------------------------------------------------------------------


def contributor_invite(
    *, information_request: InformationRequest, name: str, email: str, personal_code: str, acting_user: Any
) -> PendingContributor | RequestContributor:
    """Let a person answer this request. Someone with an account is linked at once; someone without one
    is bound on their first TARA sign-in."""
    review_id = information_request.involvement.review_id
    existing = get_user_model().objects.filter(personal_code=personal_code).first()
    try:
        with transaction.atomic():
            if existing is not None:
                link = RequestContributor.objects.create(request=information_request, user=existing)
                record(
                    actor=acting_user,
                    action=Action.CREATE,
                    purpose=Purpose.COORDINATION,
                    obj=link,
                    review_id=review_id,
                    detail={"request": information_request.pk, "user": existing.pk},
                )
                return link
            pending = PendingContributor(
                request=information_request,
                name=name,
                email=email,
                personal_code=personal_code,
                created_by=acting_user,
            )
            pending.full_clean(exclude=["request", "created_by"], validate_unique=False)
            pending.save()
            if information_request.sent_at:
                # The letter went out before this person was entered: they get it now, with the link.
                request_email_queue(information_request, kind=OutboundMessage.Kind.REQUEST_LETTER, to=[email])
            record(
                actor=acting_user,
                action=Action.CREATE,
                purpose=Purpose.COORDINATION,
                obj=pending,
                review_id=review_id,
                detail={"request": information_request.pk},
            )
            return pending
    except IntegrityError:
        raise ValidationError({"personal_code": [_("This person can already answer this request.")]}) from None


def contributor_bind_first_sign_in(*, personal_code: str) -> Any:
    """On a TARA sign-in with no account: if the coordinator invited this person to answer information
    requests, make their account (no system roles) and link it to those requests only. Else None."""
    with transaction.atomic():
        pending = list(
            PendingContributor.objects.select_for_update()
            .filter(personal_code=personal_code, bound_at__isnull=True)
            .select_related("request__involvement")
            .order_by("pk")
        )
        # A first sign-in running at the same moment may have made the account while we waited for the lock.
        existing = get_user_model().objects.filter(personal_code=personal_code).first()
        if existing is not None or not pending:
            return existing
        first = pending[0]
        first_name, _space, last_name = first.name.rpartition(" ")
        user = get_user_model().objects.create(
            username=f"contributor-{uuid.uuid4().hex[:12]}",
            first_name=first_name or first.name,
            last_name=last_name if first_name else "",
            email=first.email,
            personal_code=personal_code,
            organisation=first.request.involvement.organisation,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        now = timezone.now()
        for invitation in pending:
            RequestContributor.objects.get_or_create(request=invitation.request, user=user)
            invitation.bound_at = now
            invitation.bound_user = user
            invitation.save(update_fields=["bound_at", "bound_user"])
            record(
                actor=user,
                action=Action.CREATE,
                purpose=Purpose.INFORMATION_REQUEST,
                obj=invitation,
                review_id=invitation.request.involvement.review_id,
                detail={"request": invitation.request_id, "user": user.pk, "bound": True},
            )
    return user
