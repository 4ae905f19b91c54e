"""Domain labels cut into words: "reseauactionclimat" → "Réseau Action Climat".

The last resort for a company name is its domain label. Written as one word it
reads badly ("Lestilleuls"); spaCy's French vocabulary (already loaded for the
entities) knows most words of French and English names, with their accents. A
label is cut only when every piece is a known word of five letters or more, or
a connector ("les", "du", "and"), fewest pieces first; otherwise it is left whole.
The message's own words count as known too: an English clinic's mail that writes
"clinic" lets `thecircleclinic` read "The Circle Clinic", though the French
vocabulary lacks the word.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping
from functools import cache

from carnet.classify.nlp import model_strings
from carnet.classify.text import fold

MIN_WORD = 5
MAX_WORD = 15
CONNECTORS = frozenset({"de", "du", "des", "la", "le", "les", "et", "of", "and", "the"})
_AMPERSAND = frozenset({"and", "et"})
_WORDS = re.compile(r"[^\W\d_]+")
_LOWER = frozenset({"de", "du", "des", "la", "le", "et", "of", "and", "the"})


@cache
def _vocabulary() -> dict[str, str]:
    """Folded word → its spelling: accented only when the vocabulary lacks the plain form
    ("reseau" → "réseau", but "agence" stays "agence", not "agencé"). "and" and "et" between
    two words stand for "&", which a domain cannot spell."""
    words: dict[str, str] = {}
    for string in model_strings():
        if string.isalpha() and string.islower() and MIN_WORD <= len(string) <= MAX_WORD:
            folded = fold(string)
            if folded.isascii() and (folded not in words or string == folded):
                words[folded] = string
    return words


def written_words(text: str) -> dict[str, str]:
    """The words of five letters or more a text writes, by their plain ASCII letters ("coeur"
    → "cœur"), lower case: known words for `segment_label`."""
    words: dict[str, str] = {}
    for word in _WORDS.findall(text):
        lower = word.lower()
        plain = fold(lower).replace("œ", "oe").replace("æ", "ae")
        if MIN_WORD <= len(plain) <= MAX_WORD and plain.isascii():
            words.setdefault(plain, lower)
    return words


def segment_label(label: str, written: Mapping[str, str] | None = None) -> str | None:
    """The label as words ("ehpad-lestilleuls" → "Ehpad Les Tilleuls"), or None when no
    part of it can be cut into known words; `written` adds the message's own words."""
    vocabulary: Mapping[str, str] = ChainMap(_vocabulary(), dict(written)) if written else _vocabulary()
    parts = [p for p in re.split(r"[-_.]+", label.lower()) if p]
    cuts = [_cut(part, vocabulary) for part in parts]
    if not any(cut and len(cut) > 1 for cut in cuts):
        return None
    pieces = [piece for part, cut in zip(parts, cuts, strict=True) for piece in cut or [part]]
    spelled = ["&" if p in _AMPERSAND else vocabulary.get(p, p) for p in pieces]
    return " ".join(
        w if i and w in _LOWER else w[:1].upper() + w[1:] for i, w in enumerate(spelled)
    )


def _cut(label: str, vocabulary: Mapping[str, str]) -> list[str] | None:
    """Fewest known pieces covering the label (dynamic programming over end positions)."""
    best: list[list[str] | None] = [[]] + [None] * len(label)
    for end in range(1, len(label) + 1):
        for start in range(max(0, end - MAX_WORD), end):
            piece, before = label[start:end], best[start]
            if before is None or not (piece in CONNECTORS or piece in vocabulary):
                continue
            if best[end] is None or len(before) + 1 < len(best[end] or ()):
                best[end] = [*before, piece]
    return best[len(label)]
