"""The organisation a signature names: "Responsable RH – Boulangerie Moreau".

A signature's last lines hold the sender's name, their title and their
employer, often on one line with dashes or bars. Parts that are a title (they
hold a role word), a person, a phone, an address or a link are skipped; what
remains, capitalised, is a candidate name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from carnet.classify.names import clean_company, is_title, looks_like_person
from carnet.classify.tables import extraction, lexicons
from carnet.classify.text import fold

TAIL_LINES = 8
_PARTS = re.compile(r"\s+[-–—|·•]\s+|\s*\|\s*|,\s+")
_NOT_A_NAME = re.compile(r"@|https?:|www\.|\d{2}|:\s*$|[.!?]\s*$")
_MAX_WORDS = 8
_NAME_WORD = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'’][A-ZÀ-Ý][a-zà-ÿ]+)?")


def signature_names(body: str, sender: str) -> Iterator[str]:
    """Candidate names in the last lines of `body`, nearest the end last; the signer's own
    name, the line right after a sign-off ("Best,\nHarriet Cole"), is a person's, not one."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    start = max(len(lines) - TAIL_LINES, 0)
    for index in range(start, len(lines)):
        line = lines[index]
        if len(line.split()) > _MAX_WORDS * 2 or (index and _signer(line, lines[index - 1])):
            continue
        for part in _PARTS.split(line):
            if _is_name_part(part, sender):
                name = clean_company(part)
                if name:
                    yield name


def _is_name_part(part: str, sender: str) -> bool:
    words = part.split()
    if not words or len(words) > _MAX_WORDS or not part[0].isupper() or _NOT_A_NAME.search(part):
        return False
    return not (fold(part) in fold(sender) or looks_like_person(part) or is_title(part))


def _signer(line: str, before: str) -> bool:
    """A person's name of two or three capitalised words under a sign-off ("Cordialement,"
    "Kind regards"): no word of it is a trade, a kind of firm or a connector, as in
    "Boulangerie Moreau" or "The Anchor Inn"."""
    words = line.split()
    if not 2 <= len(words) <= 3 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return False
    tables = extraction()
    folded = [fold(w) for w in words]
    business = tables.business_heads | tables.business_tails | tables.company_words | tables.trade_descriptors
    if any(w in business or w in tables.generic_name_words or w in tables.role_words for w in folded):
        return False
    sign_offs = (p for lexicon in lexicons() for p in lexicon.signature_starts)
    return any(p.match(fold(before)) for p in sign_offs)
