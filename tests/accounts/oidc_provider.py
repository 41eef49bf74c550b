"""A local OpenID provider shaped like TARA, for tests: discovery, JWKS, authorise and token endpoints.

It runs an http.server on 127.0.0.1 with a random port in a thread, signs ID tokens with an RSA key
generated here, and lets a test bend one thing at a time (the issuer, audience, key, kid, expiry, nonce,
acr or sub) to show that the application refuses it.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "tagasivaade-test"
CLIENT_SECRET = "test-secret/with:odd chars"


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TestProvider:
    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self) -> None:
        self.key = _rsa_key()
        self.other_key = _rsa_key()
        self.kid = "tara-test-key-1"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.reset()

    def reset(self) -> None:
        """Back to a well-behaved provider identifying the demo coordinator."""
        self.sub = "EE38001085718"
        self.acr = "high"
        self.claims_override: dict[str, Any] = {}
        self.sign_with = self.key
        self.header_kid: str | None = self.kid
        self.codes: dict[str, dict[str, str]] = {}
        self.requests: list[tuple[str, str]] = []
        self.token_requests: list[dict[str, Any]] = []

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # What the endpoints serve ------------------------------------------------------------------

    def discovery_document(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/oidc/authorize",
            "token_endpoint": f"{self.issuer}/oidc/token",
            "jwks_uri": f"{self.issuer}/oidc/jwks",
            "scopes_supported": ["openid", "idcard", "mid", "smartid", "email", "phone"],
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "acr_values_supported": ["low", "substantial", "high"],
            "ui_locales_supported": ["et", "en", "ru"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "jti": secrets.token_hex(8),
            "iss": self.issuer,
            "aud": [CLIENT_ID],
            "exp": now + 40,
            "iat": now,
            "nbf": now,
            "sub": self.sub,
            "profile_attributes": {
                "date_of_birth": "1980-01-08",
                "family_name": "O'CONNEŽ-ŠUSLIK TESTNUMBER",
                "given_name": "MARY ÄNN",
            },
            "amr": ["idcard"],
            "nonce": nonce,
            "acr": self.acr,
            "at_hash": "X0MVjwrmMQs/IBzfU2osvw==",
        }
        claims.update(self.claims_override)
        claims = {name: value for name, value in claims.items() if value is not None}
        headers = {"kid": self.header_kid} if self.header_kid else {}
        return jwt.encode(claims, self.sign_with, algorithm="RS256", headers=headers)

    def authorize(self, query: dict[str, str]) -> str:
        """Approve at once (the test person is always who the test says) and send the browser back."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        return query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})

    def token(self, authorization: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append({"authorization": authorization, "form": form})
        expected = (
            "Basic " + base64.b64encode(f"{_form_encode(CLIENT_ID)}:{_form_encode(CLIENT_SECRET)}".encode()).decode()
        )
        if authorization != expected:
            return 401, {"error": "invalid_client"}
        request = self.codes.pop(form.get("code", ""), None)
        if request is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != request["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "bearer",
            "expires_in": 1,
            "id_token": self.id_token(request.get("nonce", "")),
        }


def _form_encode(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _handler_for(provider: TestProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            provider.requests.append(("GET", url.path))
            if url.path == "/oidc/.well-known/openid-configuration":
                self._json(200, provider.discovery_document())
            elif url.path == "/oidc/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/oidc/authorize":
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            provider.requests.append(("POST", url.path))
            length = int(self.headers.get("Content-Length") or 0)
            form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
            if url.path == "/oidc/token":
                status, body = provider.token(self.headers.get("Authorization", ""), form)
                self._json(status, body)
            else:
                self._json(404, {"error": "not_found"})

    return Handler
