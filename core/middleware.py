"""Request id and session limits."""

from __future__ import annotations

import contextvars
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Gives each request an id (or takes a well-formed one from the load balancer) for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming and len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class SessionLimitsMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_SECONDS in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get("signed_in_at")
            last_seen = request.session.get("last_seen_at")
            if started is None:
                request.session["signed_in_at"] = started = now
            expired = (last_seen is not None and now - last_seen > settings.SESSION_IDLE_SECONDS) or (
                now - started > settings.SESSION_ABSOLUTE_SECONDS
            )
            if expired:
                from audit.log import record
                from audit.models import Action, Purpose

                record(
                    actor=request.user,
                    action=Action.SIGN_OUT,
                    purpose=Purpose.AUTHENTICATION,
                    path=request.get_full_path(),
                    detail={"reason": "session_expired"},
                )
                logout(request)
                request.session["session_expired"] = True
            else:
                request.session["last_seen_at"] = now
        return self.get_response(request)


class LanguageMiddleware:
    """Estonian first: the language is the one chosen with the language switch (its cookie), else
    Estonian. The browser's Accept-Language is not consulted, so an official's English browser does
    not turn the interface away from the state language; the switch is one click away on every page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
