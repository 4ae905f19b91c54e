"""The employer's name as a person writes it: not the ATS, not the job board, no legal form.

Where the name is read depends on who the other party is, and each way records
its source (kept in the evidence's reasons):

- an applicant tracking system: its display name ("Acme via Greenhouse",
  "Decathlon Recrutement"), the tenant in its address (`acme.wd3.myworkdayjobs.com`,
  `acme@myworkday.com`), the subject and body phrases, the signature;
- a job board: its layouts ("Employeur : X", "Kiabi - Marseille (13)") and phrases;
- a staffing agency: the client it names, else the agency;
- an employer's own domain, or the seeker writing to one: a name that spells the
  domain's label first (display name, phrases, any capitalised span, the
  signature), then the display name, the signature, the phrases, and last the
  label itself;
- a personal mailbox: the display name when it is not a person's, then phrases.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from carnet.classify.facts import Facts
from carnet.classify.mailbox import mailbox_name, without_places
from carnet.classify.names import (
    EXACT,
    INSIDE,
    PREFIX,
    clean_company,
    coverage,
    is_title,
    label_match,
    letters,
    looks_like_person,
    names_in,
    prettify_label,
    registrable_label,
    spellings,
    split_parts,
)
from carnet.classify.segment import segment_label, written_words
from carnet.classify.signature import signature_names
from carnet.classify.sites import holds_place, places_in, without_site
from carnet.classify.tables import Relay, extraction, lexicons, relays
from carnet.classify.text import fold, normalize_name
from carnet.classify.written import as_written
from carnet.ingest.message import Address

__all__ = ["Company", "clean_company", "from_entities", "rule_company"]


@dataclass(frozen=True)
class Company:
    """A company name and the rule that found it."""

    name: str
    source: str


@dataclass(frozen=True)
class _Texts:
    """Where names are looked for: subject, new text, new text with signature, whole body;
    and the other party's address and display name, which may name its site."""

    subject: str
    decisive: str
    full: str
    whole: str
    email: str = ""
    display: str = ""

    @cached_property
    def places(self) -> frozenset[str]:
        """What the message presents as places (`classify.sites`), read when first needed;
        not the brand its domain spells ("votre candidature à Eiffage")."""
        local, _, domain = self.email.partition("@")
        brand = letters(registrable_label(domain).split("-")[0]) if domain else ""
        found = places_in(f"{self.subject}\n{self.whole}", local, self.display)
        return frozenset(place for place in found if not brand or brand not in place)

    @property
    def new(self) -> tuple[str, str]:
        return self.subject, self.full


Finder = Callable[[], str | None]
STRONG_COVERAGE = 0.5
_ARTICLES = frozenset({"le", "la", "les", "the"})
_PLACE_CONNECTORS = frozenset({"de", "du", "des", "la", "le", "les", "en", "sur", "sous", "lez"})
_POSSESSIVE = re.compile(r"['’]s$")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_CONNECTORS = frozenset({"de", "du", "des", "la", "le", "les", "et", "d", "l", "of", "and", "the", "&"})
_BRACKETED = re.compile(r"(?P<person>[^()]+?)\s*\((?P<company>[^()]{2,60})\)\s*$")
_PERSON_FROM = re.compile(
    r"(?P<first>[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?)\s+(?:de|from|chez|at|@)\s+(?P<company>\S.*)")


def rule_company(facts: Facts) -> Company | None:
    """The company found by rules and tables, or None (spaCy may find it later)."""
    party = facts.counterpart
    texts = _Texts(facts.message.subject, facts.body.decisive[:3000], facts.body.full[:4000],
                   facts.message.text[:6000], *((party.email, party.name) if party else ()))
    if party is None:
        finders = [("phrase", lambda: _phrase(texts.new, _addressed())),
                   ("business", lambda: _business(texts, facts.outgoing))]
    elif facts.relay is not None:
        finders = _relay_finders(facts, party, facts.relay, texts)
    elif party.domain in extraction().personal_domains:
        finders = _personal_finders(facts, party, texts)
    else:
        finders = _domain_finders(facts, party, texts)
    found = next((Company(n, source) for source, find in finders if (n := find()) and acceptable(n, facts.relay)),
                 None)
    if found is None:
        return None
    written = f"{texts.subject}\n{texts.whole}"
    return Company(as_written(_fuller(found.name, written), written), found.source)


_GROUP_TAILS = frozenset({"group", "groupe", "studio", "studios", "services"})


def _fuller(name: str, text: str) -> str:
    """The name as the text writes it whole, when it writes it so at least as often as alone:
    "Halvorsen" (a tenant, a display name) → "Halvorsen Group", "Perrin" → "Maçonnerie
    Perrin". Only a group's or a trade's word joins it, never a site ("Électrika Mérignac")."""
    heads = extraction().business_heads | {"groupe"}
    fuller: Counter[str] = Counter()
    alone = 0
    for match in re.finditer(rf"(?:(?P<head>[A-ZÀ-Ý][\w-]+)[ ]+)?(?<![\w-]){re.escape(name)}(?![\w-])"
                             rf"(?:[ ]+(?P<tail>[A-ZÀ-Ý][\w-]+))?", text):
        head, tail = match.group("head"), match.group("tail")
        if head and fold(head) in heads and fold(name.split()[0]) not in heads:
            fuller[f"{head} {name}"] += 1
        elif tail and fold(tail) in _GROUP_TAILS and fold(name.split()[-1]) not in _GROUP_TAILS:
            fuller[f"{name} {tail}"] += 1
        else:
            alone += 1
    best = fuller.most_common(1)
    return best[0][0] if best and best[0][1] >= alone else name


_FIELD_LABEL = re.compile(
    r"\.(?:pdf|docx?|odt|rtf|png|jpe?g)\b|[:]\s*$|\.(?:com|fr|net|org|io|co\.uk|eu)$"
    r"|^(?:consulter|voir|cliquez|click|view|see|veuillez|cordialement|bien|merci|thanks|regards|best|kind)\b"
    r"|\s(?:le|la|les|de|du|des|d|l|of|the|and|et|&)$",
    re.I)
_LABELS = frozenset({"entreprise", "societe", "employeur", "company", "employer", "organisation", "structure",
                     "recruteur", "recruiter", "poste", "position", "nom", "name", "offre", "annonce", "job"})
# Papers an employer asks for or sends, named like acronyms: never its name.
_DOCUMENTS = frozenset({"rib", "iban", "cv", "lm", "pdf", "dpae", "kbis", "urssaf", "ics"})


def acceptable(name: str, relay: Relay | None = None) -> bool:
    """A name that can be the employer: not a person's ("Claire Perrin"), not a platform's own
    ("Indeed", unless the relay is the agency that employs), not a form's field label
    ("Entreprise", "Consulter ma…"), a sign-off ("Veuillez agréer"), a file's or a site's name
    ("CV_Yanis.pdf", "caterer.com"), nor a name cut before its end ("Librairie Le")."""
    key = normalize_name(name)
    if len(key) < 3 or key in _LABELS or key in _DOCUMENTS or _FIELD_LABEL.search(name) or looks_like_person(name) \
            or ":" in name or _addressed_person(name) or _job_title(name) or _sign_off(name) or _trade_alone(name):
        return False
    return not any(normalize_name(other.name) == key for other in relays()
                   if not (relay is other and relay.kind == "agency"))


def _sign_off(name: str) -> bool:
    """"Bonne continuation", "Cheers", "Bien à vous": the words that close a letter."""
    folded = fold(name)
    return any(p.match(folded) for lexicon in lexicons() for p in lexicon.signature_starts)


def _trade_alone(name: str) -> bool:
    """"EHPAD", "Boulangerie", "Garage": a trade's word alone names a kind of business, not one."""
    words = name.split()
    return len(words) == 1 and fold(words[0]) in extraction().business_heads


def _job_title(name: str) -> bool:
    """"Operations Analyst", "Supply Chain Analyst" (a subject's "Your application to X at
    Monzo"): a name ending with a job's word is the job, not the employer; a field's word
    ends names ("Harbour Analytics"), and so does a trade no job is ("Lucas Transports")."""
    tables = extraction()
    words = [fold(w) for w in name.split()]
    if len(words) < 2 or words[0] in tables.business_heads:
        return False  # "Quincaillerie Barbier": a trade's head makes the name a business's
    return words[-1] in tables.title_words and words[-1] not in tables.field_words \
        and words[-1] not in tables.business_tails


def _addressed_person(name: str) -> bool:
    """"Monsieur Hamelin", "Mrs Carter": a person addressed by a form of address, whatever the
    surname; an organisation is never written so."""
    words = name.split()
    return len(words) > 1 and fold(words[0]).rstrip(".") in extraction().honorifics


def _relay_finders(facts: Facts, party: Address, relay: Relay,
                   texts: _Texts) -> list[tuple[str, Finder]]:
    patterns = (*relay.subject_patterns, *relay.body_patterns)
    if relay.kind == "job_board":
        boards = (*patterns, *extraction().board_company)
        return [("board-layout", lambda: _phrase([_before_suggestions(texts.full)], boards)),
                ("phrase", lambda: _phrase(texts.new)),
                ("business", lambda: _business(texts, facts.outgoing))]
    if relay.kind == "agency":
        return [("client", lambda: _client(texts)),
                ("agency", lambda: relay.name)]
    return [
        ("sign-off", lambda: _signed(texts, _display(party, texts, with_local=False))),
        ("display-name", lambda: _display(party, texts, with_local=False)),
        ("tenant", lambda: _tenant_name(party, relay, texts)),
        ("phrase", lambda: _phrase(texts.new, (*patterns, *extraction().company))),
        ("signature", lambda: next(signature_names(texts.full, party.name), None)),
        ("business", lambda: _business(texts, facts.outgoing)),
    ]


def _before_suggestions(text: str) -> str:
    """A job board's mail down to its suggestions of other jobs ("Offres similaires…"), whose
    cards name other employers, or places."""
    heads = extraction().suggestion_heads
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines) if fold(line.strip()).startswith(heads)), len(lines))
    return "\n".join(lines[:end])


def _signed(texts: _Texts, displayed: str | None) -> str | None:
    """The organisation a recruiting team signs for ("Recruitment Team, Royal Berkshire NHS
    Foundation Trust"), over an ATS display name the message never writes ("Reading
    Hospital"): the employer's own words against a label set in the platform."""
    if displayed and fold(displayed) in fold(texts.whole):
        return None
    signed = [name for name in _phrases([texts.full], extraction().sign_off_company)
              if not looks_like_person(name) and not is_title(name)]
    return _without_site(signed[-1], texts) if signed else None


def _client(texts: _Texts) -> str | None:
    """The client a staffing agency names; "feedback from Sarah" names a person, not a client."""
    clients = _phrases(texts.new, (*extraction().on_behalf_company, *extraction().client_company))
    return next((name for name in clients if not looks_like_person(name)), None)


_VIA = re.compile(r"^.+?\s+(?i:via|through|par l'interm[ée]diaire de)\s+(?P<platform>\S.*)$")


def _platform_domain(display: str, label: str) -> bool:
    """"X via eSignéo" from esigneo.eu: the sender's domain spells the platform the display
    name says the mail came through, so it names no employer."""
    via = _VIA.match(display.strip())
    platform, spelled = (letters(via.group("platform")), letters(label)) if via else ("", "")
    return bool(platform and spelled) and (platform in spelled or spelled in platform)


def _recruiting_firm(label: str, display: str) -> bool:
    """A recruiting firm's own domain or name ("northpoint-recruitment.co.uk", "Hemera Recrutement"),
    whose mail speaks of its client the way a staffing agency's does ("the role with Calder")."""
    spelled = f"{letters(label)} {fold(display)}"
    return any(word in spelled for word in extraction().recruiting_firm_words)


def _on_behalf(texts: _Texts) -> str | None:
    """The employer a recruiter or a cabinet writes for, whoever sends ("le poste que je recrute
    pour notre client Groupe Ferval", "the role you advertised on behalf of Calder Engineering"):
    the words say who hires, over the sender's own name and domain."""
    clients = _phrases([texts.subject, texts.whole], extraction().on_behalf_company)
    return next((name for name in clients if not looks_like_person(name) and acceptable(name)), None)


def _business(texts: _Texts, outgoing: bool) -> str | None:
    """A name a trade heads or ends ("Boulangerie Roussel", "Garage Lefèvre", "The Old Mill
    Café"): a small business as its owner and its applicants write it. Read in the subject,
    the new text and the thread it quotes; in the seeker's own mail, only in the subject and
    the new text, and never in a sentence about past work ("j'ai travaillé 3 ans à la
    Boulangerie Dupont")."""
    tables = extraction()
    if outgoing:
        sentences = re.split(r"(?<=[.!?])\s+|\n", texts.decisive)
        texts_read = [texts.subject, *(s for s in sentences if not tables.past_experience.search(fold(s)))]
    else:
        texts_read = [texts.subject, texts.full, texts.whole]
    for text in texts_read:
        for span in names_in(text):
            words = span.split()
            if words and fold(words[0]) in _ARTICLES | {"l'", "l’"}:
                words = words[1:]
            heads = [fold(w) for w in words]
            trade = len(words) > 1 and (heads[0] in tables.business_heads or heads[-1] in tables.business_tails)
            name = clean_company(span) if trade else None
            if name and acceptable(name):
                return name
    return None


def _personal_finders(facts: Facts, party: Address, texts: _Texts) -> list[tuple[str, Finder]]:
    """A small employer writing from a personal mailbox, or the seeker writing to one."""
    phrases = _addressed() if facts.outgoing else None
    local = party.email.partition("@")[0]
    return [
        ("client", lambda: _on_behalf(texts)),
        ("display-name", lambda: _display(party, texts, with_local=True)),
        ("phrase", lambda: _phrase(texts.new, phrases)),
        ("mailbox", lambda: mailbox_name(local, f"{texts.subject}\n{texts.whole}")),
        ("signature", lambda: None if facts.outgoing else _signature(texts, party)),
        ("business", lambda: _business(texts, facts.outgoing)),
    ]


def _domain_finders(facts: Facts, party: Address, texts: _Texts) -> list[tuple[str, Finder]]:
    label = without_places(registrable_label(party.domain), f"{texts.subject}\n{texts.whole}")
    phrases = _addressed() if facts.outgoing else None
    displayed = _display_names(party, texts, with_local=True)
    display = next(iter(displayed), None)
    spelled = lambda: (*_phrases(texts.new, phrases), *_signatures(texts, party), *_spans(texts))  # noqa: E731
    client = (lambda: _client(texts)) if _recruiting_firm(label, party.name) else (lambda: _on_behalf(texts))
    if _platform_domain(party.name, label):
        # "Kerlann Informatique via eSignéo" <notifications@esigneo.eu>: the domain is the platform's
        displayed = [name for name in displayed if letters(name) not in letters(label)]
        display = next(iter(displayed), None)
        return [("client", client), ("display-name", lambda: display),
                ("phrase", lambda: _phrase(texts.new)), ("business", lambda: _business(texts, facts.outgoing))]
    finders: list[tuple[str, Finder]] = [
        ("client", client),
        ("display-name=domain", lambda: _expand(_matching(displayed, label, texts, INSIDE), texts)),
        ("text=domain", lambda: _headed(_matching(spelled(), label, texts, PREFIX, STRONG_COVERAGE), texts)),
        ("display-name", lambda: display),
        ("text~group", lambda: _matching(_spans(texts), label, texts, INSIDE) if _group_label(label) else None),
        ("domain-words", lambda: _domain_words(label, texts)),
        ("signature~domain", lambda: _matching(_signatures(texts, party), label, texts, INSIDE)),
        ("text~domain", lambda: _headed(_matching(_spans(texts), label, texts, INSIDE), texts)),
    ]
    institution = ("institution", lambda: _institution(party, label, texts))
    if facts.outgoing:
        initials = ("phrase", lambda: _phrase(texts.new, phrases) if _initials(label) else None)
        return [*finders, institution, initials, ("business", lambda: _business(texts, outgoing=True)),
                ("domain", lambda: _domain_name(label))]
    return [*finders, institution, ("signature", lambda: _signature(texts, party)),
            ("phrase", lambda: _phrase(texts.new)), ("business", lambda: _business(texts, outgoing=False)),
            ("domain", lambda: _domain_name(label))]


def _display(party: Address, texts: _Texts, with_local: bool) -> str | None:
    return next(iter(_display_names(party, texts, with_local)), None)


def _display_names(party: Address, texts: _Texts, with_local: bool) -> list[str]:
    """The display name without its decorations, unless it is a person's; each part of a
    "Secrétariat de Direction - Groupe Lacroix" that is not a title, in order."""
    name = party.name.strip()
    if not name:
        return []
    name = _after_sender(name, texts)
    bracketed = _BRACKETED.match(name)
    if bracketed and _person_of(bracketed.group("person"), bracketed.group("company"), texts):
        name = bracketed.group("company")
    for pattern in extraction().display_name:
        match = pattern.match(name)
        if match:
            name = match.group("company")
            break
    else:
        if looks_like_person(name, party.email.partition("@")[0] if with_local else ""):
            return []
    parts = (part for part in split_parts(name)
             if not is_title(part) and not looks_like_person(part) and not _department_acronym(part, texts))
    return [found for part in parts if (found := _expand(_without_site(clean_company(part), texts), texts))]


def _person_of(person: str, company: str, texts: _Texts) -> bool:
    """"Becca Lyall (Fennick & Rowe)": a person writing for the organisation in brackets, when
    the first part is a person's name (a known first name, or two or three capitalised words
    that are no role nor generic word) and the message writes the bracketed name; not
    "Veloria Recrutement (Lyon)", an employer and its site."""
    if looks_like_person(person):
        return True
    words = person.split()
    tables = extraction()
    plain = 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not any(
        letters(w) in tables.generic_name_words or fold(w) in tables.role_words for w in words)
    return plain and fold(company) in fold(f"{texts.subject}\n{texts.whole}")


def _after_sender(name: str, texts: _Texts) -> str:
    """"Ambre de Loopéo" → "Loopéo": a first name and the organisation the person writes
    for, when the message is signed by that first name and a surname ("Ambre Sellier")."""
    match = _PERSON_FROM.match(name)
    if not match:
        return name
    first = match.group("first")
    if fold(first) in extraction().first_names:
        return match.group("company")  # "Tom at Harbour Lights B&B"
    signed = re.search(rf"^{re.escape(first)}[ ]+[A-ZÀ-Ý][\w'’-]+[ \t]*$", texts.full, re.M)
    return match.group("company") if signed else name


def _department_acronym(part: str, texts: _Texts) -> bool:
    """"DPAS" when a line reads "Direction du Personnel et des Affaires Sociales": the
    sender's department under its initials, not the employer."""
    if not _ACRONYM.fullmatch(part.strip()):
        return False
    heads = extraction().department_heads
    for line in texts.full.splitlines():
        words = [w for w in re.split(r"[\s'’-]+", fold(line.strip())) if w]
        if words and words[0] in heads:
            initials = "".join(w[0] for w in words if w not in _CONNECTORS)
            if initials == fold(part.strip()):
                return True
    return False


def _without_site(name: str | None, texts: _Texts) -> str | None:
    return without_site(name, texts.places) if name else None


def _expand(name: str | None, texts: _Texts) -> str | None:
    """The longest form a line of the texts starts with ("Mercy Health" → "Mercy Health
    Partners", as a signature writes it), a trade's head included ("Barrière" → "Hôtel
    Barrière Le Royal", "Terres de Beauce" → "Coopérative Agricole Terres de Beauce"), at a
    line's start or after a dash ("Référente - Micro-crèche Les Petits Pas"), without the site
    that ends it ("… La Baule"). A line where a legal form follows the name is the registered
    entity ("Capgemini Technology Services SAS - 145 quai…"), not the name a person writes."""
    if not name:
        return None
    pattern = re.compile(r"(?:^|(?<=[-–|] ))(?:(?P<head>[\w-]+(?:[ ][A-ZÀ-Ý]\w+)?)[ ]+)?" + re.escape(name)
                         + r"(?:[ ](?:&[ ])?[A-ZÀ-Ý][\w'’&-]*(?![\w'’]))*", re.M)
    text = f"{texts.subject}\n{texts.full}"
    found = (_without_site(clean_company(_without_site(m.group(0), texts)), texts) for m in pattern.finditer(text)
             if _trade_head(m.group("head"), _line_start(text, m.start()))
             and not _legal_form(m.group(0), text[m.end():m.end() + 12]))
    longest = max((f for f in found if f and name in f), key=len, default=name)
    return _with_head(longest, text)


def _trade_head(head: str | None, line_start: bool) -> bool:
    """"Clinique", "Micro-crèche" (a compound ending in a trade), "Coopérative Agricole" (a
    trade and its qualifier): a head the name is written with. After a dash only a head
    is taken ("… - Carrefour Market Aubagne" is a store's line, not a longer name)."""
    if head is None:
        return line_start
    return fold(head.split()[0]).split("-")[-1] in extraction().business_heads


def _line_start(text: str, index: int) -> bool:
    return index == 0 or text[index - 1] == "\n"


def _legal_form(line: str, after: str) -> bool:
    """The name written with a legal form ("… Services SAS", "… Services S.A.S.")."""
    words = [fold(w).strip(".,") for w in (*line.split()[1:], *after.split()[:1])]
    return any(w in extraction().legal_suffixes for w in words)


def _headed(name: str | None, texts: _Texts) -> str | None:
    """A place a public body's domain spells, with the head the text writes before it
    ("Montclair" at ch-montclair.fr → "Centre hospitalier de Montclair")."""
    return _with_head(name, f"{texts.subject}\n{texts.whole}") if name else None


def _with_head(name: str, text: str) -> str:
    """"Loire-Atlantique" → "Département de Loire-Atlantique" when the text writes it so."""
    heads = "|".join(extraction().institution_heads)
    pattern = rf"\b((?i:{heads})\s+(?:de\s+la\s+|de\s+l['’]|des\s+|de\s+|d['’]|du\s+)?){re.escape(name)}\b"
    match = re.search(pattern, text)
    return f"{match.group(1)[:1].upper()}{match.group(1)[1:]}{name}" if match else name


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


def _tenant_name(party: Address, relay: Relay, texts: _Texts) -> str | None:
    label = tenant(party, relay)
    if not label:
        return None
    spans = (party.name, *names_in(texts.subject), *names_in(texts.full))
    return _matching(spans, label, texts, PREFIX) or prettify_label(label)


def _phrase(texts: Iterable[str], patterns: Sequence[re.Pattern[str]] | None = None) -> str | None:
    return next(_phrases(texts, patterns), None)


def _phrases(texts: Iterable[str],
             patterns: Sequence[re.Pattern[str]] | None = None) -> Iterator[str]:
    """Names introduced by "chez X", "au sein de X", "at X", "the X team"… (by default)."""
    patterns = extraction().company if patterns is None else patterns
    for text in texts:
        for pattern in patterns:
            for match in pattern.finditer(text):
                name = clean_company(match.group("company"))
                if name:
                    yield name


def _addressed() -> tuple[re.Pattern[str], ...]:
    return extraction().addressed_company


def _spans(texts: _Texts) -> Iterator[str]:
    """Capitalised spans of the subject, the new text and the whole body, each once."""
    seen: set[str] = set()
    for text in (texts.subject, texts.full, texts.whole):
        for span in names_in(text):
            if span not in seen:
                seen.add(span)
                yield span


def _signatures(texts: _Texts, party: Address) -> Iterator[str]:
    return signature_names(texts.full, party.name)


def _signature(texts: _Texts, party: Address) -> str | None:
    return next(_signatures(texts, party), None)


def _matching(candidates: Iterable[str | None], label: str, texts: _Texts, least: int,
              least_coverage: float = 0.0) -> str | None:
    """The candidate that spells `label` best (match level, then coverage), if good enough."""
    scored = (
        (label_match(core, label), coverage(core, label), -order, _shown(cut, tail, whole, texts))
        for order, raw in enumerate(candidates)
        if (found := _clean_to_label(raw, label))
        for cut, core, tail, whole in (found,)
    )
    good = [s for s in scored if s[0] >= least and (s[0] == EXACT or s[1] >= least_coverage)]
    return max(good)[3] if good else None


def _shown(cut: str, tail: tuple[str, ...], whole: str, texts: _Texts) -> str:
    """The name cut to the label's words when the words after them are a site or a trade,
    else whole: a division is part of the name ("Capgemini Invent")."""
    return cut if not tail or _site_or_trade(tail, texts.places) else whole


@lru_cache(maxsize=4096)
def _clean_to_label(raw: str | None, label: str) -> tuple[str, str, tuple[str, ...], str] | None:
    """A clean name cut to the words that spell the label when some do, those words, the
    capitalised words after them, and the name with those words kept.

    A generic head or a region before the label's words goes ("Association nationale Les
    Restos du Cœur" for `restosducoeur` → "Les Restos du Cœur"), but one trade's head
    right before them is part of the name as written ("Cabinet Roussel Expertise" for
    `roussel-expertise`), unless the name proper starts with its own article. Whether the
    words after them go ("GEODIS Logistics Lyon Corbas" → "GEODIS") is `_shown`'s call."""
    name = clean_company(raw)
    if not name:
        return None
    if _POSSESSIVE.search(name) and letters(name[:-2]) == letters(label):
        return name[:-2], name[:-2], (), name[:-2]
    if _POSSESSIVE.search(name) and not letters(label).endswith(letters(name)):
        name = name[:-2]  # "Wrenfold Design's work": the grammar's, unlike "McDonald's" at mcdonalds.com
    words, target = name.split(), letters(label)
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            if _cuttable(words, start, end) and target in spellings(" ".join(words[start:end])):
                core = " ".join(words[start:end])
                article = start > 0 and fold(words[start - 1]) in _ARTICLES
                first = start - int(article or _kept_head(words, start))
                cut = clean_company(" ".join(words[first:end])) or name
                return cut, core, tuple(words[end:]), clean_company(" ".join(words[first:])) or name
    return name, name, (), name


def _site_or_trade(tail: Sequence[str], places: frozenset[str]) -> bool:
    """Words after the label's that are not part of the name: a site, or the firm's trade."""
    return holds_place(tail, places) or (bool(tail) and all(fold(w) in extraction().trade_descriptors for w in tail))


def _kept_head(words: Sequence[str], start: int) -> bool:
    """"Cabinet" in "Cabinet Roussel Expertise": a trade's head (not "Groupe"), the name's
    only one, before a name that has no article of its own."""
    return start == 1 and fold(words[0]) in extraction().business_heads and fold(words[1]) not in _ARTICLES


def _cuttable(words: Sequence[str], start: int, end: int) -> bool:
    """The label's words may stand apart from a generic head or a region before them
    ("Association nationale", "IDF") and from capitalised words after them (a site or a
    division); not from a specific head ("Crédit Mutuel Arkéa") nor from a lower-case
    word that continues the name ("Secours populaire français")."""
    tables = extraction()
    if (start, end) == (0, len(words)) or fold(words[0]) in tables.institution_words:
        return False  # a public body is its head and its place ("Département de la Loire")
    leading = start == 0 or letters(words[0]) in tables.generic_name_words or fold(words[0]) in tables.trailing_words
    return leading and all(word[:1].isupper() for word in words[end:])


def _institution(party: Address, label: str, texts: _Texts) -> str | None:
    """A public body named by its domain: "mairie-reze" → "Mairie de Rezé", "chu-lyon" →
    "CHU de Lyon", mairie@saint-jean-de-boiseau.fr → "Mairie de Saint-Jean-de-Boiseau";
    the place as the text writes it when it does (accents)."""
    heads = extraction().institution_domain_heads
    parts = [p for p in label.split("-") if p]
    if not parts:
        return None  # a reserved domain ("mairie@example.org") names no place
    local = party.email.partition("@")[0].lower()
    if len(parts) > 1 and parts[0] in heads:
        head, place = parts[0], parts[1:]
    elif local in heads:
        head, place = local, parts
    else:
        return None
    written = {letters(span): span for span in _words(texts)}
    words = [p if p in _PLACE_CONNECTORS else written.get(p, p.capitalize()) for p in place]
    spelled = "-".join(words)
    joint = "d'" if fold(spelled[:1]) in "aeiouy" else "de "
    return f"{prettify_label(head)} {joint}{spelled}"


def _words(texts: _Texts) -> Iterator[str]:
    for text in (texts.subject, texts.whole):
        yield from re.findall(r"[A-ZÀ-Ý][^\W\d_]+", text)


def _group_label(label: str) -> bool:
    """`groupebarriere`: a group's domain, whose establishments the text names ("Hôtel Barrière
    Le Royal") better than the group's words would."""
    spelled = letters(label)
    return any((spelled.startswith(head) or spelled.endswith(head)) and len(spelled) > len(head) + 3
               for head in extraction().group_heads)


def _domain_words(label: str, texts: _Texts) -> str | None:
    """The label cut into known words ("ehpad-lestilleuls" → "Ehpad Les Tilleuls")."""
    return clean_company(segment_label(label, written_words(f"{texts.subject}\n{texts.whole}")))


def _initials(label: str) -> bool:
    """`lfjm`: a label that reads as initials, which the seeker's own words ("the position at
    the Lycée Français …") name better; `lazard` is a word, the name itself."""
    spelled = letters(label)
    return 2 <= len(spelled) <= 5 and not set(spelled) & set("aeiouy")


def _domain_name(label: str) -> str | None:
    """Last resort: the label itself."""
    if label in extraction().infrastructure_labels:
        return None
    return clean_company(" ".join(_split_trade(prettify_label(word)) for word in label.split("-") if word))


def _split_trade(word: str) -> str:
    """"Corvanehealth" → "Corvane Health", "Maisoncastel" → "Maison Castel": a label that glues
    a name to the trade word that ends or heads it; the name is read apart from the word."""
    tables = extraction()
    folded = fold(word)
    if len(folded) != len(word) or not folded.isalpha():
        return word
    for tail in sorted(tables.business_tails - tables.legal_suffixes, key=len, reverse=True):
        if folded.endswith(tail) and len(folded) - len(tail) >= 4:
            return f"{word[: -len(tail)]} {tail.capitalize()}"
    for head in sorted(tables.business_heads, key=len, reverse=True):
        if folded.startswith(head) and len(folded) - len(head) >= 4:
            return f"{head.capitalize()} {word[len(head):].capitalize()}"
    return word


def from_entities(entities: Sequence[tuple[str, str]]) -> Company | None:
    """The first ORG entity that is a plausible name (spaCy fallback)."""
    for text, label in entities:
        if label == "ORG":
            name = clean_company(text)
            if name and acceptable(name):
                return Company(name, "entity")
    return None
