"""A lexicon section as one matcher whose cost follows the words a text holds.

A section is a list of phrase patterns. Tried as one regex alternation, every
phrase is tried at every word of the text: a long newsletter costs hundreds of
phrases times thousands of words. Most phrases hold a literal word, at a bounded
distance from their start, that starts a word of every text they match ("bien" in
"(avons|a) bien (ete )?recu …", two to six characters in), or start with one of a few
("(forwarding|sending) …"). The phrasebook indexes the text's words by their first
letters once, and tries each such phrase only just before the words that start with
its own; the few phrases with no such word are
searched for together, as one alternation. The matches are the alternation's:
leftmost first, not overlapping (at equal starts, an indexed phrase may win over an
earlier phrase of the list that no word indexes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre
from re import _parser as sre_parse

#: Index keys: a word's first one to five letters.
KEYS = (1, 2, 3, 4, 5)
#: A word inside a phrase anchors it only from this length (shorter ones are everywhere).
ANCHOR = 3
#: How far before its word a phrase may start, at most, to be tried there.
MAX_LEAD = 40
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Phrase:
    index: int
    pattern: re.Pattern[str]
    keys: tuple[str, ...]
    lead: tuple[int, int]


class Phrasebook:
    """Drop-in for a compiled alternation of `\\b(?:phrase)` patterns: `search`, `finditer`."""

    def __init__(self, phrases: Sequence[str], flags: int = 0) -> None:
        self.pattern = "|".join(f"(?:{p})" for p in phrases)
        self._phrases = [_phrase(i, p, flags) for i, p in enumerate(phrases)]
        rest = [i for i, p in enumerate(self._phrases) if not p.keys]
        # The phrases no word indexes, as one alternation: one pass over the text for all of them.
        self._rest = re.compile("|".join(rf"\b(?:{phrases[i]})" for i in rest), flags) if rest else None
        self._rest_index = rest[0] if rest else 0
        self._indexed = [p for p in self._phrases if p.keys]

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        found = sorted(self._matches(text), key=lambda pair: (pair[1].start(), pair[0]))
        end = -1
        for _, match in found:
            if match.start() >= end:
                end = max(match.end(), match.start() + 1)
                yield match

    def search(self, text: str) -> re.Match[str] | None:
        """The leftmost match: each phrase is tried from its earliest place, and only before
        the best start found so far."""
        best = self._rest.search(text) if self._rest is not None else None
        starts = _word_starts(text)
        for phrase in self._indexed:
            low, high = phrase.lead
            places = sorted({start for key in phrase.keys for at in starts.get(key, ())
                             for start in range(max(0, at - high), at - low + 1)})
            for start in places:
                if best is not None and start >= best.start():
                    break
                match = phrase.pattern.match(text, start)
                if match:
                    best = match
                    break
        return best

    def _matches(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        if self._rest is not None:
            yield from ((self._rest_index, m) for m in self._rest.finditer(text))
        starts = _word_starts(text)
        for phrase in self._indexed:
            low, high = phrase.lead
            tried: set[int] = set()
            for at in (at for key in phrase.keys for at in starts.get(key, ())):
                for start in range(max(0, at - high), at - low + 1):
                    if start not in tried:
                        tried.add(start)
                        match = phrase.pattern.match(text, start)
                        if match:
                            yield phrase.index, match


@lru_cache(maxsize=16)
def _word_starts(text: str) -> dict[str, tuple[int, ...]]:
    """Where the words start, by their first one to five letters (lower case)."""
    starts: dict[str, list[int]] = {}
    for word in _TOKEN.finditer(text.lower()):
        token = word.group()
        for size in KEYS:
            if len(token) >= size:
                starts.setdefault(token[:size], []).append(word.start())
    return {key: tuple(found) for key, found in starts.items()}


def _phrase(index: int, phrase: str, flags: int) -> _Phrase:
    pattern = re.compile(rf"\b(?:{phrase})", flags)
    if flags & re.IGNORECASE:
        return _Phrase(index, pattern, (), (0, 0))
    found = anchor(phrase)
    if found is not None:
        word, lead = found
        return _Phrase(index, pattern, (word[:max(KEYS)],), lead)
    try:
        words = leading_words(sre_parse.parse(phrase).data)
    except re.error:
        words = None
    return _Phrase(index, pattern, tuple(sorted({w[:max(KEYS)] for w in words or ()})), (0, 0))


def leading_words(items: list) -> set[str] | None:
    """The literal words one of which starts every match ("(forwarding|sending) you" →
    forwarding, sending); None when there is no such set."""
    run = ""
    for op, value in items:
        if op is sre.LITERAL and chr(value).isalnum():
            run += chr(value)
            continue
        if run:
            break
        if op is sre.SUBPATTERN:
            return leading_words(value[3].data)
        if op is sre.BRANCH:
            found = [leading_words(alternative.data) for alternative in value[1]]
            return None if any(f is None for f in found) else set().union(*found)
        return None
    return {run} if run and run == run.lower() else None


def anchor(phrase: str) -> tuple[str, tuple[int, int]] | None:
    """(word, (least, most characters before it)): the longest literal word of the phrase's
    top level that starts a text word in every match (at the phrase's start or after a literal
    non-word character), with the widths of what comes before it; None when it has none of
    at least three letters, or when what comes before it is unbounded."""
    try:
        parsed = sre_parse.parse(phrase)
    except re.error:
        return None
    items = parsed.data
    best: tuple[str, int] | None = None
    run, run_start, bounded = "", 0, True
    for position, (op, value) in enumerate([*items, (None, None)]):
        char = chr(value) if op is sre.LITERAL else None
        if char is not None and char.isalnum():
            if not run:
                run_start = position
            run += char
            continue
        if bounded and len(run) >= ANCHOR and run == run.lower() and (best is None or len(run) > len(best[0])):
            best = (run, run_start)
        run = ""
        bounded = char is not None or (op is sre.AT and value in (sre.AT_BEGINNING, sre.AT_BOUNDARY))
    if best is None:
        return None
    word, start = best
    low, high = sre_parse.SubPattern(parsed.state, items[:start]).getwidth()
    return (word, (low, high)) if high - low <= MAX_LEAD and high <= MAX_LEAD else None
