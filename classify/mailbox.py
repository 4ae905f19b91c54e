"""Names a mailbox spells: a small business's personal address and an office's domain.

A bakery or a brasserie often recruits from a webmail address whose local part
is its name (`brasserielelutetia.rh@gmail.com`, `boulangerie.martin.aubagne@…`);
a firm's office may add its city to the domain (`fiducial-versailles.fr`). Both
are read here without I/O, from the address and the message's own text.
"""

from __future__ import annotations

import re

from carnet.classify.segment import segment_label
from carnet.classify.tables import extraction
from carnet.classify.text import fold

_TOKENS = re.compile(r"[._+-]+")
_WORDS = re.compile(r"[^\W\d_]+")
_PLACE_BEFORE = r"(?:\b(?:a|sur|pres de|region de)|\b\d{5})\s+"


def mailbox_name(local_part: str, text: str) -> str | None:
    """The business a local part names when it starts with a trade ("boulangerie"):
    the trade, the next word, and the words after it that the text writes too (a
    town the text never mentions is left out). None for a person's mailbox."""
    tables = extraction()
    skipped = tables.infrastructure_labels | tables.department_words
    tokens = [t for t in _TOKENS.split(local_part.lower()) if t and t not in skipped and not t.isdigit()]
    if not tokens:
        return None
    head = next((h for h in tables.business_heads if tokens[0].startswith(h)), None)
    if head is None:
        return None
    if tokens[0] != head:
        return segment_label(tokens[0])
    if len(tokens) < 2:
        return None
    written = set(_WORDS.findall(fold(text)))
    kept = [head, tokens[1]]
    for token in tokens[2:]:
        if token not in written:
            break
        kept.append(token)
    return " ".join(word.capitalize() for word in kept)


def without_places(label: str, text: str) -> str:
    """A hyphenated domain label without the trailing parts the text writes as a place
    ("fiducial-versailles" → "fiducial" when the text says "à Versailles" or "78000
    Versailles"); a public body's label ("mairie-reze") is left whole."""
    parts = label.split("-")
    if len(parts) < 2 or parts[0] in extraction().institution_domain_heads:
        return label
    folded = fold(text)
    while len(parts) > 1 and _is_place(parts[-1], folded):
        parts.pop()
    return "-".join(parts)


def _is_place(part: str, folded_text: str) -> bool:
    if part in extraction().trailing_words:
        return True
    return len(part) >= 3 and re.search(rf"{_PLACE_BEFORE}{re.escape(part)}\b", folded_text) is not None
