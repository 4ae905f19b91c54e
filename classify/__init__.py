"""Classification: a parsed message and its context in, one `Evidence` out.

Pure: no I/O besides reading the config tables and loading spaCy once per
process. Rules propose signals (`classify.rules`), `classify.scoring` decides
the kind and confidence, `classify.extract` finds company, position and date.
spaCy runs only for evidence whose company rules could not find, on a short
snippet, and in batches in `classify_many`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carnet.classify import extract
from carnet.classify.company import Company, from_entities, rule_company
from carnet.classify.evidence import ApplicationType, Context, Direction, Evidence, Kind
from carnet.classify.facts import Facts, read_facts
from carnet.classify.nlp import entities
from carnet.classify.rules.chain import run_chain
from carnet.classify.scoring import Verdict, combine
from carnet.ingest.message import Message

__all__ = [
    "DEFAULT_THRESHOLD",
    "ApplicationType",
    "Context",
    "Direction",
    "Evidence",
    "Kind",
    "classify",
    "classify_many",
]

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class _Draft:
    """A message decided by rules, waiting for spaCy when its company is still unknown."""

    facts: Facts
    verdict: Verdict
    company: Company | None

    @property
    def needs_entities(self) -> bool:
        return self.company is None and self.verdict.kind is not Kind.NONE


def classify(message: Message, context: Context, threshold: float = DEFAULT_THRESHOLD) -> Evidence:
    """The evidence a message gives; kind `none` below `threshold`."""
    return classify_many([message], [context], threshold)[0]


def classify_many(messages: Sequence[Message], contexts: Sequence[Context],
                  threshold: float = DEFAULT_THRESHOLD) -> list[Evidence]:
    """`classify` for a batch: spaCy runs once over all the snippets that need it."""
    if len(messages) != len(contexts):
        raise ValueError("one context per message")
    drafts = [_draft(m, c, threshold) for m, c in zip(messages, contexts, strict=True)]
    waiting = [d for d in drafts if d.needs_entities]
    # spaCy is loaded (seconds) only once a message needs it.
    found = dict(zip(map(id, waiting), entities(_snippet(d.facts) for d in waiting), strict=True)) if waiting else {}
    return [_finish(d, d.company or from_entities(found.get(id(d), []))) for d in drafts]


def _draft(message: Message, context: Context, threshold: float) -> _Draft:
    facts = read_facts(message, context)
    verdict = combine(run_chain(facts))
    if verdict.confidence < threshold and verdict.kind is not Kind.NONE:
        verdict = Verdict(Kind.NONE, verdict.confidence, verdict.reasons)
    # Extraction only for evidence: a message that is not evidence is read and forgotten.
    return _Draft(facts, verdict, rule_company(facts) if verdict.kind is not Kind.NONE else None)


def _snippet(facts: Facts) -> str:
    return f"{facts.message.subject}\n{facts.body.full}"


def _finish(draft: _Draft, company: Company | None) -> Evidence:
    """The evidence of a draft; a `none` draft has no company (see `_draft`) and gets no position."""
    facts, kind = draft.facts, draft.verdict.kind
    name = company.name if company else None
    found = (f"company: {company.source}",) if company else ()
    return Evidence(
        kind=kind,
        company=name,
        position=extract.extract_position(facts, name) if kind is not Kind.NONE else None,
        date=extract.evidence_date(facts, kind),
        confidence=draft.verdict.confidence,
        reasons=(*draft.verdict.reasons, *found),
        channel=extract.channel(facts),
        application_type=extract.application_type(facts, kind),
        relay=facts.relay.name if facts.relay else None,
        direction=Direction.OUTGOING if facts.outgoing else Direction.INCOMING,
    )
