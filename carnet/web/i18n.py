"""The web pages' text in French (default) and English, from `carnet/web/messages.toml`.

The command line's catalogue (`carnet.config.i18n`) holds one language per
process; a web process answers people in both, so pages translate per request.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from importlib.resources import files

LANGUAGES = ("fr", "en")
DEFAULT = "fr"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    return tomllib.loads((files("carnet.web") / "messages.toml").read_text(encoding="utf-8"))


def translate(lang: str, key: str, **values: object) -> str:
    """`key` in `lang`, in French when `lang` lacks it; a missing key is an error caught by the tests."""
    messages = catalogue()
    template = messages.get(lang, {}).get(key) or messages[DEFAULT][key]
    return template.format(**values) if values else template


def translator(lang: str) -> Callable[..., str]:
    return lambda key, **values: translate(lang, key, **values)


def language(value: str | None) -> str | None:
    """`value` when it is a language the pages speak."""
    return value if value in LANGUAGES else None
