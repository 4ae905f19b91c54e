"""Periods chosen on a page: `du`/`au` query fields, else the period that holds the seeker's entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from carnet.store.metrics import entry_span
from carnet.web.forms import filter_day

LONGEST_DEFAULT = timedelta(days=366)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    #: Chosen by Carnet (no `du`/`au` asked): the page says which period it shows and why.
    default: bool = False

    @property
    def valid(self) -> bool:
        return self.start <= self.end


def _month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def this_month(today: date | None = None) -> Period:
    return _month_of(today or datetime.now(UTC).date())


def usual(span: tuple[date, date] | None, today: date | None = None) -> Period:
    """From the month of the seeker's first entry to the end of this month (or of her last entry, if later).

    At most about a year back; with no entry at all, this month.
    """
    now = this_month(today)
    if span is None:
        return Period(now.start, now.end, default=True)
    end = max(now.end, _month_of(span[1]).end)
    start = max(_month_of(span[0]).start, _month_of(end - LONGEST_DEFAULT).start)
    return Period(start, end, default=True)


def usual_for(session: Session, seeker_id: int) -> Period:
    """`usual` for this seeker's logbook."""
    return usual(entry_span(session, seeker_id))


def chosen(du: str | None, au: str | None, default: Period | None = None) -> Period:
    """The period asked (a missing bound from `default`), or `default` when none is; InvalidDate for a non-date."""
    default = default or this_month()
    start, end = filter_day(du), filter_day(au)
    if start is None and end is None:
        return default
    return Period(start or default.start, end or default.end)
