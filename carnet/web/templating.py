"""Rendering pages: Jinja2 with autoescaping, and what every page's template receives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.responses import HTMLResponse

from carnet.store.demarches import DEMARCHES
from carnet.web.i18n import translate, translator

templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(str(files("carnet.web") / "templates")),
                                            autoescape=True))


def _day(value: date | datetime | None, lang: str = "fr") -> str:
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d")


#: The people Carnet serves live in France: times are shown on the clock of Paris (summer time included).
LOCAL_TIME = ZoneInfo("Europe/Paris")


def _moment(value: datetime | None, lang: str = "fr") -> str:
    """A stored time (UTC; naive from SQLite, aware from PostgreSQL) on the clock of Paris."""
    if value is None:
        return "—"
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(LOCAL_TIME)
    return local.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


def _mail_date(value: str, lang: str = "fr") -> str:
    """A message's Date header (RFC 2822) as the pages show times; as written when it is not a date."""
    try:
        return _moment(parsedate_to_datetime(value), lang)
    except (TypeError, ValueError, IndexError):
        return value


def _decimal(value: float, lang: str = "fr") -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "fr" else text


def page_url(request: Request, page: int) -> str:
    """This page's URL with its query (filters) kept and `page` replaced."""
    query = [(name, value) for name, value in request.query_params.multi_items() if name not in ("page", "fait")]
    return "?" + urlencode([*query, ("page", str(page))])


def demarche_label(code: str | None, lang: str = "fr") -> str:
    """What a démarche code of `store.demarches` stands for (`demarche_label_<code>`); "" when unknown."""
    return translate(lang, f"demarche_label_{code}") if code in DEMARCHES else ""


templates.env.globals["page_url"] = page_url
templates.env.globals["demarche_label"] = demarche_label
templates.env.filters["day"] = _day
templates.env.filters["decimal"] = _decimal
templates.env.filters["mail_date"] = _mail_date
templates.env.filters["moment"] = _moment


def page_language(request: Request) -> str:
    return getattr(request.state, "lang", "fr")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page `template` with the request's language, account and CSRF token."""
    lang = page_language(request)
    base = {
        "lang": lang,
        "t": translator(lang),
        "account": getattr(request.state, "account", None),
        "csrf_token": getattr(request.state, "csrf", ""),
    }
    return templates.TemplateResponse(request, template, base | context, status_code=status_code)
