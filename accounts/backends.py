"""Password sign-in, allowed only for demo users in demo mode and for break-glass accounts.

Everyone else signs in with TARA (accounts.tara). Password attempts are throttled by django-axes,
whose AxesStandaloneBackend stands first in AUTHENTICATION_BACKENDS; a refused attempt counts as a
failure there like a wrong password does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


def password_sign_in_refusal(user: User) -> str | None:
    """Why `user` may not sign in with a password, as a reason code; None when they may."""
    if not user.is_active:
        return "account_inactive"
    if user.is_break_glass:
        return None
    if user.is_demo:
        return None if settings.DEMO_MODE else "demo_mode_off"
    return "password_not_allowed"


class PasswordBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        refusal = password_sign_in_refusal(user)  # type: ignore[arg-type]
        if refusal is not None:
            if request is not None:
                # The sign-in view reads this to record why the right password was still refused.
                request.password_refusal = refusal  # type: ignore[attr-defined]
            return None
        return user  # type: ignore[return-value]
