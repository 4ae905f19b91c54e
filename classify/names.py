"""Names as mail writes them: cleaning a candidate, telling a person from an
organisation, and matching a name against a domain label.

`clean_company` turns a raw span ("Acme SAS Recrutement", "Havas Paris") into the
name a person would write ("Acme", "Havas"). `label_match` says how well a name
spells a domain label, letters only, so that "L'Oréal" matches `loreal`,
"Back Market" `backmarket` and "Datadog" `datadoghq`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache

from carnet.classify.tables import ORG, extraction, relays
from carnet.classify.text import fold, normalize_name
from carnet.ingest.alignment import organizational_domain
from rapidfuzz import fuzz

_SEPARATOR = re.compile(r"\s[-–—|·]\s|[.!?;]\s|,\s|\s\(")
_CONNECTORS = frozenset({"de", "du", "des", "la", "le", "et", "of", "and", "the", "for", "&", "a"})
_EDGE = " \t\"'“”«»<>()[]{}.,;:!?-–—|/*_·"
_NAME_SPAN = re.compile(ORG)
_MAX_DECORATION_WORDS = 3
_ARTICLES = frozenset({"le", "la", "les", "the"})
_PLACE_JOINTS = frozenset({"de", "du", "des"})
_POSTCODE = re.compile(r"\d{5}\s")

EXACT, CLOSE, PREFIX, INSIDE = 4, 3, 2, 1
CLOSE_RATIO = 88


@lru_cache(maxsize=4096)
def clean_company(raw: str | None) -> str | None:
    """A plausible company name from a raw candidate, or None; an address line ("69400 Villeneuve")
    is not one."""
    if not raw or _POSTCODE.match(raw.strip()):
        return None
    words = _SEPARATOR.split(raw.strip())[0].strip(_EDGE).split()
    words = _strip_decorations(_strip_leading(_strip_article(words)))
    name = " ".join(words).strip(_EDGE)
    return name if plausible(name) else None


def split_parts(raw: str) -> list[str]:
    """"Secrétariat de Direction - Groupe Lacroix" → its two parts."""
    return [part for part in _SEPARATOR.split(raw.strip()) if part.strip(_EDGE)]


def _strip_article(words: list[str]) -> list[str]:
    """"La Mairie de Rezé" → "Mairie de Rezé": an article before a generic head is the
    sentence's, not the name's ("Les Restos du Cœur" keeps its own)."""
    heads = extraction().generic_name_words | extraction().institution_words
    if len(words) > 2 and _key(words[0]) in _ARTICLES and _key(words[1]) in heads:
        return words[1:]
    return words


def _strip_leading(words: list[str]) -> list[str]:
    """"Service RH Geodis" → "Geodis": a department named before the employer."""
    leading = extraction().leading_decorations
    while len(words) > 1 and _key(words[0]) in leading:
        words = words[1:]
    return words


def _strip_decorations(words: list[str]) -> list[str]:
    """Drop legal forms, departments, countries and cities from the end, one phrase at a time;
    "& Co" is part of the name ("Pebble & Co"), not a legal form, and so is "Group" after a
    name of two words or more ("Veldt Insurance Group"; "Ocado Group" is "Ocado")."""
    tables = extraction()
    dropped = tables.legal_suffixes | tables.department_words | tables.trailing_words | _CONNECTORS
    changed = True
    while changed and len(words) > 1:
        changed = False
        for size in range(min(_MAX_DECORATION_WORDS, len(words) - 1), 0, -1):
            if " ".join(_key(w) for w in words[-size:]) in dropped and not _after_ampersand(words, size) \
                    and not _group_of_long_name(words, size) and not _place_of_own_name(words, size) \
                    and not _place_of_public_body(words, size) and not _company_word_of_name(words, size):
                words, changed = words[:-size], True
                break
    return words


def _after_ampersand(words: Sequence[str], size: int) -> bool:
    """The last `size` words are one name word after "&" ("& Co", "& Cie", "& Sons")."""
    return size == 1 and len(words) > 2 and words[-2] == "&" and words[-1][:1].isupper()


def _place_of_own_name(words: Sequence[str], size: int) -> bool:
    """"du Rhône" in "Les Ateliers du Rhône": a region joined by "du"/"de" to a name that
    starts with its own article is the name's, not a site to drop ("Les Ateliers" alone
    names nothing)."""
    before = len(words) - size - 1
    return before >= 2 and _key(words[before]) in _PLACE_JOINTS and _key(words[0]) in _ARTICLES


def _place_of_public_body(words: Sequence[str], size: int) -> bool:
    """"de Nantes" in "Mairie de Nantes": a public body is named by its place ("Ville de
    Rennes", "Département de la Loire"); without it the head names nothing."""
    tables = extraction()
    tail = " ".join(_key(w) for w in words[-size:])
    return _key(words[0]) in tables.institution_words and tail not in tables.department_words \
        and tail not in tables.legal_suffixes and any(_key(w) in _PLACE_JOINTS for w in words[1:-size])


def _company_word_of_name(words: Sequence[str], size: int) -> bool:
    """"Corp" in "Evil Corp": an English word for a company after a single name word is part
    of how the name is said, not a registered form to drop ("Initech Inc" is "Initech")."""
    return size == 1 and len(words) == 2 and _key(words[-1]) in extraction().company_words


def _group_of_long_name(words: Sequence[str], size: int) -> bool:
    """The last word is "Group" after two words or more: part of the name as written."""
    return size == 1 and len(words) > 2 and _key(words[-1]) in extraction().group_heads


def _key(word: str) -> str:
    return fold(word).strip(_EDGE).replace(".", "")


def plausible(name: str) -> bool:
    """Not a phrase, not a stopword, not a relay, not too long."""
    key = normalize_name(name)
    tables = extraction()
    if not key or len(name) > 60 or len(key.split()) > 6 or not any(c.isalpha() for c in key):
        return False
    if key in tables.company_stopwords or key in tables.department_words or _phrase_start(name):
        return False
    if _unbalanced(name) or _furniture(key):
        return False
    return key not in relay_names() and not is_service(key)


def _unbalanced(name: str) -> bool:
    """"Employé(e": a fragment cut inside brackets, no name."""
    return name.count("(") != name.count(")") or name.count("[") != name.count("]")


def _furniture(key: str) -> bool:
    """"Privacy", "Unsubscribe Help", "Please Docusign": a page's furniture, with nothing but
    stopwords and platforms' names beside it, is no company ("La Poste" has no furniture)."""
    tables = extraction()
    words = [w for w in key.replace("&", " ").split() if w not in _CONNECTORS]
    common = tables.furniture_words | tables.company_stopwords | relay_names()
    return any(w in tables.furniture_words for w in words) and all(w in common for w in words)


def is_service(name: str) -> bool:
    """"Recrutement et Mobilité", "Talents & Carrières": a department's name, nothing else."""
    words = [w for w in normalize_name(name).replace("&", " ").split() if w not in _CONNECTORS]
    return bool(words) and all(w in extraction().service_words for w in words)


def _phrase_start(name: str) -> bool:
    """Starts like a phrase ("Votre candidature", "Le poste"), not like "Les Restos du Cœur"."""
    words = name.split()
    first = fold(words[0]).strip(_EDGE)
    if first not in extraction().leading_stopwords:
        return False
    return first not in _ARTICLES or len(words) < 2 or not words[1][:1].isupper()


@cache
def relay_names() -> frozenset[str]:
    """Platforms that are never the employer (a staffing agency may be)."""
    return frozenset(normalize_name(r.name) for r in relays() if r.kind != "agency")


def looks_like_person(name: str, local_part: str = "") -> bool:
    """"Rachel Kim", "Mrs. Helen Carter", "Claire Perrin IDEC" <idec@…>: a person, not an employer.

    A person's display name starts with a known first name, or its words are the
    address's local part ("rachel.kim", "m.deschamps", "hcarter"); a name that starts
    with a trade ("Garage Moreau" <garage.moreau@…>) or ends with one ("Océane Habitat") is a business's.
    """
    tables = extraction()
    words = [w for w in re.split(r"[\s,]+", name.strip()) if w and _key(w) not in tables.honorifics]
    if not words or len(words) > 4 or not all(w[0].isupper() for w in words):
        return False
    folded = [_key(w) for w in words]
    if folded[0] in tables.business_heads or (len(folded) > 1 and folded[-1] in tables.business_tails):
        return False
    if folded[0].split("-")[0] in tables.first_names:
        return True
    return _local_part_names(folded, local_part.lower())


def is_title(text: str) -> bool:
    """"Responsable RH", "Talent Acquisition Partner", "Cadre de santé USC": a role, not a name."""
    words = [fold(w).strip(".,()'") for w in text.split()]
    if _public_body(words):
        return False
    roles = extraction().role_words
    return bool(words) and (words[0] in roles or words[-1] in roles)


def _public_body(words: Sequence[str]) -> bool:
    """"Département de la Loire": a public body's head and its place, unlike "Département RH"."""
    return len(words) > 2 and words[0] in extraction().institution_words and (
        words[1] in _PLACE_JOINTS or words[1].startswith("d'"))


def _local_part_names(folded: Sequence[str], local: str) -> bool:
    if not local or len(folded) < 2:
        return False
    tokens = set(re.split(r"[._+-]+", local))
    initials = {folded[0][:1] + folded[-1], folded[-1] + folded[0][:1]}
    # "Le Bihan Gwenaëlle" <g.lebihan@…>: a surname of several words is one token of the address;
    # all the words as one token is a business's name ("Les Petits Pas Verts" <lespetitspasverts.…>)
    runs = {"".join(folded[i:j]) for i in range(len(folded)) for j in range(i + 1, len(folded) + 1)
            if j - i < len(folded)}
    return any(run in tokens for run in runs if len(run) >= 3) or bool(tokens & initials)


@lru_cache(maxsize=8192)
def letters(text: str, ampersand: str = "") -> str:
    """Folded letters and digits only: how names are compared with domain labels.
    `ampersand` is what "&" stands for ("and", "et") in a domain that spells it."""
    text = fold(text).replace("œ", "oe").replace("æ", "ae").replace("&", ampersand)
    return "".join(c for c in text if c.isalnum())


_LEADING_ARTICLE = re.compile(r"^(?i:the|le|la|les)\s+|^(?i:l)['’]")


def spellings(name: str) -> set[str]:
    """The ways a domain label may spell a name: "Carter & Wells" → carterwells, carterandwells…;
    with or without its article ("The Old Mill Inn" → oldmillinn), which domains often drop."""
    bare = _LEADING_ARTICLE.sub("", name)
    return {letters(form, ampersand) for form in {name, bare} for ampersand in ("", "and", "et")}


def coverage(name: str, label: str) -> float:
    """How much of the longer of the two spellings the shorter covers."""
    sizes = sorted((len(letters(name)), len(letters(label))))
    return sizes[0] / sizes[1] if sizes[1] else 0.0


@lru_cache(maxsize=4096)
def label_match(name: str, label: str) -> int:
    """How well `name` spells the domain `label`: EXACT, CLOSE (a letter or two apart),
    PREFIX, INSIDE (one of its words is in the label) or 0."""
    target = letters(label)
    return max(_spelling_match(spelled, target, name) for spelled in spellings(name))


def _spelling_match(spelled: str, target: str, name: str) -> int:
    if not spelled or not target:
        return 0
    if spelled == target:
        return EXACT
    if fuzz.ratio(spelled, target) >= CLOSE_RATIO:
        return CLOSE
    if min(len(spelled), len(target)) >= 4 and (
        target.startswith(spelled) or spelled.startswith(target)
    ):
        return PREFIX
    generic = extraction().generic_name_words
    words = (letters(w) for w in name.split())
    return INSIDE if any(len(w) >= 5 and w in target and w not in generic for w in words) else 0


def names_in(text: str) -> Iterator[str]:
    """Capitalised spans that may be names ("Hôtel Barrière Le Royal", "L'Oréal")."""
    for match in _NAME_SPAN.finditer(text):
        yield match.group("company")


def registrable_label(domain: str) -> str:
    """"mail.acme-group.co.uk" → "acme-group", "rh.acme.com.mx" → "acme", "lumenor.example" →
    "lumenor"; "" when the domain is only a suffix ("example.com", "localhost"). A suffix
    is never a name: an unknown TLD counts as one (the Public Suffix List's default rule), and
    so do the reserved and documentation names of RFC 2606 and RFC 6761."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    size = _suffix_size(labels)
    return labels[-size - 1] if len(labels) > size else ""


def _suffix_size(labels: Sequence[str]) -> int:
    """How many trailing labels are a public or reserved suffix (at least the TLD)."""
    tables = extraction()
    if ".".join(labels[-2:]) in tables.reserved_domains or (len(labels) > 2 and labels[-2] in tables.reserved_tlds):
        return 2  # "lumenor.example.ca": a documentation name under a country's TLD is a suffix too
    if labels and labels[-1] in tables.reserved_tlds:
        return 1
    listed = len(organizational_domain(".".join(labels)).split(".")) - 1 if len(labels) > 1 else 1
    return max(listed, 2 if ".".join(labels[-2:]) in tables.two_part_suffixes else 1)


def prettify_label(label: str) -> str:
    """A domain label as a name: "sncf" → "SNCF", "acme-group" → "Acme Group", "admr94" → "ADMR"
    (a département number is not part of the name)."""
    words = re.split(r"[-_.]+", re.sub(r"(?<=[a-z])\d{1,3}$", "", label))
    return " ".join(w.upper() if _acronym(w) else w.capitalize() for w in words if w)


def _acronym(word: str) -> bool:
    return len(word) <= 3 or not re.search(r"[aeiouy]", word[1:])
