"""Domain labels cut into words: "reseauactionclimat" → "Réseau Action Climat".

The last resort for a company name is its domain label. Written as one word it
reads badly ("Lestilleuls"); spaCy's French vocabulary (already loaded for the
entities) knows most words of French and English names, with their accents. A
label is cut only when every piece is a known word of five letters or more, or
a connector ("les", "du", "and"), fewest pieces first; otherwise it is left whole.
"""

from __future__ import annotations

import re
from functools import cache

from classify.nlp import pipeline
from classify.text import fold

MIN_WORD = 5
MAX_WORD = 15
CONNECTORS = frozenset({"de", "du", "des", "la", "le", "les", "et", "of", "and", "the"})
_AMPERSAND = frozenset({"and", "et"})
_LOWER = frozenset({"de", "du", "des", "la", "le", "et", "of", "and", "the"})


@cache
def _vocabulary() -> dict[str, str]:
    """Folded word → its spelling: accented only when the vocabulary lacks the plain form
    ("reseau" → "réseau", but "agence" stays "agence", not "agencé"). "and" and "et" between
    two words stand for "&", which a domain cannot spell."""
    words: dict[str, str] = {}
    for string in pipeline().vocab.strings:
        if string.isalpha() and string.islower() and MIN_WORD <= len(string) <= MAX_WORD:
            folded = fold(string)
            if folded.isascii() and (folded not in words or string == folded):
                words[folded] = string
    return words


def segment_label(label: str) -> str | None:
    """The label as words ("ehpad-lestilleuls" → "Ehpad Les Tilleuls"), or None when no
    part of it can be cut into known words."""
    parts = [p for p in re.split(r"[-_.]+", label.lower()) if p]
    cuts = [_cut(part) for part in parts]
    if not any(cut and len(cut) > 1 for cut in cuts):
        return None
    vocabulary = _vocabulary()
    pieces = [piece for part, cut in zip(parts, cuts, strict=True) for piece in cut or [part]]
    spelled = ["&" if p in _AMPERSAND else vocabulary.get(p, p) for p in pieces]
    return " ".join(
        w if i and w in _LOWER else w[:1].upper() + w[1:] for i, w in enumerate(spelled)
    )


def _cut(label: str) -> list[str] | None:
    """Fewest known pieces covering the label (dynamic programming over end positions)."""
    vocabulary = _vocabulary()
    best: list[list[str] | None] = [[]] + [None] * len(label)
    for end in range(1, len(label) + 1):
        for start in range(max(0, end - MAX_WORD), end):
            piece, before = label[start:end], best[start]
            if before is None or not (piece in CONNECTORS or piece in vocabulary):
                continue
            if best[end] is None or len(before) + 1 < len(best[end] or ()):
                best[end] = [*before, piece]
    return best[len(label)]
