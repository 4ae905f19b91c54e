"""Periods chosen on a page: `du`/`au` query fields, the current month by default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from carnet.web.forms import day


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def valid(self) -> bool:
        return self.start <= self.end


def this_month(today: date | None = None) -> Period:
    today = today or datetime.now(UTC).date()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def chosen(du: str | None, au: str | None) -> Period:
    default = this_month()
    return Period(day(du) or default.start, day(au) or default.end)
