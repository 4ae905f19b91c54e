"""The seeker's access log in words: what each logged view concerned.

A view is logged with `name=value` pairs taken from its URL (`event_id=12,
du=2026-11-01, preuve=verified`); here they become "Réponse négative — Safran,
16/10/2026", "du 01/11/2026", "preuve : Réponses vérifiées".
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from carnet.store.access_log import AccessView, SeenEntry, seen_entries
from carnet.web.forms import day
from carnet.web.i18n import translator
from carnet.web.templating import templates


def described(db: Session, seeker_id: int, log: list[AccessView], lang: str) -> list[tuple[AccessView, str]]:
    """Each view with what it concerned, in the page's language."""
    t = translator(lang)
    entries = seen_entries(db, seeker_id, {int(v) for view in log for n, v in _pairs(view) if n == "event_id"})
    return [(view, _phrase([(name, _words(t, lang, entries, name, value)) for name, value in _pairs(view)]))
            for view in log]


def _phrase(parts: list[tuple[str, str]]) -> str:
    """The parts joined by commas, but a period in one piece: "du 01/10/2026 au 31/10/2026"."""
    text = ""
    for index, (name, words) in enumerate(parts):
        if index:
            text += " " if name == "au" and parts[index - 1][0] == "du" else ", "
        text += words
    return text


def _pairs(view: AccessView) -> list[tuple[str, str]]:
    pairs = (part.split("=", 1) for part in view.detail.split(", ") if "=" in part)
    return [(name, value) for name, value in pairs if name != "event_id" or value.isdigit()]


def _words(t: Callable[..., str], lang: str, entries: dict[int, SeenEntry], name: str, value: str) -> str:
    if name == "event_id":
        entry = entries.get(int(value))
        if entry is None:
            return t("access_detail_event_gone")
        return t("access_detail_event", kind=t(f"kind_{entry.kind}"), company=entry.company or "—",
                 date=_day(entry.date, lang))
    shown = {"type": lambda: t(f"kind_{value}"), "preuve": lambda: t(f"filter_level_{value}"),
             "du": lambda: _day(day(value), lang), "au": lambda: _day(day(value), lang)}.get(name, lambda: value)
    try:
        return t(f"access_detail_{name}", value=shown())
    except KeyError:
        return f"{name}={value}"


def _day(value, lang: str) -> str:
    return templates.env.filters["day"](value, lang)
