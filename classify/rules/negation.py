"""Is a phrase negated or hedged by what comes before it in its clause?"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CLAUSE_END = re.compile(r"[.!?;]|\bmais\b|\bbut\b")
_NON_WORD = re.compile(r"[^\w']+")
_WINDOW = 100
NEGATION_REACH = 50


def clause_before(text: str, start: int) -> str:
    """The words before `start`, back to the start of their clause (at most 100 characters)."""
    window = text[max(0, start - _WINDOW) : start]
    ends = list(_CLAUSE_END.finditer(window))
    return window[ends[-1].end() :] if ends else window


def has_cue(clause: str, cues: Iterable[str]) -> bool:
    """True when one of `cues` occurs as whole words ("n'" may stick to the next word)."""
    padded = " " + _NON_WORD.sub(" ", clause) + " "
    return any(
        f" {cue}" in padded if cue.endswith("'") else f" {cue} " in padded for cue in cues
    )


def last_words(clause: str, count: int) -> str:
    return " ".join(clause.split()[-count:])
