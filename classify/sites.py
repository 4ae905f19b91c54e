"""Sites and divisions: the words after a brand are a place or part of the name.

"Geodis Corbas", "Kiabi Marseille La Valentine" and "Barrière La Baule" name a brand
and the site that writes; "Capgemini Invent", "Eiffage Construction" and "Safran
Landing Systems" name the employer itself. No list of companies tells them apart;
the message does: a place is what it writes after "à", "site de", "based in", after
a postcode or before a département number ("Marseille (13)"), what the sender's
mailbox spells after its brand (`recrutement.labaule@…` for "Barrière La Baule"),
or a city or region of the trailing-words table. Anything else after a brand is
taken as part of the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from carnet.classify.names import letters
from carnet.classify.tables import extraction
from carnet.classify.text import fold

_WORD = r"[A-ZÀ-Ý][\w'’]*(?:-[\w'’]+)*"
_SPAN = rf"(?P<place>{_WORD}(?:[ ]{_WORD}){{0,2}})"
_BEFORE = (
    r"(?i:\bà|\bprès de|\b(?:site|agence|magasin|plateforme|usine|entrepôt|dépôt|établissement|antenne)\s+(?:de|d['’])"
    r"|\b(?:based|located|offices?|site|campus)\s+in)\s*"
)
_PLACE_SPANS = re.compile(rf"(?:{_BEFORE}|\b\d{{5}}\s+|\b\d{{2}}\s+-\s+){_SPAN}")
_NUMBERED = re.compile(rf"{_SPAN}\s+\(\d{{2,3}}\)")
_LOCAL_TOKENS = re.compile(r"[._+-]+")
_ARTICLES = frozenset({"la", "le", "les", "l", "the"})
_CONNECTORS = frozenset({"de", "du", "des", "d'", "d’", "of", "in", "at", "sur", "en", "lès", "lez", "à"})
_MAX_PLACE_WORDS = 3


def places_in(text: str, local_part: str = "", display: str = "") -> frozenset[str]:
    """What the message presents as places, as folded letters ("labaule", "corbas"):
    each capitalised span the text introduces as a place, and each of its first words
    ("à Lyon Corbas" → "lyon", "lyoncorbas"); and the tokens of the sender's local part
    that the end of its display name spells ("Agence Lyon Corbas" <agence.lyon-corbas@…>)."""
    found: set[str] = set()
    for match in (*_PLACE_SPANS.finditer(text), *_NUMBERED.finditer(text)):
        words = match.group("place").split()
        found.update(letters(" ".join(words[:size])) for size in range(1, len(words) + 1)
                     if size > 1 or fold(words[0]) not in _ARTICLES)
    found.update(_mailbox_site(local_part, display))
    return frozenset(found)


def _mailbox_site(local_part: str, display: str) -> Iterator[str]:
    """The end of a display name that the local part spells when the brand before it is
    not in the local part: `recrutement.labaule@…` "Recrutement Barrière La Baule" → "labaule";
    not `garage.moreau@…` "Garage Moreau", a business named after its owner."""
    tokens = {t for t in _LOCAL_TOKENS.split(local_part.lower()) if len(t) >= 3}
    words = display.split()
    for size in range(1, min(_MAX_PLACE_WORDS, len(words) - 1) + 1):
        tail = letters(" ".join(words[-size:]))
        if tail in tokens and any(letters(word) not in tokens for word in words[:-size]):
            yield tail


def is_place(words: Sequence[str], places: frozenset[str]) -> bool:
    """The words together name a place: the message says so, or the table of cities and regions
    ("Group", in the same table for `clean_company`, is no place)."""
    joined = " ".join(words)
    folded = fold(joined).strip(".,")
    tables = extraction()
    return letters(joined) in places or (folded in tables.trailing_words and folded not in tables.group_heads)


def holds_place(words: Sequence[str], places: frozenset[str]) -> bool:
    """Some run of the words is a place ("Logistics Lyon Corbas")."""
    return any(
        is_place(words[start:start + size], places)
        for start in range(len(words))
        for size in range(1, min(_MAX_PLACE_WORDS, len(words) - start) + 1)
    )


def without_site(name: str, places: frozenset[str]) -> str:
    """The name without the places that end it ("Hôtel Barrière Le Royal La Baule" →
    "Hôtel Barrière Le Royal"); a name that is only a place is left whole, and so is a
    place joined to the name ("Mairie de Vertou"), and so is a name whose place would leave
    only a generic head ("Groupe Hestial" from `hestial@myworkday.com` is no "Groupe")."""
    words = name.split()
    changed = True
    while changed:
        changed = False
        for size in range(min(_MAX_PLACE_WORDS, len(words) - 1), 0, -1):
            if (is_place(words[-size:], places) and fold(words[-size - 1]) not in _CONNECTORS
                    and not _only_heads(words[:-size])):
                words, changed = words[:-size], True
                break
    return " ".join(words)


def _only_heads(words: Sequence[str]) -> bool:
    tables = extraction()
    return all(letters(w) in tables.generic_name_words or fold(w) in tables.business_heads for w in words)
