"""Reading what forms and query strings hold: lenient, never an error page for a typo in a filter."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path
from pydantic import BeforeValidator

#: The largest id a row can have (a signed 64-bit integer: PostgreSQL's bigint, SQLite's INTEGER).
MAX_ROW_ID = 2**63 - 1


def _digits(value: object) -> object:
    """Only ASCII digits make an id (`1.0`, `+1` or `١` would otherwise pass as a number)."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("not an id")
    return value


#: A row's id in a URL path. Anything else (`abc`, `0`, a number no column can hold) fails
#: validation, which `errors.py` answers as a missing page (404), before any query is made.
RowId = Annotated[int, BeforeValidator(_digits), Path(ge=1, le=MAX_ROW_ID)]


class InvalidDate(ValueError):
    """A date field of the query holds something that is not a date; `errors.py` says so on a 400 page."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def filter_day(value: str | None) -> date | None:
    """A date filter (`du`, `au`): None when empty; InvalidDate when it is not an ISO date."""
    if not value:
        return None
    found = day(value)
    if found is None:
        raise InvalidDate(value)
    return found


def day(value: str | None) -> date | None:
    """An ISO date (what `<input type="date">` sends), or None when empty or not a date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def one_of(value: str | None, allowed: tuple[str, ...] | frozenset[str]) -> str | None:
    return value if value in allowed else None
