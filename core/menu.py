"""The main menu: which entries a person sees follows from their roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accounts.models import SystemRole


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str | Promise
    roles: tuple[str, ...]  # empty: everyone signed in
    # Also shown to lead reviewers and team members of any review, whatever their system roles.
    review_team: bool = False
    # Also shown to people for whom this function (a dotted path, user -> bool) says yes.
    also: str = ""


ENTRIES = (
    MenuEntry("reviews:start", _("Start page"), (SystemRole.COORDINATOR,)),
    MenuEntry("notifications:list", _("Notifications"), (SystemRole.COORDINATOR,)),
    MenuEntry("reviews:list", _("Reviews"), (SystemRole.COORDINATOR,), review_team=True),
    MenuEntry("reviews:figures", _("Figures"), (SystemRole.MANAGEMENT, SystemRole.COORDINATOR)),
    MenuEntry("method:list", _("Method"), (SystemRole.METHOD_EDITOR, SystemRole.COORDINATOR, SystemRole.WORKING_GROUP)),
    MenuEntry(
        "workgroup:home",
        _("Working group"),
        (SystemRole.COORDINATOR, SystemRole.WORKING_GROUP),
        also="workgroup.access.is_member",  # a membership linked to the account, without the role
    ),
    MenuEntry("workgroup:feedback", _("Method feedback"), (SystemRole.METHOD_EDITOR,)),
    MenuEntry("audit:search", _("Audit log"), (SystemRole.AUDITOR,)),
    MenuEntry("accounts:organisation_list", _("Organisations"), (SystemRole.ADMINISTRATOR, SystemRole.COORDINATOR)),
    MenuEntry("accounts:user_list", _("Users"), (SystemRole.ADMINISTRATOR,)),
)


def main_menu(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    entries: list[dict[str, object]] = []
    on_a_review_team: bool | None = None
    for entry in ENTRIES:
        if entry.roles and not user.has_system_role(*entry.roles):
            if entry.also and import_string(entry.also)(user):
                entries.append({"url": reverse(entry.url_name), "label": entry.label, "current": False})
                continue
            if not entry.review_team:
                continue
            if on_a_review_team is None:
                from reviews.models import READING_ROLES

                on_a_review_team = user.review_memberships.filter(role__in=READING_ROLES).exists()
            if not on_a_review_team:
                continue
        entries.append({"url": reverse(entry.url_name), "label": entry.label, "current": False})
    # The entry whose address is the longest prefix of this page's is the current one (only one).
    matching = [e for e in entries if str(e["url"]) != "/" and request.path.startswith(str(e["url"]))]
    if matching:
        max(matching, key=lambda e: len(str(e["url"])))["current"] = True
    return entries
