"""CSRF protection by double submit: a random token in a cookie, repeated in every form.

`CsrfCookie` (ASGI middleware) gives each browser a token and exposes it to
templates as `request.state.csrf`; `csrf_protect` (a dependency of the whole
app) refuses any state-changing request whose form field `csrf` (or header
`X-CSRF-Token`) does not equal the cookie. A third-party site can make the
browser send the cookie but cannot read it to fill in the field.
"""

from __future__ import annotations

import hmac
import re
import secrets

from fastapi import HTTPException, Request
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carnet.web.cookies import CSRF_COOKIE, on_loopback

FIELD = "csrf"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(cookie: str | None, submitted: str | None) -> bool:
    """True when both are present, well formed and equal (compared in constant time)."""
    if not cookie or not submitted or not TOKEN_SHAPE.fullmatch(cookie):
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())


class CsrfCookie:
    """Makes sure every browser holds a token; a missing or malformed one is replaced."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        token = connection.cookies.get(CSRF_COOKIE, "")
        fresh = not TOKEN_SHAPE.fullmatch(token)
        if fresh:
            token = new_token()
        scope.setdefault("state", {})["csrf"] = token

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and fresh:
                cookie = Response()
                cookie.set_cookie(CSRF_COOKIE, token, path="/", httponly=True, samesite="lax",
                                  secure=not on_loopback(connection))
                message.setdefault("headers", []).extend(
                    (name, value) for name, value in cookie.raw_headers if name == b"set-cookie")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def csrf_protect(request: Request) -> None:
    """Refuse (403) a state-changing request without the browser's own token."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(HEADER)
    if submitted is None:
        form = await request.form()
        value = form.get(FIELD)
        submitted = value if isinstance(value, str) else None
    if not tokens_match(request.cookies.get(CSRF_COOKIE), submitted):
        raise HTTPException(status_code=403, detail="csrf")


def rotate(request: Request, response: Response) -> None:
    """A new token after signing in or out (the old one may have been seen before)."""
    token = new_token()
    request.state.csrf = token
    response.set_cookie(CSRF_COOKIE, token, path="/", httponly=True, samesite="lax",
                        secure=not on_loopback(request))
