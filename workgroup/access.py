"""Who may see and change the working group: decided here and nowhere else.

- Coordinators manage the group (seats, members, letters, meetings, minutes, pilots).
- Working-group members (the system role, or a current membership linked to the account) see the
  group's meetings, agendas and materials, their own letters, and record feedback on the method.
- Method editors see the feedback on the method.
Reads of pages that name people write an audit event (purpose: working group) here, so that a view
cannot forget it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.models import SystemRole
from audit.log import record_request
from audit.models import Action, Purpose
from core.dates import today

from .models import Invitation, Material, Meeting, Membership, Pilot

MANAGER_ROLES = (SystemRole.COORDINATOR,)
MEMBER_ROLES = (SystemRole.COORDINATOR, SystemRole.WORKING_GROUP)
FEEDBACK_READER_ROLES = (SystemRole.METHOD_EDITOR, SystemRole.COORDINATOR)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_manage(user: Any) -> bool:
    return _signed_in(user) and user.has_system_role(*MANAGER_ROLES)


def is_member(user: Any) -> bool:
    """A working-group member: the system role, or a current membership linked to the account."""
    if not _signed_in(user):
        return False
    if user.has_system_role(SystemRole.WORKING_GROUP):
        return True
    cached = getattr(user, "_workgroup_member_cache", None)
    if cached is None:
        cached = Membership.objects.occupying(today()).filter(user=user).exists()
        user._workgroup_member_cache = cached
    return cached


def can_view_group(user: Any) -> bool:
    return can_manage(user) or is_member(user)


def can_read_feedback(user: Any) -> bool:
    return _signed_in(user) and user.has_system_role(*FEEDBACK_READER_ROLES)


def can_give_feedback(user: Any) -> bool:
    return can_view_group(user)


def _gate(check: Callable[[Any], bool], roles: tuple[str, ...]) -> Callable[..., Any]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # Read by the access-matrix test, like core.access.role_required.
        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


# Signed-out visitors go to sign-in; signed-in people without access get 403.
manager_required = _gate(can_manage, MANAGER_ROLES)
member_required = _gate(can_view_group, MEMBER_ROLES)
feedback_reader_required = _gate(can_read_feedback, FEEDBACK_READER_ROLES)


def audit_read(request: HttpRequest, obj: models.Model | None = None, **kwargs: Any) -> None:
    record_request(request, action=Action.READ, purpose=Purpose.WORKING_GROUP, obj=obj, **kwargs)


def audit_list(request: HttpRequest, model: type[models.Model] | str, objects: Iterable[Any]) -> None:
    """One event for a list page, naming every row it showed."""
    record_request(
        request,
        action=Action.LIST,
        purpose=Purpose.WORKING_GROUP,
        object_type=model,
        object_ids=[obj.pk for obj in objects],
    )


def get_meeting_for(request: HttpRequest, pk: int, *, audit: bool = True) -> Meeting:
    """The meeting when the person may see the group (else 403), its read audited."""
    if not can_view_group(request.user):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting, pk=pk)
    if audit:
        audit_read(request, meeting)
    return meeting


def get_material_for(request: HttpRequest, pk: int) -> Material:
    if not can_view_group(request.user):
        raise PermissionDenied
    material = get_object_or_404(Material.objects.select_related("meeting"), pk=pk)
    record_request(request, action=Action.EXPORT, purpose=Purpose.WORKING_GROUP, obj=material)
    return material


def get_pilot_for(request: HttpRequest, pk: int) -> Pilot:
    if not (can_view_group(request.user) or can_read_feedback(request.user)):
        raise PermissionDenied
    pilot = get_object_or_404(Pilot.objects.select_related("method_version", "review"), pk=pk)
    audit_read(request, pilot)
    return pilot


def can_read_pilots(user: Any) -> bool:
    return can_view_group(user) or can_read_feedback(user)


pilot_reader_required = _gate(can_read_pilots, (*MEMBER_ROLES, SystemRole.METHOD_EDITOR))


def get_invitation_for(request: HttpRequest, pk: int) -> Invitation:
    """A letter: the coordinator sees every letter, a member the letters sent to them."""
    invitation = get_object_or_404(Invitation.objects.select_related("seat", "organisation", "sent_by"), pk=pk)
    if not (
        can_manage(request.user) or (is_member(request.user) and own_invitations(request.user).filter(pk=pk).exists())
    ):
        raise PermissionDenied
    audit_read(request, invitation)
    return invitation


def own_invitations(user: Any) -> models.QuerySet[Invitation]:
    """The letters that were sent to this person: the one that made them a member, or to their address."""
    if not _signed_in(user):
        return Invitation.objects.none()
    accepted = Membership.objects.filter(user=user, invitation__isnull=False).values("invitation_id")
    query = models.Q(pk__in=accepted)
    if user.email:
        query |= models.Q(to_email__iexact=user.email) | models.Q(cc_email__iexact=user.email)
    return Invitation.objects.filter(query)
