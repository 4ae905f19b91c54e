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
from carnet.classify.text import fold

TAIL_LINES = 8
_PARTS = re.compile(r"\s+[-–—|·•]\s+|\s*\|\s*|,\s+")
_NOT_A_NAME = re.compile(r"@|https?:|www\.|\d{2}|:\s*$|[.!?]\s*$")
_MAX_WORDS = 8


def signature_names(body: str, sender: str) -> Iterator[str]:
    """Candidate names in the last lines of `body`, nearest the end last."""
    lines = [line.strip() for line in body.splitlines() if line.strip()][-TAIL_LINES:]
    for line in lines:
        if len(line.split()) > _MAX_WORDS * 2:
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
