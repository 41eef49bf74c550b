"""State changes for signing in and for accounts. Each writes its audit event inside its transaction."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import auth
from django.db import transaction
from django.http import HttpRequest

from audit.log import record, record_request
from audit.models import Action, Purpose
from core.concurrency import advance_revision

from .models import Organisation, RoleGrant, SystemRole, User

SIGN_IN_BACKENDS = {
    "demo": "accounts.backends.PasswordBackend",
    "password": "accounts.backends.PasswordBackend",
    "tara": "accounts.tara.TaraBackend",
}

ORGANISATION_FIELDS = ("name", "registry_code", "email", "region", "sector")
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "personal_code",
    "organisation",
    "is_active",
    "is_break_glass",
)


def masked_personal_code(code: str | None) -> str:
    """A personal code as lists show it: the first six digits (sex, century, birth date), then stars."""
    if not code:
        return ""
    return code[:6] + "*" * (len(code) - 6)


# Signing in and out ------------------------------------------------------------------------------


@transaction.atomic
def sign_in(*, request: HttpRequest, user: User, method: str) -> None:
    """Start a session for `user`; `method` is demo, password or tara."""
    auth.login(request, user, backend=SIGN_IN_BACKENDS[method])
    # core.middleware.SessionLimitsMiddleware ends the session 15 minutes idle or 12 hours after this.
    now = int(time.time())
    request.session["signed_in_at"] = now
    request.session["last_seen_at"] = now
    record_request(request, action=Action.SIGN_IN, purpose=Purpose.AUTHENTICATION, obj=user, detail={"method": method})


@transaction.atomic
def sign_in_refused(
    *,
    request: HttpRequest,
    method: str,
    reason: str,
    sub: str | None = None,
    username: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record a refused sign-in: the method, a stable reason code and what the person tried."""
    event_detail: dict[str, Any] = {"method": method, "reason": reason}
    if sub:
        event_detail["sub"] = sub
    if username:
        event_detail["username"] = username[:150]
    event_detail.update(detail or {})
    record(
        actor=None,
        action=Action.SIGN_IN_REFUSED,
        purpose=Purpose.AUTHENTICATION,
        object_type=User,
        path=request.get_full_path(),
        detail=event_detail,
    )


@transaction.atomic
def sign_out(*, request: HttpRequest) -> None:
    if request.user.is_authenticated:
        record_request(request, action=Action.SIGN_OUT, purpose=Purpose.AUTHENTICATION, obj=request.user)
    auth.logout(request)


# Organisations -----------------------------------------------------------------------------------


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


@transaction.atomic
def organisation_create(*, data: dict[str, Any], acting_user: User) -> Organisation:
    organisation = Organisation.objects.create(**{name: data[name] for name in ORGANISATION_FIELDS})
    record(
        actor=acting_user,
        action=Action.CREATE,
        purpose=Purpose.ADMINISTRATION,
        obj=organisation,
        detail={"values": {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, data: dict[str, Any], revision: int | None, acting_user: User
) -> Organisation:
    """Change an organisation, if nobody saved it since `revision` was read (else EditConflict)."""
    advance_revision(Organisation, pk=organisation.pk, revision=revision)
    organisation = Organisation.objects.get(pk=organisation.pk)
    before = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
    for name in ORGANISATION_FIELDS:
        setattr(organisation, name, data[name])
    changes = _changes(before, {name: getattr(organisation, name) for name in ORGANISATION_FIELDS})
    if changes:
        organisation.save(update_fields=list(changes))
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=Purpose.ADMINISTRATION,
            obj=organisation,
            detail={"changes": changes, "revision": organisation.revision},
        )
    return organisation


# Users -------------------------------------------------------------------------------------------


def _user_values(user: User) -> dict[str, Any]:
    values = {name: getattr(user, name) for name in USER_FIELDS}
    values["organisation"] = user.organisation_id
    return values


def _for_audit(values: dict[str, Any]) -> dict[str, Any]:
    # The audit log never holds a whole personal code.
    return {**values, "personal_code": masked_personal_code(values["personal_code"])}


def _set_roles(user: User, roles: set[str]) -> tuple[list[str], list[str]]:
    current = set(user.role_grants.values_list("role", flat=True))
    added, removed = sorted(roles - current), sorted(current - roles)
    user.role_grants.filter(role__in=removed).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in added])
    user.__dict__.pop("_system_roles_cache", None)
    return added, removed


def _valid_roles(data: dict[str, Any]) -> set[str]:
    roles = set(data.get("roles") or ())
    unknown = roles - set(SystemRole.values)
    if unknown:
        raise ValueError(f"Unknown system roles: {sorted(unknown)}")
    return roles


@transaction.atomic
def user_create(*, data: dict[str, Any], acting_user: User | None) -> User:
    """Create an account. It has no password: people sign in with TARA (break-glass: the command)."""
    roles = _valid_roles(data)
    user = User(**{name: data[name] for name in USER_FIELDS})
    user.set_unusable_password()
    user.save()
    _set_roles(user, roles)
    record(
        actor=acting_user,
        action=Action.CREATE,
        purpose=Purpose.ADMINISTRATION,
        obj=user,
        detail={"values": _for_audit(_user_values(user)), "roles": sorted(roles)},
    )
    return user


@transaction.atomic
def user_update(*, user: User, data: dict[str, Any], revision: int | None, acting_user: User | None) -> User:
    """Change an account and its system roles, if nobody saved it since `revision` was read (else EditConflict)."""
    roles = _valid_roles(data)
    advance_revision(User, pk=user.pk, revision=revision)
    user = User.objects.get(pk=user.pk)
    before = _user_values(user)
    for name in USER_FIELDS:
        setattr(user, name, data[name])
    after = _user_values(user)
    changed_fields = [name for name in USER_FIELDS if before[name] != after[name]]
    if changed_fields:
        user.save(update_fields=changed_fields)
    added, removed = _set_roles(user, roles)
    if changed_fields or added or removed:
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=Purpose.ADMINISTRATION,
            obj=user,
            detail={
                "changes": {name: [_for_audit(before)[name], _for_audit(after)[name]] for name in changed_fields},
                "roles_added": added,
                "roles_removed": removed,
                "revision": user.revision,
            },
        )
    return user


@transaction.atomic
def break_glass_admin_save(*, username: str, password: str, acting_user: User | None = None) -> tuple[User, bool]:
    """Create or update an administrator's break-glass account (password sign-in, administrator role)."""
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username)
    user.is_break_glass = True
    user.is_active = True
    user.set_password(password)
    # A page opened on the account before this is now an older version of it.
    user.revision += 1
    user.save()
    roles = set(user.role_grants.values_list("role", flat=True)) | {SystemRole.ADMINISTRATOR}
    added, _removed = _set_roles(user, roles)
    record(
        actor=acting_user,
        action=Action.CREATE if created else Action.UPDATE,
        purpose=Purpose.ADMINISTRATION,
        obj=user,
        detail={"break_glass": True, "password_set": True, "roles_added": added},
    )
    return user, created
