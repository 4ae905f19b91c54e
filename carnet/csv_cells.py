"""Spreadsheet-safe CSV cells: a cell a spreadsheet would run as a formula is written inert.

A cell starting with `=`, `+`, `-`, `@` (or a tab or carriage return, which some
spreadsheets skip before those) gets a leading apostrophe; so does one already
starting with an apostrophe, which makes the change reversible: `restore` gives
back the exact value, so `carnet verify-export` still compares with the chain.
"""

from __future__ import annotations

from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def restore(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def neutral_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: neutralise(value) for name, value in row.items()}
