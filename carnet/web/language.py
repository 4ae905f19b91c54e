"""The page language: `?lang=` (remembered in a cookie), else the account's choice, else French."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carnet.web.cookies import LANG_COOKIE, on_loopback
from carnet.web.i18n import DEFAULT, language


class PageLanguage:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        chosen = language(connection.query_params.get("lang"))
        scope.setdefault("state", {})["lang"] = chosen or language(connection.cookies.get(LANG_COOKIE)) or DEFAULT

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and chosen:
                cookie = Response()
                cookie.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, path="/", httponly=True,
                                  samesite="lax", secure=not on_loopback(connection))
                message.setdefault("headers", []).extend(
                    (name, value) for name, value in cookie.raw_headers if name == b"set-cookie")
            await send(message)

        await self.app(scope, receive, send_with_cookie)
