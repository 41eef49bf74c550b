"""People and organisations, with the system roles a person holds.

Review roles (lead reviewer, team member, agency contributor) live on the review
(`reviews.ReviewMembership`); system roles are held here.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.ee import ik


def validate_personal_code(value: str) -> None:
    if not ik.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid Estonian personal identification code."),
            code="invalid_personal_code",
            params={"value": value},
        )


class SystemRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Review coordinator")
    METHOD_EDITOR = "method_editor", _("Method editor")
    AUDITOR = "auditor", _("Auditor")
    MANAGEMENT = "management", _("Management")
    WORKING_GROUP = "working_group", _("Working-group member")
    ADMINISTRATOR = "administrator", _("Administrator")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    registry_code = models.CharField(_("registry code"), max_length=20, blank=True)
    email = models.EmailField(_("general e-mail address"), blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    # A code from the method's two-level sector list, e.g. "health.primary_care" or "police".
    sector = models.CharField(_("sector"), max_length=60)
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["registry_code"],
                condition=~models.Q(registry_code=""),
                name="organisation_registry_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who may sign in. Matched on the TARA `sub` (EE + personal code), never on e-mail."""

    personal_code = models.CharField(
        _("personal identification code"),
        max_length=11,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_personal_code],
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # Password sign-in is allowed only for demo users (in demo mode) and break-glass accounts.
    is_demo = models.BooleanField(default=False)
    is_break_glass = models.BooleanField(default=False)
    # Optimistic locking: a save names the revision it started from (core.concurrency).
    revision = models.PositiveIntegerField(default=0)

    objects = UserManager()  # type: ignore[misc]  # the stubs type AbstractUser.objects as a ClassVar

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def tara_sub(self) -> str | None:
        return f"EE{self.personal_code}" if self.personal_code else None

    def system_roles(self) -> frozenset[str]:
        """The user's system roles, read once per request object."""
        cached = getattr(self, "_system_roles_cache", None)
        if cached is None:
            if not self.pk or not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._system_roles_cache = cached
        return cached

    def has_system_role(self, *roles: str) -> bool:
        return bool(self.system_roles() & set(roles))


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=SystemRole.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"
