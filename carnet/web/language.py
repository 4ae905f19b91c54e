"""The page language: `?lang=` (remembered in a cookie), else the account's choice, else French."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import Scope

from carnet.web.cookies import LANG_COOKIE
from carnet.web.i18n import DEFAULT, language
from carnet.web.middleware import HeaderEdit, HeaderMiddleware, add_cookie

YEAR = 365 * 86400


class PageLanguage(HeaderMiddleware):
    def prepare(self, scope: Scope) -> HeaderEdit:
        connection = HTTPConnection(scope)
        chosen = language(connection.query_params.get("lang"))
        scope.setdefault("state", {})["lang"] = chosen or language(connection.cookies.get(LANG_COOKIE)) or DEFAULT

        def remember(headers: MutableHeaders) -> None:
            if chosen:
                add_cookie(headers, connection, LANG_COOKIE, chosen, max_age=YEAR)

        return remember
