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
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import Scope

from carnet.web.cookies import CSRF_COOKIE, set_cookie
from carnet.web.middleware import HeaderEdit, HeaderMiddleware, add_cookie, sets_cookie

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


class CsrfCookie(HeaderMiddleware):
    """Makes sure every browser holds a token; a missing or malformed one is replaced.

    The cookie is sent only when the browser lacks a good one, and only with a page
    (HTML): a stylesheet or icon fetched beside the first page must not hand out a
    second token, which would no longer match the form that page holds.
    """

    def prepare(self, scope: Scope) -> HeaderEdit:
        connection = HTTPConnection(scope)
        token = connection.cookies.get(CSRF_COOKIE, "")
        fresh = not TOKEN_SHAPE.fullmatch(token)
        if fresh:
            token = new_token()
        scope.setdefault("state", {})["csrf"] = token

        def give_token(headers: MutableHeaders) -> None:
            page = headers.get("content-type", "").startswith("text/html")
            if fresh and page and not sets_cookie(headers, CSRF_COOKIE):
                add_cookie(headers, connection, CSRF_COOKIE, token)

        return give_token


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
    set_cookie(response, request, CSRF_COOKIE, token)
