"""Which application does a reply answer? Deterministic grounds only.

1. Thread headers: In-Reply-To / References naming one of the application's sent
   messages.
2. The same company (normalized: case, accents, punctuation and legal form
   ignored) and a close position (rapidfuzz token_set_ratio ≥ 85), the reply
   falling within the window after the application's first date. Two roles at
   one company that both match closely are ambiguous: no link.
3. A reply that names no position links only when exactly one application at
   that company is open in the window.
4. When no application is at the very same company, one whose name is the other
   written shorter or longer ("Northwind" and "Northwind Logistics": the words of
   one lead the other) links, but only through a close position, never on the
   company alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from carnet.classify.company import clean_company
from carnet.classify.text import normalize_name
from rapidfuzz import fuzz

WINDOW_DAYS = 120
POSITION_MATCH = 85


@dataclass(frozen=True)
class Reply:
    company: str | None
    position: str | None
    date: date | None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenApplication:
    id: Hashable
    company: str | None
    position: str | None
    first_date: date
    message_ids: frozenset[str] = frozenset()


def link_reply(reply: Reply, applications: Sequence[OpenApplication],
               window_days: int = WINDOW_DAYS) -> Hashable | None:
    """The id of the application `reply` answers, or None when no deterministic link exists."""
    threaded = _by_thread(reply, applications)
    if threaded is not None:
        return threaded
    same = [a for a in applications
            if _same_company(reply.company, a.company) and _in_window(reply, a, window_days)]
    if reply.position:
        return _by_position(reply.position, same or _longer_or_shorter(reply, applications, window_days))
    return same[0].id if len(same) == 1 else None


def _longer_or_shorter(reply: Reply, applications: Sequence[OpenApplication],
                       window_days: int) -> list[OpenApplication]:
    """Applications at a company named with more or fewer trailing words (position still required)."""
    return [a for a in applications
            if a.position and _leading_words(reply.company, a.company) and _in_window(reply, a, window_days)]


def _leading_words(left: str | None, right: str | None) -> bool:
    short, long = sorted((company_words(left), company_words(right)), key=len)
    return bool(short) and short != long and long[: len(short)] == short


def _by_thread(reply: Reply, applications: Sequence[OpenApplication]) -> Hashable | None:
    for message_id in (reply.in_reply_to, *reversed(reply.references)):
        for application in applications:
            if message_id and message_id in application.message_ids:
                return application.id
    return None


@lru_cache(maxsize=4096)
def company_key(name: str | None) -> str:
    """"Acme SAS", "ACME", "Acmé" → one key (cached: linking compares one reply with every open application)."""
    return normalize_name(clean_company(name) or name or "").replace(" ", "")


@lru_cache(maxsize=4096)
def company_words(name: str | None) -> tuple[str, ...]:
    return tuple(normalize_name(clean_company(name) or name or "").split())


def _same_company(left: str | None, right: str | None) -> bool:
    return bool(company_key(left)) and company_key(left) == company_key(right)


def _in_window(reply: Reply, application: OpenApplication, window_days: int) -> bool:
    if reply.date is None:
        return True
    start = application.first_date - timedelta(days=1)
    return start <= reply.date <= application.first_date + timedelta(days=window_days)


def _by_position(position: str, same: Sequence[OpenApplication]) -> Hashable | None:
    """The one close position; else the only application at the company when it names none."""
    key = normalize_name(position)
    close = [a for a in same if a.position and
             fuzz.token_set_ratio(key, normalize_name(a.position)) >= POSITION_MATCH]
    exact = [a for a in close if normalize_name(a.position or "") == key]
    if len(close) == 1 or len(exact) == 1:
        return (exact or close)[0].id
    if not close and len(same) == 1 and not same[0].position:
        return same[0].id
    return None
