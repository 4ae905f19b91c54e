"""Extraction of what an evidence entry records: company, position, date, type, channel.

Pure functions of the `Facts` of a message; the company lives in `classify.company`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from classify.company import from_entities, rule_company
from classify.evidence import ApplicationType, Kind
from classify.facts import Facts
from classify.tables import extraction
from classify.text import flat, fold

__all__ = [
    "application_type",
    "channel",
    "clean_position",
    "evidence_date",
    "extract_position",
    "from_entities",
    "paris_date",
    "rule_company",
    "stated_date",
]

PARIS = ZoneInfo("Europe/Paris")
_LEADING = re.compile(
    r"^(?:(?:l|d)['’]\s*|(?:le|la|les|un|une|de|du|des|notre|votre|ce|cette|the|a|an|our|your|"
    r"this|poste|position|role|job)\s+)+",
    re.I,
)
_TRAILING = re.compile(r"(?:\s+(?:position|role|job|opening|vacancy|poste|offer))+$", re.I)
_COMMA_CLAUSE = re.compile(r",\s+(?=[a-zà-ÿ])")
_EDGE = " \t-–—|/,:;.*_\"'«»“”"
_MAX_WORDS = 10


def paris_date(moment: datetime | None) -> date | None:
    """The calendar day in Paris of an aware datetime (mail sent at 23:30 UTC is the next day)."""
    return moment.astimezone(PARIS).date() if moment else None


def extract_position(facts: Facts) -> str | None:
    """The job title: from the subject, then the new body, then the quoted history."""
    tables = extraction()
    subject = tables.subject_prefixes.sub("", facts.message.subject)
    sources = (
        (subject, tables.subject_positions),
        (facts.body.decisive[:3000], tables.body_positions),
        (subject, tables.body_positions),
        (facts.message.text[:6000], tables.body_positions),
    )
    for text, patterns in sources:
        for pattern in patterns:
            position = _first_clean(pattern, text)
            if position:
                return position
    return None


def _first_clean(pattern: re.Pattern[str], text: str, tries: int = 20) -> str | None:
    """The first match that cleans to a title; matches may overlap, so that a long
    implausible one ("for your interest in … for the X role") does not hide a short one."""
    start = 0
    for _ in range(tries):
        match = pattern.search(text, start)
        if match is None:
            return None
        position = clean_position(match.group("position"))
        if position:
            return position
        start = match.start() + 1
    return None


def clean_position(raw: str) -> str | None:
    """Cut what follows the title (company, place, contract), references and gender markers."""
    text = _cut_at_stops(" ".join(raw.split()))
    for pattern in extraction().position_cleanup:
        text = pattern.sub(" ", text)
    text = " ".join(text.split()).strip(_EDGE)
    text = _TRAILING.sub("", _LEADING.sub("", text)).strip(_EDGE)
    words = text.split()
    if len(text) < 2 or len(words) > _MAX_WORDS or not any(c.isalpha() for c in text):
        return None
    if fold(words[0]) in extraction().leading_stopwords:
        return None
    return None if fold(text) in extraction().position_rejected else text


def _cut_at_stops(text: str) -> str:
    """Cut at the first connector; a comma followed by a lower-case word ends the title too."""
    text = _COMMA_CLAUSE.split(text)[0]
    lowered = f" {fold(text)} "
    cut = min((i for stop in extraction().position_stops if (i := lowered.find(stop)) > 0),
              default=len(lowered))
    return text[: max(cut - 1, 0)] if cut < len(lowered) else text


def stated_date(facts: Facts) -> date | None:
    """A date the body states as the application's ("Candidature envoyée le 12/03/2025")."""
    text = flat(facts.body.full[:4000])
    for pattern in extraction().dates:
        match = pattern.search(text)
        if match:
            found = _parse_date(match.group("date"))
            if found:
                return found
    return None


def _parse_date(text: str) -> date | None:
    numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})", text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return _safe_date(year + 2000 if year < 100 else year, month, day)
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
