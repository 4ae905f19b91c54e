"""A found name as the message itself writes it out in full.

A sender often shows a short or shouted form of the employer ("CH Kerlaouen",
"DELORME FRERES SA" in a legal footer) while its signature writes the name a person
uses ("Centre hospitalier de Kerlaouen", "Banque Delorme Frères"). Both rewrites
need the message to spell the longer form: nothing is expanded from a table alone.
"""

from __future__ import annotations

import re

from carnet.classify.names import clean_company, letters, names_in
from carnet.classify.tables import extraction
from carnet.classify.text import fold

_MAX_EXTRA_WORDS = 1
_ACRONYM = re.compile(r"[A-Z]{3,6}")
_WORD = re.compile(r"[^\W\d_][\w-]*")
_SKIPPED = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "of", "the", "and"})


def as_written(name: str, text: str) -> str:
    """`name` with a public body's abbreviation or an acronym spelled out, or in the case and
    the spacing the text uses."""
    return (_spelled_out(name, text) or _acronym_spelled(name, text) or _mixed_case(name, text)
            or _same_letters(name, text) or name)


def _acronym_spelled(name: str, text: str) -> str | None:
    """"ANVN" → "Agence nationale des Voies navigables": the first run of words of the text,
    from a capitalised one, whose initials (articles and "de" aside) spell the acronym. The
    initials vouch for it, so a long public name is kept even past the usual word limit."""
    if not _ACRONYM.fullmatch(name):
        return None
    for line in text.splitlines():
        words = list(_WORD.finditer(line))
        for start, first in enumerate(words):
            if not first.group()[:1].isupper() or first.group()[:1] != name[0]:
                continue
            initials, end = "", start
            for end in range(start, len(words)):
                word = words[end].group()
                if fold(word) not in _SKIPPED:
                    initials += word[0].upper()
                if len(initials) >= len(name):
                    break
            if initials == name and end > start:
                spelled = line[first.start():words[end].end()]
                return clean_company(spelled) or spelled
    return None


def _same_letters(name: str, text: str) -> str | None:
    """"Clinique Saint Hilaire de Spins" (a domain cut into words) → "Clinique Saint-Hilaire
    des Pins", "BRIOCHE & CIE" → "Brioche & Compagnie": a span of the text that spells the
    same letters, abbreviations read in full, in another form; the text's form wins. A span
    may spell only the end, after the name's head ("garage Dupuy-Ferrand" for "Garage
    Dupuyferrand")."""
    words = name.split()
    target = _long_letters(name)
    for span in names_in(text):
        spelled = _long_letters(span)
        if span == name or not spelled or not target.endswith(spelled):
            continue
        head = words[:-len(span.split())] if spelled != target else []
        if spelled == target or _long_letters(" ".join(head)) + spelled == target:
            return clean_company(" ".join((*head, span)))
    return None


def _long_letters(name: str) -> str:
    abbreviations = extraction().name_abbreviations
    return letters(" ".join(abbreviations.get(fold(word).strip("."), word) for word in name.split()))


def _spelled_out(name: str, text: str) -> str | None:
    """"CH Kerlaouen" → "Centre hospitalier de Kerlaouen" when the text writes that."""
    head, _, rest = name.partition(" ")
    long_form = extraction().public_abbreviations.get(head.upper())
    if not long_form or not rest or head != head.upper():
        return None
    pattern = rf"\b{re.escape(fold(long_form))}\s+(?:de\s+|d'|du\s+|des\s+|de\s+la\s+)?{re.escape(fold(rest))}\b"
    match = re.search(pattern, fold(text))
    return clean_company(text[match.start():match.end()]) if match else None


def _mixed_case(name: str, text: str) -> str | None:
    """"DELORME FRERES" → "Banque Delorme Frères": a span of the text that is not in capitals,
    holds the name's words (accents aside) and at most one more before them; the longest."""
    words = fold(name).split()
    if len(words) < 2 or name != name.upper():
        return None
    found = []
    for span in names_in(text):
        spelled = fold(span).split()
        extra = len(spelled) - len(words)
        if span != span.upper() and 0 <= extra <= _MAX_EXTRA_WORDS and spelled[extra:] == words:
            found.append(span)
    return clean_company(max(found, key=len)) if found else None
