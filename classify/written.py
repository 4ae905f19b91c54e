"""A found name as the message itself writes it out in full.

A sender often shows a short or shouted form of the employer ("CH Kerlaouen",
"DELORME FRERES SA" in a legal footer) while its signature writes the name a person
uses ("Centre hospitalier de Kerlaouen", "Banque Delorme Frères"). Both rewrites
need the message to spell the longer form: nothing is expanded from a table alone.
"""

from __future__ import annotations

import re

from classify.names import clean_company, names_in
from classify.tables import extraction
from classify.text import fold

_MAX_EXTRA_WORDS = 1


def as_written(name: str, text: str) -> str:
    """`name` with a public body's abbreviation spelled out, or in the case the text uses."""
    return _spelled_out(name, text) or _mixed_case(name, text) or name


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
