"""The shape of Carnet's middlewares: pure ASGI, touching only the headers of the response's start.

`HeaderMiddleware.prepare(scope)` runs when a request comes in (it may set
`scope["state"]` for the handlers) and returns what to do to the response's
headers once they are known; no body is buffered. `add_cookie` appends a
cookie with the flags of `cookies.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carnet.web.cookies import set_cookie

HeaderEdit = Callable[[MutableHeaders], None]


class HeaderMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def prepare(self, scope: Scope) -> HeaderEdit:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        edit = self.prepare(scope)

        async def send_edited(message: Message) -> None:
            if message["type"] == "http.response.start":
                edit(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_edited)


def add_cookie(headers: MutableHeaders, connection: HTTPConnection, name: str, value: str,
               max_age: int | None = None) -> None:
    """Append a `Set-Cookie` for `name` (HttpOnly, SameSite=Lax, Secure off loopback)."""
    cookie = Response()
    set_cookie(cookie, connection, name, value, max_age)
    for header, line in cookie.raw_headers:
        if header == b"set-cookie":
            headers.append("set-cookie", line.decode("latin-1"))


def sets_cookie(headers: MutableHeaders, name: str) -> bool:
    """Whether the response already sets cookie `name` (a handler rotated it)."""
    return any(line.startswith(f"{name}=") for line in headers.getlist("set-cookie"))
