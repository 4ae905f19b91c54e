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
_PROSE_WORDS = 5
_SIGNER_AT = re.compile(r"(?P<first>[A-ZÀ-Ý][a-zà-ÿ]+)\s+(?:@|at|chez|from)\s+(?P<company>[A-ZÀ-Ý0-9].{1,60})")
_CONNECTORS = frozenset({"de", "du", "des", "la", "le", "les", "et", "d'", "l'", "of", "and", "the", "&", "en", "sur"})
_NAME_WORD = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'’][A-ZÀ-Ý][a-zà-ÿ]+)?")
# A short mail's greeting may sit among its last lines ("Bonjour Kevin"): it names the reader.
_GREETING = re.compile(r"(?:bonjour|bonsoir|salut|coucou|hello|hi|hey|dear|cher|chere|madame|monsieur)\b")


def signature_names(body: str, sender: str) -> Iterator[str]:
    """Candidate names in the last lines of `body`, nearest the end last; the signer's own
    name, the line right after a sign-off ("Best,\nHarriet Cole"), is a person's, not one."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    start = max(len(lines) - TAIL_LINES, 0)
    for index in range(start, len(lines)):
        line = lines[index]
        if len(line.split()) > _MAX_WORDS * 2 or (index and _signer(line, lines[index - 1])) \
                or _GREETING.match(fold(line)) or _prose(line):
            continue
        signer_at = _SIGNER_AT.fullmatch(line)
        if signer_at and fold(signer_at.group("first")) in extraction().first_names:
            line = signer_at.group("company")  # "Claire @ The Liffey Arms Hotel"
        for part in _PARTS.split(line):
            if _is_name_part(part, sender):
                name = clean_company(part)
                if name:
                    yield name


def _prose(line: str) -> bool:
    """"Désolée, le poste a été pourvu." — a sentence of the letter, not a line of its signature."""
    return len(line.split()) >= _PROSE_WORDS and line.rstrip()[-1:] in ".!?"


def _is_name_part(part: str, sender: str) -> bool:
    words = part.split()
    if not words or len(words) > _MAX_WORDS or not part[0].isupper() or _NOT_A_NAME.search(part) \
            or _sentence(words):
        return False
    return not (fold(part) in fold(sender) or looks_like_person(part) or is_title(part))


def _sentence(words: list[str]) -> bool:
    """"Ne vous découragez pas", "Se désinscrire", "Chauffeur poids lourd": as many lower-case
    words as capitalised ones, connectors aside, make a sentence, a link or a trade, not a name;
    a body's or a business's head may go on in lower case ("Centre hospitalier de Vannes")."""
    tables = extraction()
    if fold(words[0]) in tables.institution_words or fold(words[0]) in tables.business_heads:
        return False
    lower = sum(1 for w in words[1:] if w[:1].islower() and fold(w) not in _CONNECTORS)
    return lower > 0 and lower >= sum(1 for w in words if w[:1].isupper())


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
