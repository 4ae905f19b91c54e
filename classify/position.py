"""The job title a message names, or None when it names none.

Explicit phrases first ("Candidature au poste de …", "Your application for the …
role", "pour le poste de …"), in the subject, the new body, then the quoted
history; then looser places: labelled fields ("Poste : …", "Position: …"), the
parts of a subject ("Datadog - Site Reliability Engineer"), a line that is a
title on its own (job boards' layouts), "… as Product Manager". Whatever its
source, a title must hold a job-title word from `extraction.toml` ("engineer",
"responsable", "aide-soignante"…): "next stage", "verbal" or "saison 2025" are
not positions. References, gender markers and tails (company, place, contract)
are cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from carnet.classify.facts import Facts
from carnet.classify.tables import extraction
from carnet.classify.text import Body, fold

_LEADING = re.compile(
    r"^(?:(?:l|d)['’]\s*|(?:le|la|les|un|une|de|du|des|notre|votre|ce|cette|the|a|an|our|your|"
    r"this|poste|position|role|job|spontan[ée]e|spontaneous|"
    r"offre d['’]emploi|offre|annonce|affichette)\s+)+",
    re.I,
)
_TRAILING = re.compile(
    r"(?:\s+(?:position|role|job|opening|vacancy|poste|offer|program|programme))+$", re.I
)
_COMMA_CLAUSE = re.compile(r",\s+(?=[a-zà-ÿ])")
_EDGE = " \t-–—|/,:;.*_\"'«»“”"
_MAX_WORDS = 10
_SUBJECT_PARTS = re.compile(r"\s+[-–—|]\s+|:\s+|\s*[!?]\s*")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_SIGNATURE_LINES = 4
_MAX_LINES = 40
_LINE_WORDS = 10
_LOOKBEHIND = 80
_SENTENCE_END = re.compile(r"[.!?;\n]")
_ABBREVIATION = re.compile(r"(?<![\w-])[A-Z]{2,5}(?![\w-])")
_COMMA_PART = re.compile(r",\s+(?=[A-ZÀ-Ý])")
_REFERENCE_HEAD = re.compile(
    r"^(?:offre|annonce|r[ée]f(?:[ée]rence)?|req|job|poste|vacancy)\s*(?:n°|no\.?|#|:)?\s*[A-Z0-9][\w-]*\d[\w-]*"
    r"\s*[-–—:|]\s+",
    re.I,
)


def extract_position(facts: Facts, company: str | None = None) -> str | None:
    """The job title, from explicit phrases first, then from looser places."""
    feminine = bool(extraction().feminine_cues.search(fold(facts.body.decisive[:1500])))
    position = _from_phrases(facts, feminine) or next(_from_layout(facts, company, feminine), None)
    return _as_headed(position, facts.message.subject) if position else None


def _as_headed(position: str, subject: str) -> str:
    """The title as the subject heads it ("Développeuse web junior") when a sentence wrote
    it in running lower case ("le poste de développeuse web junior"); as written otherwise."""
    if not position[:1].islower():
        return position
    match = re.search(rf"(?<!\w){re.escape(position)}(?!\w)", subject, re.I)
    return match.group(0) if match else position


def _from_phrases(facts: Facts, feminine: bool) -> str | None:
    tables = extraction()
    subject = _subject(facts)
    sources = (
        (subject, tables.subject_positions),
        (facts.body.decisive[:3000], tables.body_positions),
        (subject, tables.body_positions),
        (facts.message.text[:6000], tables.body_positions),
    )
    for text, patterns in sources:
        for pattern in patterns:
            position = _first_clean(pattern, text, feminine)
            if position:
                return position
    return None


def _subject(facts: Facts) -> str:
    return extraction().subject_prefixes.sub("", facts.message.subject)


def _first_clean(pattern: re.Pattern[str], text: str, feminine: bool, tries: int = 20) -> str | None:
    """The first match that cleans to a title; matches may overlap, so that a long
    implausible one ("for your interest in … for the X role") does not hide a short one.
    A title the sentence gives as a past job ("I worked two summers as a barista") is skipped."""
    start = 0
    for _ in range(tries):
        match = pattern.search(text, start)
        if match is None:
            return None
        position = None if _past_job(text, match.start()) else clean_position(match.group("position"), feminine)
        if position:
            return position
        start = match.start() + 1
    return None


def _past_job(text: str, start: int) -> bool:
    """The sentence before `start` speaks of experience ("j'ai travaillé 3 ans", "I worked")."""
    before = fold(text[max(0, start - _LOOKBEHIND) : start])
    sentence = _SENTENCE_END.split(before)[-1]
    return bool(extraction().past_experience.search(sentence))


def _from_layout(facts: Facts, company: str | None, feminine: bool) -> Iterator[str]:
    """Labelled fields, subject parts, a line that is a title, "as X" — cleaned, in order."""
    body = facts.body.full[:3000]
    tables = extraction()
    raw = (
        *(m.group("position") for p in tables.field_positions for m in p.finditer(body)),
        *_SUBJECT_PARTS.split(_subject(facts)),
        *_title_lines(facts.body),
    )
    for candidate in raw:
        position = clean_position(_without(candidate, company), feminine)
        if position:
            yield position


def _title_lines(body: Body) -> Iterator[str]:
    """Short lines of the new text that may be a title on their own (not the signature's),
    down to a job board's suggestions of other jobs."""
    lines = [line.strip() for line in body.decisive.splitlines()]
    signature = {line.strip() for line in body.full.splitlines()[-_SIGNATURE_LINES:]}
    heads = extraction().suggestion_heads
    for line in lines[:_MAX_LINES]:
        if fold(line).startswith(heads):
            return
        words = line.split()
        if 0 < len(words) <= _LINE_WORDS and line[0].isupper() and line not in signature \
                and not line.endswith((".", ",", ":")):
            yield line


def _without(text: str, company: str | None) -> str:
    """A subject part without the company's name and years ("Lazard 2025 Summer Analyst")."""
    text = _YEAR.sub(" ", text)
    if company:
        text = re.sub(rf"(?i)^\s*{re.escape(company)}\b|\b{re.escape(company)}\s*$", " ", text)
    return text


def clean_position(raw: str, feminine: bool = False) -> str | None:
    """Cut what follows the title (company, place, contract), references and gender markers,
    spell out a job abbreviation ("IDE", "SRE"); None unless what is left is a short phrase
    holding a job-title word."""
    text = spell_out(_cut_at_stops(_REFERENCE_HEAD.sub("", " ".join(raw.split()))), feminine)
    for pattern in extraction().position_cleanup:
        text = pattern.sub(" ", text)
    text = " ".join(text.split()).strip(_EDGE)
    text = _TRAILING.sub("", _LEADING.sub("", text)).strip(_EDGE)
    words = text.split()
    if len(text) < 2 or len(words) > _MAX_WORDS or not has_title_word(text) or _field_only(text) \
            or _contract_only(text):
        return None
    if fold(words[0]) in extraction().leading_stopwords:
        return None
    return None if fold(text) in extraction().position_rejected else text


def spell_out(text: str, feminine: bool = False) -> str:
    """"Responsable ADV" → "Responsable administration des ventes", "IDE" → "Infirmière":
    the title a logbook reader understands, in the seeker's gender where French marks it."""
    table = extraction().abbreviations

    def spelled(match: re.Match[str]) -> str:
        forms = table.get(match.group(0))
        return forms[int(feminine)] if forms else match.group(0)

    first = _ABBREVIATION.match(text)
    text = _ABBREVIATION.sub(spelled, text)
    return text[:1].upper() + text[1:] if first and first.group(0) in table else text


def has_title_word(text: str) -> bool:
    """Holds a word that names a job ("engineer", "chargée", "aide-soignante", "SRE")."""
    titles = extraction().title_words
    words = _WORDS.findall(fold(text))
    return any(w in titles or any(p in titles for p in w.split("-")) for w in words)


def _field_only(text: str) -> bool:
    """"marketing & content", "Data": a field or a team, not a job; an internship in a field
    ("Stage Data & Analytics") is a position."""
    tables = extraction()
    words = _WORDS.findall(fold(text))
    if any(w in tables.internship_words for w in words):
        return False
    titles = [p for w in words for p in (w, *w.split("-")) if p in tables.title_words]
    return all(t in tables.field_words for t in titles)


def _contract_only(text: str) -> bool:
    """"Alternance rentrée", "alternance nous intéresse": the kind of contract and other words,
    no job; "Stage Data & Analytics" or "apprenti mécanicien" name one."""
    tables = extraction()
    words = _WORDS.findall(fold(text))
    titles = [p for w in words for p in (w, *w.split("-")) if p in tables.title_words]
    return len(words) > 1 and all(t in tables.internship_words for t in titles)


def _cut_at_stops(text: str) -> str:
    """Cut at the first connector; a comma followed by a lower-case word, a place
    ("Commis de cuisine, Paris Marriott") or a contract ("Chauffeur poids lourd, CDI") ends the title too."""
    text = _COMMA_CLAUSE.split(text)[0]
    head, *rest = _COMMA_PART.split(text, maxsplit=1)
    after = fold(rest[0]).split()[:1] if rest else []
    if after and after[0] in extraction().trailing_words | _CONTRACTS and after[0] not in _REGIONS:
        text = head
    lowered = f" {fold(text)} "
    cut = min((i for stop in extraction().position_stops if (i := _stop_at(lowered, stop)) > 0),
              default=len(lowered))
    return text[: max(cut - 1, 0)] if cut < len(lowered) else text


#: Regions a job covers ("Customer Success Manager, EMEA"): part of the title as the employer
#: writes it, unlike a city or a country where the office is.
_REGIONS = frozenset({"emea", "apac", "amer", "americas", "latam", "dach", "nordics", "mena", "anz", "benelux"})
#: A comma before one of these ends the title: "Chauffeur poids lourd, CDI" is the contract's.
_CONTRACTS = frozenset({
    "cdi", "cdd", "interim", "stage", "alternance", "apprentissage", "freelance", "temps", "full-time",
    "part-time", "permanent", "contract", "contrat", "remote", "teletravail", "hybride", "hybrid",
})
_SEPARATORS = (" - ", " – ", " — ", " (")
_SUFFIX = re.compile(r"[^\W\d_][^\d()|]{0,40}?(?=\s[-–—|]\s|\)|$)")


def _stop_at(lowered: str, stop: str) -> int:
    """Where `stop` cuts the title: a dash or a parenthesis before a team or a specialty
    ("Machine Learning Engineer - Inference", "Chef de partie (pâtisserie)") is part of the
    title as the employer wrote it; before a place, a contract, a date or a reference it
    is not."""
    start = lowered.find(stop)
    if stop not in _SEPARATORS:
        return start
    while start > 0:
        suffix = _SUFFIX.match(lowered, start + len(stop))
        if not (suffix and _specialty(suffix.group())):
            return start
        start = lowered.find(stop, start + len(stop))
    return start


def _specialty(part: str) -> bool:
    tables = extraction()
    words = _WORDS.findall(part)
    return 0 < len(words) <= 4 and not any(
        w in tables.trailing_words or w in _NOT_SPECIALTY or w in tables.legal_suffixes for w in words) \
        and part.strip() not in tables.trailing_words \
        and words[0] not in tables.business_heads and words[0] not in tables.group_heads


_NOT_SPECIALTY = frozenset({
    "cdi", "cdd", "stage", "alternance", "apprentissage", "interim", "freelance", "temps", "plein", "partiel",
    "full", "part", "time", "contract", "permanent", "remote", "teletravail", "hybride", "hybrid", "h", "f",
    "m", "x", "d", "n", "chez", "at", "ref", "reference", "offre", "annonce", "candidature", "application",
})
