"""Cookie names and flags: HttpOnly, SameSite=Lax, Secure unless the site is on loopback."""

from __future__ import annotations

import ipaddress

from starlette.requests import HTTPConnection
from starlette.responses import Response

SESSION_COOKIE = "carnet_session"
CSRF_COOKIE = "carnet_csrf"
LANG_COOKIE = "carnet_lang"
LOCAL_NAMES = {"localhost"}


def on_loopback(connection: HTTPConnection) -> bool:
    """True when the browser reached a loopback name (development, the demo): no TLS to insist on."""
    host = (connection.url.hostname or "").strip("[]")
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def set_cookie(response: Response, connection: HTTPConnection, name: str, value: str,
               max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=not on_loopback(connection))


def delete_cookie(response: Response, connection: HTTPConnection, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=not on_loopback(connection))
