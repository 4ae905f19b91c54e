"""The employer's name as a person writes it: not the ATS, not the job board, no legal form."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from classify.facts import Facts
from classify.tables import Relay, extraction, relays
from classify.text import fold, normalize_name
from ingest.message import Address

_SEPARATOR = re.compile(r"\s[-–—|]\s|[.!?;]\s|,\s")
_CONNECTORS = frozenset({"de", "du", "des", "la", "le", "et", "of", "and", "the", "for", "&", "à", "a"})
_EDGE_PUNCTUATION = " \t\"'“”«»<>()[]{}.,;:!?-–—|/*_"


def clean_company(raw: str | None) -> str | None:
    """A plausible company name from a raw candidate, or None."""
    if not raw:
        return None
    words = _SEPARATOR.split(raw)[0].strip(_EDGE_PUNCTUATION).split()
    tables = extraction()
    dropped = tables.legal_suffixes | tables.department_words | tables.trailing_words | _CONNECTORS
    while len(words) > 1 and _key(words[-1]) in dropped:
        words.pop()
    name = " ".join(words).strip(_EDGE_PUNCTUATION)
    return name if _plausible(name) else None


def _key(word: str) -> str:
    return fold(word).strip(_EDGE_PUNCTUATION).replace(".", "")


def _plausible(name: str) -> bool:
    key = normalize_name(name)
    tables = extraction()
    if not key or len(name) > 60 or len(key.split()) > 6 or not any(c.isalpha() for c in key):
        return False
    if key in tables.company_stopwords or key.split()[0] in tables.leading_stopwords:
        return False
    return key not in _relay_names()


def _relay_names() -> frozenset[str]:
    return frozenset(normalize_name(relay.name) for relay in relays())


def from_display_name(name: str) -> str | None:
    """"Decathlon Recrutement", "Acme via Greenhouse", "Talent Acquisition - Acme" → the company."""
    for pattern in extraction().display_name:
        match = pattern.match(name.strip())
        if match:
            return clean_company(match.group("company"))
    return None


def registrable_label(domain: str) -> str:
    """"mail.acme-group.co.uk" → "acme-group"."""
    labels = domain.lower().split(".")
    size = 3 if ".".join(labels[-2:]) in extraction().two_part_suffixes else 2
    return labels[-size] if len(labels) >= size else labels[0]


def tenant(address: Address, relay: Relay) -> str | None:
    """The employer's tenant name in a relay address: subdomain first, then local part."""
    infrastructure = extraction().infrastructure_labels
    relay_domain = next((d for d in relay.domains if address.domain.endswith(d)), "")
    labels = address.domain[: -len(relay_domain)].strip(".").split(".") if relay_domain else []
    if "subdomain" in relay.company_in:
        for label in labels:
            if label and label not in infrastructure and not re.fullmatch(r"wd\d+|\d+", label):
                return label
    local = address.email.partition("@")[0]
    if "local_part" in relay.company_in and local not in infrastructure and "reply" not in local:
        return local
    return None


def prettify_label(label: str) -> str:
    """A domain label as a name: "sncf" → "SNCF", "acme-group" → "Acme Group"."""
    words = re.split(r"[-_.]+", label)
    return " ".join(w.upper() if _acronym(w) else w.capitalize() for w in words if w)


def _acronym(word: str) -> bool:
    return len(word) <= 3 or not re.search(r"[aeiouy]", word[1:])


def surface_in(label: str, texts: Sequence[str]) -> str | None:
    """How `label` is written in the texts ("bnpparibas" → "BNP Paribas"), if it is."""
    letters = [re.escape(c) for c in label.replace("-", "").replace("_", "") if c.isalnum()]
    if len(letters) < 2:
        return None
    spelled = r"[\s.&'-]?".join(letters).replace(r"a[\s.&'-]?n[\s.&'-]?d", r"\s*(?:and|&|et)\s*")
    pattern = re.compile(r"(?<!\w)" + spelled + r"(?!\w)")
    for text in texts:
        match = pattern.search(fold(text))
        if match:
            return text[match.start() : match.end()]
    return None


def from_patterns(texts: Iterable[str], extra: Sequence[re.Pattern[str]] = ()) -> Iterator[str]:
    """Names introduced by "chez X", "au sein de X", "at X", "the X team"…"""
    patterns = (*extra, *extraction().company)
    for text in texts:
        for pattern in patterns:
            for match in pattern.finditer(text):
                name = clean_company(match.group("company"))
                if name:
                    yield name


def from_domain(domain: str, texts: Sequence[str]) -> str | None:
    """The employer of a non-relay, non-personal domain, as the texts write it."""
    if domain in extraction().personal_domains or not domain:
        return None
    label = registrable_label(domain)
    if label in extraction().infrastructure_labels:
        return None
    return clean_company(surface_in(label, texts)) or clean_company(prettify_label(label))


def rule_company(facts: Facts) -> str | None:
    """The company found by rules and tables, or None (spaCy may find it later)."""
    party = facts.counterpart
    texts = (facts.message.subject, facts.body.decisive[:3000], facts.body.full[:4000])
    if party is None:
        return next(from_patterns(texts), None)
    if facts.relay is not None:
        return _relay_company(facts, party, facts.relay, texts)
    return _direct_company(party, texts, facts.message.text[:6000])


def _relay_company(facts: Facts, party: Address, relay: Relay,
                   texts: Sequence[str]) -> str | None:
    if "display_name" in relay.company_in and party.name:
        found = from_display_name(party.name)
        if found:
            return found
    label = tenant(party, relay)
    if label:
        return clean_company(surface_in(label, (party.name, *texts))) or prettify_label(label)
    sources = [t for key, t in (("subject", texts[0]), ("body", texts[1]), ("body", texts[2]))
               if key in relay.company_in]
    found = next(from_patterns(sources, (*relay.subject_patterns, *relay.body_patterns)), None)
    if found or relay.kind != "ats" or "display_name" not in relay.company_in:
        return found
    return clean_company(party.name)


def _direct_company(party: Address, texts: Sequence[str], whole: str) -> str | None:
    """An employer writing from its own domain; its display name or texts say how it is written.

    The quoted history (`whole`) may spell the name out too: it is read for that only.
    """
    label = registrable_label(party.domain) if party.domain else ""
    shown = from_display_name(party.name) if party.name else None
    if shown and same_as_label(shown, label):
        return shown
    if party.domain not in extraction().personal_domains:
        named = next((n for n in from_patterns(texts) if same_as_label(n, label)), None)
        found = named or from_domain(party.domain, (party.name, *texts, whole))
        if found:
            return found
    return shown or next(from_patterns(texts), None)


def same_as_label(name: str, label: str) -> bool:
    """"Acme" and "acme-group", "BNP Paribas" and "bnpparibas" name the same company."""
    compact = normalize_name(name).replace(" ", "")
    target = re.sub(r"[-_.]", "", label)
    if not compact or not target:
        return False
    return compact == target or (len(compact) >= 3 and target.startswith(compact)) or (
        len(target) >= 3 and compact.startswith(target)
    )


def from_entities(entities: Sequence[tuple[str, str]], facts: Facts) -> str | None:
    """The first ORG entity that is a plausible name (spaCy fallback)."""
    for text, label in entities:
        if label == "ORG":
            name = clean_company(text)
            if name:
                return name
    return None
