"""User-facing text in French (default) and English, from `config/messages.toml`."""

from __future__ import annotations

import os
import tomllib
from functools import cache
from importlib.resources import files

_language = {"current": os.environ.get("CARNET_LANG", "fr") if os.environ.get("CARNET_LANG") in ("fr", "en") else "fr"}


@cache
def _catalog() -> dict[str, dict[str, str]]:
    return tomllib.loads((files("carnet.config") / "messages.toml").read_text(encoding="utf-8"))


def set_language(lang: str) -> None:
    _language["current"] = lang if lang in _catalog() else "fr"


def t(key: str, **values: object) -> str:
    """The message `key` in the current language, formatted with `values`."""
    catalog = _catalog()
    template = catalog[_language["current"]].get(key) or catalog["en"][key]
    return template.format(**values)
