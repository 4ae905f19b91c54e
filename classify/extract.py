"""Extraction of what an evidence entry records: date, type, channel (and the position).

Pure functions of the `Facts` of a message; the company lives in `classify.company`,
the position in `classify.position`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from carnet.classify.evidence import ApplicationType, Kind
from carnet.classify.facts import Facts
from carnet.classify.position import clean_position, extract_position
from carnet.classify.tables import extraction
from carnet.classify.text import flat

__all__ = [
    "application_type",
    "channel",
    "clean_position",
    "evidence_date",
    "extract_position",
    "paris_date",
    "stated_date",
]

PARIS = ZoneInfo("Europe/Paris")


def paris_date(moment: datetime | None) -> date | None:
    """The calendar day in Paris of an aware datetime (mail sent at 23:30 UTC is the next day)."""
    return moment.astimezone(PARIS).date() if moment else None


def stated_date(facts: Facts) -> date | None:
    """A date the body states as the application's ("Candidature envoyée le 12/03/2025")."""
    text = flat(facts.body.full[:4000])
    sent = paris_date(facts.message.date)
    for pattern in extraction().dates:
        match = pattern.search(text)
        if match:
            found = _parse_date(match.group("date"), sent)
            if found:
                return found
    return None


def _parse_date(text: str, sent: date | None = None) -> date | None:
    """A stated date; "12/06/2024" is read day first, unless month first puts it closer
    before `sent` (American platforms write month first)."""
    numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})", text)
    if numeric:
        first, second, year = (int(g) for g in numeric.groups())
        year = year + 2000 if year < 100 else year
        readings = [d for d in (_safe_date(year, second, first), _safe_date(year, first, second))
                    if d and (sent is None or d <= sent)]
        return max(readings) if sent and readings else (readings[0] if readings else None)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        return _safe_date(*(int(g) for g in iso.groups()))
    return _worded_date(text)


def _worded_date(text: str) -> date | None:
    """"3 mars 2025", "1er avril 2025", "March 3, 2025", "3 March 2025"."""
    months = extraction().months
    words = re.findall(r"[a-z]+|\d+", text.replace("1er", "1"))
    numbers = [int(w) for w in words if w.isdigit()]
    month = next((months[w] for w in words if w in months), None)
    if month is None or len(numbers) != 2:
        return None
    day, year = sorted(numbers)
    return _safe_date(year, month, day)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def evidence_date(facts: Facts, kind: Kind) -> date | None:
    """When it happened: the stated application date of a platform confirmation, else Date."""
    sent = paris_date(facts.message.date)
    if kind is Kind.APPLICATION and not facts.outgoing:
        stated = stated_date(facts)
        if stated and (sent is None or stated <= sent):
            return stated
    return sent


def application_type(facts: Facts, kind: Kind) -> ApplicationType | None:
    """Spontaneous when the text says so, else an answer to an ad (only for applications)."""
    if kind is not Kind.APPLICATION:
        return None
    if any(cue in facts.text for cue in extraction().spontaneous):
        return ApplicationType.SPONTANEOUS
    return ApplicationType.AD_RESPONSE


def channel(facts: Facts) -> str:
    """"email", or the job board's name when the application went through one."""
    relay = facts.relay
    return relay.name if relay is not None and relay.kind == "job_board" else "email"
