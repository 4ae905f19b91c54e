"""The configuration tables of classification, read once per process from `config/`.

Tables are data: the sender registry (`relays.toml`), one phrase lexicon per
language (`lexicon_*.toml`) and the extraction tables (`extraction.toml`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from carnet.classify.phrasebook import Phrasebook

LANGUAGES = ("fr", "en")
ORG = (
    r"(?P<company>[A-Z0-9ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ][\w&'’+-]*(?:\.\w+)*"
    r"(?:[ ](?:[A-Z0-9ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ&][\w&'’+-]*(?:\.\w+)*|(?:d|l)['’][A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ][\w&'’+-]*"
    r"|(?:des|de|du|la|le|et|&|of|and|the|for)(?![\w'’]))){0,4})"
)
POS = (
    r"[:«\"“]?\s*(?P<position>(?:[^\n\t.!?;:«»\"“”()\[\]<>]|\([^()\n]{1,20}\)){2,120})"
)


@dataclass(frozen=True)
class Phrases:
    """Compiled alternations of one lexicon section, strong and weak."""

    strong: Phrasebook | None
    weak: Phrasebook | None


@dataclass(frozen=True)
class Lexicon:
    lang: str
    kinds: dict[str, Phrases]
    confirmation: Phrases
    noise: Phrases
    personal: Phrases
    outreach: Phrasebook | None
    applied: Phrasebook | None
    mass_greetings: Phrasebook | None
    job_words: Phrasebook | None
    other_context: Phrasebook | None
    own_job_words: Phrasebook | None
    outgoing_application: Phrasebook | None
    outgoing_not_application: Phrasebook | None
    outgoing_not_application_weak: Phrasebook | None
    negations: frozenset[str]
    hedges: tuple[str, ...]
    rejection_hedges: tuple[str, ...]
    retrospective: tuple[str, ...]
    advice: tuple[str, ...]
    other_owners: frozenset[str]
    quote_starts: tuple[re.Pattern[str], ...]
    signature_starts: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Relay:
    """One applicant tracking system or job board of the sender registry."""

    name: str
    kind: str
    domains: tuple[str, ...]
    company_in: tuple[str, ...]
    subject_patterns: tuple[re.Pattern[str], ...] = ()
    body_patterns: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Extraction:
    legal_suffixes: frozenset[str]
    company_words: frozenset[str]
    trailing_words: frozenset[str]
    department_words: frozenset[str]
    service_words: frozenset[str]
    department_heads: frozenset[str]
    institution_domain_heads: frozenset[str]
    company_stopwords: frozenset[str]
    leading_stopwords: frozenset[str]
    furniture_words: frozenset[str]
    leading_decorations: frozenset[str]
    business_heads: frozenset[str]
    business_tails: frozenset[str]
    group_heads: frozenset[str]
    trade_descriptors: frozenset[str]
    honorifics: frozenset[str]
    first_names: frozenset[str]
    role_words: frozenset[str]
    generic_name_words: frozenset[str]
    institution_heads: tuple[str, ...]
    institution_words: frozenset[str]
    personal_domains: frozenset[str]
    organisation_kinds: dict[str, frozenset[str]]
    infrastructure_labels: frozenset[str]
    two_part_suffixes: frozenset[str]
    reserved_tlds: frozenset[str]
    reserved_domains: frozenset[str]
    public_abbreviations: dict[str, str]
    name_abbreviations: dict[str, str]
    display_name: tuple[re.Pattern[str], ...]
    company: tuple[re.Pattern[str], ...]
    addressed_company: tuple[re.Pattern[str], ...]
    board_company: tuple[re.Pattern[str], ...]
    client_company: tuple[re.Pattern[str], ...]
    on_behalf_company: tuple[re.Pattern[str], ...]
    recruiting_firm_words: tuple[str, ...]
    sign_off_company: tuple[re.Pattern[str], ...]
    subject_prefixes: re.Pattern[str]
    subject_positions: tuple[re.Pattern[str], ...]
    body_positions: tuple[re.Pattern[str], ...]
    position_cleanup: tuple[re.Pattern[str], ...]
    position_stops: tuple[str, ...]
    position_rejected: frozenset[str]
    suggestion_heads: tuple[str, ...]
    title_words: frozenset[str]
    field_words: frozenset[str]
    internship_words: frozenset[str]
    past_experience: re.Pattern[str]
    feminine_cues: re.Pattern[str]
    abbreviations: dict[str, tuple[str, str]]
    field_positions: tuple[re.Pattern[str], ...]
    dates: tuple[re.Pattern[str], ...]
    months: dict[str, int]
    spontaneous: tuple[str, ...]


def _load(name: str) -> dict[str, Any]:
    with resources.files("carnet.config").joinpath(name).open("rb") as handle:
        return tomllib.load(handle)


def _alternation(patterns: list[str], flags: int = 0) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


def _bounded(patterns: list[str]) -> Phrasebook | None:
    """Phrases at a word boundary, as one matcher (`classify.phrasebook`)."""
    return Phrasebook(patterns) if patterns else None


def _phrases(section: dict[str, Any]) -> Phrases:
    return Phrases(strong=_bounded(section.get("strong", [])), weak=_bounded(section.get("weak", [])))


def _compile_all(patterns: list[str], flags: int = 0) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p.replace("{ORG}", ORG).replace("{POS}", POS), flags) for p in patterns)


@cache
def lexicons() -> tuple[Lexicon, ...]:
    """The French and English lexicons, compiled."""
    return tuple(_lexicon(_load(f"lexicon_{lang}.toml")) for lang in LANGUAGES)


def _lexicon(data: dict[str, Any]) -> Lexicon:
    outgoing = data.get("outgoing", {})
    return Lexicon(
        lang=data["lang"],
        kinds={kind: _phrases(section) for kind, section in data["kinds"].items()},
        confirmation=_phrases(data.get("confirmation", {})),
        noise=_phrases(data.get("noise", {})),
        personal=_phrases(data.get("personal", {})),
        outreach=_bounded(data.get("outreach", {}).get("approach", [])),
        applied=_bounded(data.get("outreach", {}).get("applied", [])),
        mass_greetings=_bounded(data.get("mass", {}).get("greetings", [])),
        job_words=_bounded([rf"{word}\b" for word in data.get("job_words", {}).get("words", [])]),
        other_context=_bounded([rf"{w}\b" for w in data.get("other_applications", {}).get("context", [])]),
        own_job_words=_bounded([rf"{w}\b" for w in data.get("other_applications", {}).get("job", [])]),
        outgoing_application=_bounded(outgoing.get("application", [])),
        outgoing_not_application=_bounded(outgoing.get("not_application", [])),
        outgoing_not_application_weak=_bounded(outgoing.get("not_application_weak", [])),
        negations=frozenset(data["negation"]["cues"]),
        hedges=tuple(data["negation"]["hedges"]),
        rejection_hedges=tuple(data["negation"]["rejection_hedges"]),
        retrospective=tuple(data["negation"]["retrospective"]),
        advice=tuple(data["negation"]["advice"]),
        other_owners=frozenset(data["negation"].get("other_owners", ())),
        quote_starts=_compile_all(data["quote"]["starts"], re.M),
        signature_starts=_compile_all(data["signature"]["starts"], re.M),
    )


@cache
def relays() -> tuple[Relay, ...]:
    """The sender registry."""
    return tuple(
        Relay(
            name=item["name"],
            kind=item["kind"],
            domains=tuple(item["domains"]),
            company_in=tuple(item.get("company_in", ("display_name", "subject", "body"))),
            subject_patterns=_compile_all(item.get("subject_patterns", [])),
            body_patterns=_compile_all(item.get("body_patterns", [])),
        )
        for item in _load("relays.toml")["relay"]
    )


@cache
def relay_by_domain() -> dict[str, Relay]:
    return {domain: relay for relay in relays() for domain in relay.domains}


def _genders(spelled: str) -> tuple[str, str]:
    """"Infirmier|Infirmière" → both forms; one form serves both."""
    masculine, _, feminine = spelled.partition("|")
    return masculine, feminine or masculine


@cache
def extraction() -> Extraction:
    """The extraction tables, compiled."""
    data = _load("extraction.toml")
    position, dates = data["position"], data["date"]
    months = {name: i + 1 for key in ("months_fr", "months_en") for i, name in enumerate(dates[key])}
    return Extraction(
        legal_suffixes=frozenset(data["legal_suffixes"]),
        company_words=frozenset(data["company_words"]),
        trailing_words=frozenset(data["trailing_words"]),
        department_words=frozenset(data["department_words"]),
        service_words=frozenset(data["service_words"]),
        department_heads=frozenset(data["department_heads"]),
        institution_domain_heads=frozenset(data["institution_domain_heads"]),
        company_stopwords=frozenset(data["company_stopwords"]),
        leading_stopwords=frozenset(data["leading_stopwords"]),
        furniture_words=frozenset(data["furniture_words"]),
        leading_decorations=frozenset(data["leading_decorations"]),
        business_heads=frozenset(data["business_heads"]),
        business_tails=frozenset(data["business_tails"]),
        group_heads=frozenset(data["group_heads"]),
        trade_descriptors=frozenset(data["trade_descriptors"]),
        honorifics=frozenset(data["person"]["honorifics"]),
        first_names=frozenset(data["person"]["first_names"]),
        role_words=frozenset(data["role_words"]),
        generic_name_words=frozenset(data["generic_name_words"]),
        institution_heads=tuple(data["institution_heads"]),
        institution_words=frozenset(data["institution_words"]),
        personal_domains=frozenset(data["personal_domains"]),
        organisation_kinds={kind: frozenset(words) for kind, words in data["organisation_kinds"].items()},
        infrastructure_labels=frozenset(data["infrastructure_labels"]),
        two_part_suffixes=frozenset(data["two_part_suffixes"]),
        reserved_tlds=frozenset(data["reserved_tlds"]),
        reserved_domains=frozenset(data["reserved_domains"]),
        public_abbreviations=dict(data["public_abbreviations"]),
        name_abbreviations=dict(data["name_abbreviations"]),
        display_name=_compile_all(data["display_name"]["patterns"]),
        company=_compile_all(data["company"]["patterns"]),
        addressed_company=_compile_all(data["company"]["addressed"]),
        board_company=_compile_all(data["company"]["job_board"], re.M),
        client_company=_compile_all(data["company"]["client"]),
        on_behalf_company=_compile_all(data["company"]["on_behalf"]),
        recruiting_firm_words=tuple(data["company"]["recruiting_firm_words"]),
        sign_off_company=_compile_all(data["company"]["sign_off"], re.M),
        subject_prefixes=re.compile(position["subject_prefixes"], re.I),
        subject_positions=_compile_all(position["subject_patterns"]),
        body_positions=_compile_all(position["body_patterns"]),
        position_cleanup=_compile_all(position["cleanup"], re.I),
        position_stops=tuple(position["stops"]),
        position_rejected=frozenset(position["rejected"]),
        suggestion_heads=tuple(position["suggestion_heads"]),
        title_words=frozenset(position["title_words"]),
        field_words=frozenset(position["field_words"]),
        internship_words=frozenset(position["internship_words"]),
        past_experience=re.compile(rf"\b(?:{'|'.join(map(re.escape, position['past_experience']))})\b"),
        feminine_cues=re.compile("|".join(position["feminine_cues"]), re.M),
        abbreviations={short: _genders(long) for short, long in position["abbreviations"].items()},
        field_positions=_compile_all(position["field_patterns"], re.M),
        dates=_compile_all(dates["patterns"]),
        months=months,
        spontaneous=tuple(data["application_type"]["spontaneous"]),
    )


@cache
def training_config() -> dict[str, Any]:
    """How the model is trained and cross-validated (`classifier.toml`)."""
    return _load("classifier.toml")
