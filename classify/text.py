"""Text as the rules read it: folded for matching, cut of quoted history and signature.

Folding keeps one character per character (lower case, accents removed, plain
apostrophes and dashes), so that a span found in folded text is the same span
in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

_PUNCTUATION = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": " ", "\ufeff": " ",
    "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"',
}
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Body:
    """The new part of a message body: `decisive` without signature, `full` with it."""

    decisive: str
    full: str


def _fold_char(char: str) -> str:
    if char in _PUNCTUATION:
        return _PUNCTUATION[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    lowered = base.lower()
    if len(lowered) == 1:
        return lowered
    return char.lower() if len(char.lower()) == 1 else char


@cache
def _fold_table() -> dict[int, str]:
    """Translation table for the Latin, punctuation and symbol ranges mail uses."""
    table = {}
    for code in range(0x2500):
        char = chr(code)
        folded = _fold_char(char)
        if folded != char:
            table[code] = folded
    return table


def fold(text: str) -> str:
    """Lower case, no accents, plain punctuation; same length as `text`."""
    if text.isascii():  # the table changes only case and "`" there: the fast way
        return text.lower().replace("`", "'")
    return text.translate(_fold_table())


def flat(text: str) -> str:
    """Folded text on one line with single spaces: what phrase patterns match."""
    return _WHITESPACE.sub(" ", fold(text)).strip()


def normalize_name(text: str) -> str:
    """Comparison key for names: folded, punctuation dropped, spaces collapsed."""
    return _WHITESPACE.sub(" ", re.sub(r"[^\w&+]+", " ", fold(text))).strip()


def split_body(text: str, quote_starts: Sequence[re.Pattern[str]],
               signature_starts: Sequence[re.Pattern[str]]) -> Body:
    """Drop quoted history ("> " lines, reply and forward headers), then mark the signature."""
    kept = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    full = kept[: _earliest(fold(kept), quote_starts, content_before=False)].strip()
    signature = _earliest(fold(full), signature_starts, content_before=True)
    return Body(decisive=full[:signature].strip(), full=full)


def _earliest(folded: str, patterns: Sequence[re.Pattern[str]], content_before: bool) -> int:
    """Offset of the earliest match of any pattern; a signature needs some text above it."""
    if not patterns:
        return len(folded)
    combined = _combined(tuple(patterns))
    start = 0
    while (match := combined.search(folded, start)) is not None:
        if not content_before or folded[: match.start()].strip():
            return match.start()
        start = match.start() + 1
    return len(folded)


@cache
def _combined(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """The patterns as one alternation (one pass over the text instead of one per pattern);
    searching again from each rejected start finds exactly the earliest start any of them has."""
    flags = {p.flags for p in patterns}
    if len(flags) > 1:
        raise ValueError("quote and signature markers must share their flags")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), flags.pop())
