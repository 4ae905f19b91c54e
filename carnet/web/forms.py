"""Reading what forms and query strings hold: lenient, never an error page for a typo in a filter."""

from __future__ import annotations

from datetime import date


def day(value: str | None) -> date | None:
    """An ISO date (what `<input type="date">` sends), or None when empty or not a date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def one_of(value: str | None, allowed: tuple[str, ...] | frozenset[str]) -> str | None:
    return value if value in allowed else None
