"""Locking out password guessing (django-axes), per account and address and per address alone.

AXES_LOCKOUT_PARAMETERS counts failed password sign-ins twice: for the user name together with the
client address, and for the address across every user name. The first locks after
AXES_FAILURE_LIMIT failures, as before; the second after AXES_ADDRESS_FAILURE_LIMIT, so that one
address trying name after name is stopped too, while a person who mistypes does not lock out a
colleague at the same office. django-axes has one limit for every parameter, so this handler scales
the address count onto it. The address is `core.client_address.client_address` (AXES_CLIENT_IP_CALLABLE):
behind a trusted load balancer each client counts apart, and no one can lock out everyone behind it.

A successful sign-in clears the failures of that name at that address only, not those of every name
from the address (which would let anyone holding one password reset the address's count).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _failures(attempts: Any) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS must be [["username", "ip_address"], ["ip_address"]] (checked in settings)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_name_and_address, by_address = (_failures(q) for q in self.get_user_attempts(request, credentials))
        limit = get_failure_limit(request, credentials)
        if by_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(by_name_and_address, limit)
        return by_name_and_address

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_name_and_address = self.filter_user_attempts(request, credentials)[0]
        count, _deleted = by_name_and_address.delete()
        return count
