"""Sign-in with TARA, the Estonian state authentication service (OpenID Connect, authorisation-code flow).

Choice: mozilla-django-oidc, subclassed. It keeps the `state` → `nonce` bookkeeping in the session,
builds the authorisation request, exchanges the code and logs the person in; what it does not do, or
does differently from what TARA needs, is overridden here:

- Endpoints and keys come from TARA's discovery document (`TARA_ISSUER` +
  `/oidc/.well-known/openid-configuration`), fetched with requests on first use and kept in Django's
  cache (never at import time, never in module globals), instead of the static `OIDC_OP_*` settings.
  The base classes read their settings in `__init__`; ours read the `TARA_*` settings through
  `tara_setting`, so settings.py holds only `TARA_*` names.
- The ID token must be RS256, signed by a key from the issuer's published JWKS chosen by `kid` (the set
  is fetched again once for a key rotation; an unknown `kid` is refused), with `iss` equal to the
  discovery issuer, `aud` containing `TARA_CLIENT_ID`, valid `exp` and `iat` (PyJWT), the `nonce` stored
  with the `state`, and `acr` at least `TARA_MIN_ACR` (low < substantial < high). The base checks
  none of `iss`, `aud` or `acr`.
- People are matched on `sub` only (`EE` + personal code → `User.personal_code`), never on e-mail
  (which TARA does not send), and are never created: an administrator makes accounts beforehand —
  except a contact invited to answer an information request (`inquiries.services`).
- The client authenticates to the token endpoint with `client_secret_basic`, as TARA requires.
- The callback calls the backend directly, not `django.contrib.auth.authenticate`, so that a refusal
  carries its reason to the audit log and to the refusal page (the base swallows it into a redirect),
  and so that TARA attempts do not feed django-axes: axes throttles password guessing, and behind a
  load balancer every TARA user would otherwise share one lockout counter. `TaraBackend` stays in
  AUTHENTICATION_BACKENDS so that sessions it started are restored through it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any
from urllib.parse import quote

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import get_language
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from requests.auth import HTTPBasicAuth
from stdnum.ee import ik

DISCOVERY_PATH = "/oidc/.well-known/openid-configuration"
ACR_LEVELS = {"low": 1, "substantial": 2, "high": 3}
# Allowed difference between TARA's clock and ours when checking `exp` and `iat`.
CLOCK_SKEW_SECONDS = 30
SUB_PATTERN = re.compile(r"^EE(\d{11})$")
BACKEND_PATH = "accounts.tara.TaraBackend"


class TaraRefused(Exception):
    """A TARA sign-in that must not go through. `reason` is a stable code for the audit log."""

    def __init__(self, reason: str, sub: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.sub = sub[:64] if isinstance(sub, str) else None


def tara_enabled() -> bool:
    return bool(settings.TARA_ENABLED)


def tara_setting(attr: str, *default: Any) -> Any:
    """The mozilla-django-oidc settings, answered from the TARA_* settings."""
    mapped = {
        "OIDC_RP_CLIENT_ID": settings.TARA_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.TARA_CLIENT_SECRET,
        "OIDC_RP_SCOPES": settings.TARA_SCOPES,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:tara_callback",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": False,
        "OIDC_CREATE_USER": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_TOKEN_USE_BASIC_AUTH": True,
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": settings.TARA_HTTP_TIMEOUT,
        "OIDC_REDIRECT_FIELD_NAME": "next",
    }
    if attr in mapped:
        return mapped[attr]
    return import_from_settings(attr, *default)


def _issuer() -> str:
    if not settings.TARA_ISSUER:
        raise ImproperlyConfigured("TARA_ISSUER is not set.")
    return settings.TARA_ISSUER.rstrip("/")


def _cache_key(kind: str) -> str:
    return "tara:" + kind + ":" + hashlib.sha256(_issuer().encode()).hexdigest()[:16]


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.TARA_HTTP_TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError):
        raise TaraRefused("provider_unavailable")
    if not isinstance(document, dict):
        raise TaraRefused("provider_unavailable")
    return document


def discovery(*, refresh: bool = False) -> dict[str, Any]:
    """TARA's discovery document, from the cache or fetched afresh."""
    key = _cache_key("discovery")
    document = None if refresh else cache.get(key)
    if document is None:
        document = _get_json(_issuer() + DISCOVERY_PATH)
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(name), str) or not document[name]:
                raise TaraRefused("provider_unavailable")
        # OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
        if document["issuer"].rstrip("/") != _issuer():
            raise TaraRefused("discovery_issuer_mismatch")
        cache.set(key, document, settings.TARA_DISCOVERY_CACHE_SECONDS)
    return document


def signing_keys(*, refresh: bool = False) -> list[dict[str, Any]]:
    """The issuer's published keys (the JWKS `keys`), from the cache or fetched afresh."""
    key = _cache_key("jwks")
    keys = None if refresh else cache.get(key)
    if keys is None:
        document = _get_json(discovery()["jwks_uri"])
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise TaraRefused("provider_unavailable")
        cache.set(key, keys, settings.TARA_DISCOVERY_CACHE_SECONDS)
    return keys


def _find_key(keys: list[dict[str, Any]], kid: str) -> dict[str, Any] | None:
    for jwk in keys:
        if (
            isinstance(jwk, dict)
            and jwk.get("kid") == kid
            and jwk.get("kty") == "RSA"
            and jwk.get("use", "sig") == "sig"
            and jwk.get("alg", "RS256") == "RS256"
        ):
            return jwk
    return None


def _unverified_sub(token: str) -> str | None:
    """The `sub` a refused token named, for the audit log only (never trusted)."""
    try:
        sub = jwt.decode(token, options={"verify_signature": False}).get("sub")
    except jwt.PyJWTError:
        return None
    return sub if isinstance(sub, str) else None


def _token_error_reason(error: jwt.PyJWTError) -> str:
    # Most specific first: InvalidSignatureError is a DecodeError, ExpiredSignatureError an InvalidTokenError.
    reasons: list[tuple[type[jwt.PyJWTError], str]] = [
        (jwt.InvalidSignatureError, "bad_signature"),
        (jwt.ExpiredSignatureError, "expired"),
        (jwt.ImmatureSignatureError, "not_yet_valid"),
        (jwt.InvalidIssuerError, "wrong_issuer"),
        (jwt.InvalidAudienceError, "wrong_audience"),
        (jwt.MissingRequiredClaimError, "missing_claim"),
        (jwt.InvalidIssuedAtError, "bad_issued_at"),
        (jwt.InvalidAlgorithmError, "wrong_algorithm"),
    ]
    for error_type, reason in reasons:
        if isinstance(error, error_type):
            return reason
    return "invalid_token"


def minimum_acr_level() -> int:
    level = ACR_LEVELS.get(settings.TARA_MIN_ACR or "high")
    if level is None:
        raise ImproperlyConfigured("TARA_MIN_ACR must be low, substantial or high.")
    return level


class TaraBackend(OIDCAuthenticationBackend):
    """Authenticates the person TARA identified; refusals raise `TaraRefused` with their reason."""

    get_settings = staticmethod(tara_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The base reads the OIDC_OP_* endpoint settings here; TARA's come from discovery on first use.
        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802 - the base class's attribute name
        return settings.TARA_CLIENT_ID or ""

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return settings.TARA_CLIENT_SECRET or ""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the TARA callback passes `nonce`; password sign-in passes a username and must not reach here.
        if request is None or "nonce" not in kwargs or "username" in kwargs or not tara_enabled():
            return None
        if not kwargs["nonce"]:
            raise TaraRefused("nonce_mismatch")
        return super().authenticate(request, **kwargs)

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Exchange the code at the token endpoint, authenticating with client_secret_basic."""
        client_id = payload.pop("client_id")
        client_secret = payload.pop("client_secret")
        # RFC 6749 §2.3.1: the id and secret are form-encoded before they go into the Basic header.
        auth = HTTPBasicAuth(quote(client_id, safe=""), quote(client_secret, safe=""))
        try:
            response = requests.post(
                discovery()["token_endpoint"],
                data=payload,
                auth=auth,
                timeout=settings.TARA_HTTP_TIMEOUT,
                headers={"Accept": "application/json"},
            )
        except requests.RequestException:
            raise TaraRefused("provider_unavailable")
        if response.status_code != 200:
            raise TaraRefused("token_request_failed")
        try:
            token_info = response.json()
        except ValueError:
            raise TaraRefused("token_request_failed")
        if not isinstance(token_info, dict) or not isinstance(token_info.get("id_token"), str):
            raise TaraRefused("token_request_failed")
        return token_info

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TaraRefused("invalid_token")
        if header.get("alg") != "RS256":
            raise TaraRefused("wrong_algorithm", _unverified_sub(token))
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TaraRefused("unknown_kid", _unverified_sub(token))
        # A kid not in the cached set may be a key TARA rotated in since: look once more before refusing.
        jwk = _find_key(signing_keys(), kid) or _find_key(signing_keys(refresh=True), kid)
        if jwk is None:
            raise TaraRefused("unknown_kid", _unverified_sub(token))
        try:
            return jwt.PyJWK(jwk, algorithm="RS256")
        except jwt.PyJWTError:
            raise TaraRefused("provider_unavailable")

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """Verify the ID token's signature and claims; returns the claims."""
        nonce = kwargs.get("nonce")
        if not isinstance(token, str) or not token:
            raise TaraRefused("invalid_token")
        key = self.retrieve_matching_jwk(token)
        issuer = discovery()["issuer"]
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=settings.TARA_CLIENT_ID,
                issuer=issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]},
            )
        except jwt.PyJWTError as error:
            raise TaraRefused(_token_error_reason(error), _unverified_sub(token))
        sub = claims.get("sub")
        audience = claims["aud"]
        # OpenID Connect Core §3.1.3.7: with several audiences, `azp` must name this client.
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != settings.TARA_CLIENT_ID:
            raise TaraRefused("wrong_audience", sub)
        if not isinstance(nonce, str) or not hmac.compare_digest(str(claims["nonce"]), nonce):
            raise TaraRefused("nonce_mismatch", sub)
        level = ACR_LEVELS.get(claims.get("acr"))  # type: ignore[arg-type]
        if level is None or level < minimum_acr_level():
            raise TaraRefused("acr_too_low", sub)
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        # TARA gives the identity in the verified ID token; its userinfo endpoint adds nothing we use.
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        sub = claims.get("sub")
        match = SUB_PATTERN.match(sub) if isinstance(sub, str) else None
        if match is None or not ik.is_valid(match.group(1)):
            # Foreign eIDAS identities (`sub` without EE) have no personal code to match an account on.
            raise TaraRefused("unsupported_sub", sub)
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        """Accounts match on the personal code in `sub`, never on e-mail."""
        return self.UserModel.objects.filter(personal_code=claims["sub"][2:])

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"sub {claims.get('sub')}"

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        user = self.filter_users_by_claims(claims).first()
        if user is None:
            # The one exception to "never created": a contact the coordinator invited to answer an
            # information request gets an account bound to that request only.
            from inquiries.services import contributor_bind_first_sign_in

            user = contributor_bind_first_sign_in(personal_code=claims["sub"][2:])
        if user is None:
            raise TaraRefused("no_account", claims["sub"])
        if not user.is_active:
            raise TaraRefused("account_inactive", claims["sub"])
        return self.update_user(user, claims)

    def create_user(self, claims: dict[str, Any]) -> Any:
        # Accounts are created by an administrator beforehand, never on first sign-in.
        raise TaraRefused("no_account", claims.get("sub"))

    def get_user(self, user_id: Any) -> Any:
        # ModelBackend's version also ends the sessions of deactivated accounts; the base's does not.
        return ModelBackend.get_user(self, user_id)  # type: ignore[arg-type]


class TaraLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to TARA with a fresh `state` and `nonce` kept in the session."""

    get_settings = staticmethod(tara_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The base reads the authorisation endpoint from settings here; ours comes from discovery in get().
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        from .views import refused_response

        if not tara_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except TaraRefused as refusal:
            return refused_response(request, method="tara", reason=refusal.reason)
        self.OIDC_RP_CLIENT_ID = settings.TARA_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        language = (get_language() or "et")[:2]
        return {
            "ui_locales": language if language in ("et", "en", "ru") else "et",
            "acr_values": settings.TARA_MIN_ACR or "high",
        }


class TaraCallbackView(OIDCAuthenticationCallbackView):
    """TARA returns here with `code` and `state`; the person is signed in or refused with a reason."""

    get_settings = staticmethod(tara_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        from . import services
        from .views import refused_response

        if not tara_enabled():
            raise Http404
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states")
        entry = None
        if isinstance(states, dict) and state:
            # Each state is used once, also when the attempt fails, so that it cannot be replayed.
            entry = states.pop(state, None)
            request.session.modified = True
        if request.GET.get("error"):
            return refused_response(
                request, method="tara", reason="provider_error", detail={"error": request.GET["error"][:100]}
            )
        if entry is None:
            return refused_response(request, method="tara", reason="state_mismatch")
        if not request.GET.get("code"):
            return refused_response(request, method="tara", reason="missing_code")
        try:
            user = TaraBackend().authenticate(
                request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except TaraRefused as refusal:
            return refused_response(request, method="tara", reason=refusal.reason, sub=refusal.sub)
        if user is None:
            return refused_response(request, method="tara", reason="invalid_token")
        next_url = request.session.pop("oidc_login_next", None)
        services.sign_in(request=request, user=user, method="tara")
        self.user = user
        return HttpResponseRedirect(next_url or self.success_url)
