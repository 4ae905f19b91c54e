"""A throwaway OAuth2 authorization server on loopback, for the test suite.

It speaks the protocol of Microsoft's identity platform (the endpoints of
``https://login.microsoftonline.com/{tenant}/...``, so ``msal`` and our generic
refresh talk to it unchanged) over HTTPS with a certificate of its own CA, and
answers RFC 7662 token introspection, which the test Dovecot's ``oauth2`` passdb
calls to check every access token itself (:class:`carnet.demo.dovecot.OAuth2Passdb`).

Grants: authorization code with PKCE (S256 only), device code (RFC 8628) and
refresh token (rotated at each use, as Microsoft does). A test plays the person
at the browser: :meth:`AuthorizationServer.sign_in` chooses who is signed in at
``/authorize`` (consent is given at once), and a POST of ``user_code`` and
``user`` to ``/device`` approves a device code. :meth:`revoke` withdraws a
person's consent (every token dies), :meth:`expire_access_tokens` ages the
access tokens, ``access_lifetime`` sets how long new ones live.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlencode

from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from carnet.demo.dovecot import free_port, make_certificates

__all__ = ["AuthorizationServer"]


@dataclass
class _Grant:
    """One person's consent to one client: every token issued under it dies with it."""

    user: str
    client_id: str
    scope: str
    revoked: bool = False


@dataclass
class _Pending:
    grant: _Grant
    redirect_uri: str = ""
    challenge: str = ""


@dataclass
class _Device:
    user_code: str
    client_id: str
    scope: str
    expires_at: float
    user: str | None = None


@dataclass
class _Tokens:
    access: dict[str, tuple[_Grant, float]] = field(default_factory=dict)
    refresh: dict[str, _Grant] = field(default_factory=dict)
    codes: dict[str, _Pending] = field(default_factory=dict)
    devices: dict[str, _Device] = field(default_factory=dict)


class AuthorizationServer:
    """An authorization server in a thread; a context manager, or start/stop."""

    def __init__(self, folder: Path, client_id: str = "carnet-test-client", access_lifetime: float = 3600,
                 tenant: str = "common") -> None:
        self.folder = folder
        self.client_id = client_id
        self.access_lifetime = access_lifetime
        self.tenant = tenant
        self.host = "127.0.0.1"
        self.port = free_port(self.host)
        self.ca_file: Path | None = None
        self.refreshes = 0  #: refresh-token grants answered
        self.introspections = 0  #: introspection calls answered (Dovecot's checks)
        self._signed_in: str | None = None
        self._tokens = _Tokens()
        self._lock = threading.Lock()
        self._server = None
        self._thread: threading.Thread | None = None
        self._rules = Map([
            Rule(f"/{tenant}/v2.0/.well-known/openid-configuration", endpoint="configuration"),
            Rule(f"/{tenant}/oauth2/v2.0/authorize", endpoint="authorize"),
            Rule(f"/{tenant}/oauth2/v2.0/devicecode", endpoint="devicecode", methods=["POST"]),
            Rule(f"/{tenant}/oauth2/v2.0/token", endpoint="token", methods=["POST"]),
            Rule("/device", endpoint="device", methods=["POST"]),
            Rule("/introspect", endpoint="introspect", methods=["POST"]),
        ])

    # -- what a test sets and sees -----------------------------------------------------

    @property
    def authority(self) -> str:
        """The value of CARNET_MICROSOFT_AUTHORITY that points Carnet here."""
        return f"https://{self.host}:{self.port}"

    @property
    def introspection_url(self) -> str:
        return f"{self.authority}/introspect"

    @property
    def device_url(self) -> str:
        return f"{self.authority}/device"

    def sign_in(self, user: str | None) -> None:
        """Who is signed in at the browser when Carnet sends it to `/authorize`."""
        self._signed_in = user

    def revoke(self, user: str) -> None:
        """The person withdraws consent: every access and refresh token of theirs dies."""
        with self._lock:
            for grant in self._tokens.refresh.values():
                if grant.user == user:
                    grant.revoked = True
            for grant, _expiry in self._tokens.access.values():
                if grant.user == user:
                    grant.revoked = True

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is now past its expiry."""
        with self._lock:
            self._tokens.access = {token: (grant, 0.0) for token, (grant, _) in self._tokens.access.items()}

    def issued_access_tokens(self, user: str) -> list[str]:
        """Every access token ever issued to `user`, dead or alive."""
        with self._lock:
            return [token for token, (grant, _) in self._tokens.access.items() if grant.user == user]

    def live_refresh_tokens(self, user: str) -> list[str]:
        """The refresh tokens of `user` that would be honoured now (each works once: it is rotated)."""
        with self._lock:
            return [token for token, grant in self._tokens.refresh.items() if grant.user == user and not grant.revoked]

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        import ssl

        self.ca_file, cert, key = make_certificates(self.folder / "oauth-tls", ("127.0.0.1", "localhost"))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self._server = make_server(self.host, self.port, self._wsgi, threaded=True, ssl_context=context,
                                   request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="oauth-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- HTTP ------------------------------------------------------------------------------

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        endpoint, _args = self._rules.bind_to_environ(environ).match()
        with self._lock:
            response = getattr(self, f"_{endpoint}")(request)
        return response(environ, start_response)

    def _configuration(self, request: Request) -> Response:
        base = f"{self.authority}/{self.tenant}"
        return _json({
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        })

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return _json({"error": "unauthorized_client"}, 400)
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return _json({"error": "invalid_request", "error_description": "PKCE S256 is required"}, 400)
        if self._signed_in is None:
            return _json({"error": "login_required"}, 400)
        code = secrets.token_urlsafe(24)
        grant = _Grant(self._signed_in, self.client_id, args.get("scope", ""))
        self._tokens.codes[code] = _Pending(grant, args["redirect_uri"], args["code_challenge"])
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _devicecode(self, request: Request) -> Response:
        if request.form.get("client_id") != self.client_id:
            return _json({"error": "unauthorized_client"}, 400)
        device_code, user_code = secrets.token_urlsafe(24), secrets.token_hex(4).upper()
        self._tokens.devices[device_code] = _Device(user_code, self.client_id, request.form.get("scope", ""),
                                                    time.time() + 600)
        return _json({
            "device_code": device_code, "user_code": user_code, "verification_uri": self.device_url,
            "expires_in": 600, "interval": 1,
            "message": f"To sign in, open {self.device_url} and enter the code {user_code} to authenticate.",
        })

    def _device(self, request: Request) -> Response:
        for device in self._tokens.devices.values():
            if device.user_code == request.form.get("user_code") and device.user is None:
                device.user = request.form["user"]
                return Response("approved")
        return Response("unknown code", status=404)

    def _token(self, request: Request) -> Response:
        form = request.form
        if form.get("client_id") != self.client_id:
            return _json({"error": "invalid_client"}, 401)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._code_grant(form)
        if grant_type == "refresh_token":
            return self._refresh_grant(form)
        if grant_type == "urn:ietf:params:oauth:grant-type:device_code":
            return self._device_grant(form)
        return _json({"error": "unsupported_grant_type"}, 400)

    def _code_grant(self, form) -> Response:
        pending = self._tokens.codes.pop(form.get("code", ""), None)
        if pending is None or pending.redirect_uri != form.get("redirect_uri"):
            return _json({"error": "invalid_grant", "error_description": "unknown or reused code"}, 400)
        if _s256(form.get("code_verifier", "")) != pending.challenge:
            return _json({"error": "invalid_grant", "error_description": "PKCE verification failed"}, 400)
        return self._issue(pending.grant)

    def _refresh_grant(self, form) -> Response:
        self.refreshes += 1
        grant = self._tokens.refresh.pop(form.get("refresh_token", ""), None)
        if grant is None or grant.revoked:
            return _json({"error": "invalid_grant", "error_description": "AADSTS70000: the grant was revoked"}, 400)
        return self._issue(grant)

    def _device_grant(self, form) -> Response:
        device = self._tokens.devices.get(form.get("device_code", ""))
        if device is None or device.expires_at < time.time():
            return _json({"error": "expired_token"}, 400)
        if device.user is None:
            return _json({"error": "authorization_pending"}, 400)
        del self._tokens.devices[form["device_code"]]
        return self._issue(_Grant(device.user, device.client_id, device.scope))

    def _issue(self, grant: _Grant) -> Response:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._tokens.access[access] = (grant, time.time() + self.access_lifetime)
        self._tokens.refresh[refresh] = grant
        return _json({
            "token_type": "Bearer", "scope": grant.scope, "expires_in": int(self.access_lifetime),
            "access_token": access, "refresh_token": refresh,
        })

    def _introspect(self, request: Request) -> Response:
        self.introspections += 1
        grant, expiry = self._tokens.access.get(request.form.get("token", ""), (None, 0.0))
        if grant is None or grant.revoked or expiry < time.time():
            return _json({"active": False})
        return _json({"active": True, "username": grant.user, "client_id": grant.client_id,
                      "scope": grant.scope, "exp": int(expiry)})


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: the tests' output stays readable."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json",
                    headers={"Cache-Control": "no-store"})


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
