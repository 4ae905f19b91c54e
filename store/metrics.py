"""A seeker's figures for a period: applications sent, replies, reply rate, median days to a first reply.

Counted on the logbook as the seeker left it: dismissed entries do not count,
a corrected kind counts as corrected. An application is one card (one
`Application`) with an application entry dated in the period; its replies are
the other entries of the card, whenever they came. A card with replies and no
application entry (the seeker applied on a site, the employer acknowledged it)
is an application too, made by the day of its first reply: so every reply
counted belongs to an application counted, and the reply rate agrees with the
replies (its delay is unknown, so it stays out of the median). Declared
applications count as applications sent (they are said to be declared) and have no replies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from carnet.store.models import Application, Event
from carnet.store.reviews import EntryReview, declarations, entry_reviews
from sqlalchemy import func, select
from sqlalchemy.orm import Session

UNSPECIFIED = "unspecified"


@dataclass
class Tally:
    sent: int = 0
    answered: int = 0

    @property
    def rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None


@dataclass(frozen=True)
class Week:
    monday: date
    sent: int
    replies: int


@dataclass
class Metrics:
    start: date
    end: date
    sent: int = 0
    declared: int = 0
    replies: int = 0
    answered: int = 0
    delays: list[int] = field(default_factory=list)
    by_channel: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    weeks: list[Week] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def median_days(self) -> float | None:
        return median(self.delays) if self.delays else None


@dataclass
class _Card:
    channel: str
    type: str
    sent: date | None = None
    replies: list[date] = field(default_factory=list)


def entry_span(session: Session, seeker_id: int) -> tuple[date, date] | None:
    """The dates of the seeker's first and last dated entries, or None when she has none."""
    first, last = session.execute(
        select(func.min(Event.date), func.max(Event.date)).where(Event.seeker_id == seeker_id)).one()
    return (first, last) if first is not None else None


def seeker_metrics(session: Session, seeker_id: int, start: date, end: date) -> Metrics:
    """The figures, in two queries (entries with their application, then reviews) and the declarations."""
    cards, replies_in_period = _cards(session, seeker_id, start, end)
    metrics = Metrics(start, end, replies=len(replies_in_period))
    sent_days = []
    for card in cards.values():
        applied = card.sent or min(card.replies, default=None)
        if applied is None or not start <= applied <= end:
            continue
        sent_days.append(applied)
        answer = min((day for day in card.replies if day >= applied), default=None)
        _count(metrics, card, answer, applied)
    for item in declarations(session, seeker_id, start, end):
        metrics.declared += 1
        sent_days.append(item.date)
        _count(metrics, _Card(item.channel or UNSPECIFIED, item.application_type or UNSPECIFIED), None, item.date)
    metrics.weeks = _weeks(start, end, sent_days, replies_in_period)
    return metrics


def _count(metrics: Metrics, card: _Card, answer: date | None, applied: date) -> None:
    metrics.sent += 1
    metrics.by_channel[card.channel].sent += 1
    metrics.by_type[card.type].sent += 1
    if answer is not None:
        metrics.answered += 1
        if card.sent is not None:
            metrics.delays.append((answer - applied).days)
        metrics.by_channel[card.channel].answered += 1
        metrics.by_type[card.type].answered += 1


def _cards(session: Session, seeker_id: int, start: date, end: date) -> tuple[dict[int, _Card], list[date]]:
    rows = session.execute(
        select(Event.id, Event.application_id, Event.date, Event.kind, Application.channel, Application.type)
        .join(Application, Application.id == Event.application_id).where(Event.seeker_id == seeker_id)
    ).all()
    reviews = entry_reviews(session, seeker_id)
    cards: dict[int, _Card] = {}
    replies = []
    for row in rows:
        review = reviews.get(row.id, EntryReview())
        if review.status == "dismissed" or row.date is None:
            continue
        kind = review.corrections.get("kind", row.kind)
        card = cards.setdefault(row.application_id, _Card(row.channel or UNSPECIFIED, row.type or UNSPECIFIED))
        if kind == "application":
            card.sent = min(card.sent or row.date, row.date)
        else:
            card.replies.append(row.date)
            if start <= row.date <= end:
                replies.append(row.date)
    return cards, replies


def _weeks(start: date, end: date, sent: list[date], replies: list[date]) -> list[Week]:
    """Every week (from its Monday) that overlaps the period, empty ones included."""
    def monday(day: date) -> date:
        return day - timedelta(days=day.weekday())

    counts: dict[date, list[int]] = {}
    week = monday(start)
    while week <= end:
        counts[week] = [0, 0]
        week += timedelta(days=7)
    for day in sent:
        counts[monday(day)][0] += 1
    for day in replies:
        counts[monday(day)][1] += 1
    return [Week(day, *values) for day, values in counts.items()]
