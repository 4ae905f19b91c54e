"""The classifier itself (the package's `classify` and `classify_many`): see the package's doc.

Kept apart from the package's `__init__` so that importing a light part of the
package (`classify.evidence`, `classify.triage`) loads neither spaCy nor the model's
libraries: a sync's calling process, whose pool classifies, never needs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from carnet.classify import extract
from carnet.classify.company import Company, from_entities, rule_company
from carnet.classify.decision import Decision, decide, doubt_band
from carnet.classify.evidence import Context, Direction, Evidence, Kind
from carnet.classify.facts import Facts
from carnet.classify.features import tokens
from carnet.classify.model import Model, shipped
from carnet.classify.nlp import entities
from carnet.classify.reading import Reading, read
from carnet.ingest.message import Message

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class _Draft:
    """A message decided by rules, waiting for spaCy when its company is still unknown."""

    reading: Reading
    decision: Decision
    company: Company | None

    @property
    def facts(self) -> Facts:
        return self.reading.facts

    @property
    def needs_entities(self) -> bool:
        return self.company is None and self.decision.kind is not Kind.NONE


def classify(message: Message, context: Context, threshold: float = DEFAULT_THRESHOLD) -> Evidence:
    """The evidence a message gives; kind `none` below `threshold`."""
    return classify_many([message], [context], threshold)[0]


def classify_many(messages: Sequence[Message], contexts: Sequence[Context],
                  threshold: float = DEFAULT_THRESHOLD, model: Model | None = None) -> list[Evidence]:
    """`classify` for a batch: the model and spaCy run once over all the messages that need them."""
    if len(messages) != len(contexts):
        raise ValueError("one context per message")
    readings = [read(m, c) for m, c in zip(messages, contexts, strict=True)]
    return conclude(readings, probabilities(readings, model), threshold)


def probabilities(readings: Sequence[Reading], model: Model | None = None) -> list[np.ndarray | None]:
    """The model's class probabilities of each reading the sure rules left open; the shipped
    model is loaded only when one is."""
    open_ = [tokens(r.zones, r.signals) for r in readings if r.zones is not None]
    rows = iter((model or shipped()).probabilities(open_) if open_ else ())
    return [None if r.zones is None else next(rows) for r in readings]


def conclude(readings: Sequence[Reading], rows: Sequence[np.ndarray | None],
             threshold: float = DEFAULT_THRESHOLD) -> list[Evidence]:
    """The evidence of each reading given its class probabilities (None: closed by a rule)."""
    band = doubt_band(threshold)
    drafts = [_draft(r, decide(row, threshold, band) if row is not None else Decision(Kind.NONE, 0.0))
              for r, row in zip(readings, rows, strict=True)]
    waiting = [d for d in drafts if d.needs_entities]
    # spaCy is loaded (seconds) only once a message needs it.
    found = dict(zip(map(id, waiting), entities(_snippet(d.facts) for d in waiting), strict=True)) if waiting else {}
    return [_finish(d, d.company or from_entities(found.get(id(d), []))) for d in drafts]


def _draft(reading: Reading, decision: Decision) -> _Draft:
    # Extraction only for evidence: a message that is not evidence is read and forgotten.
    company = rule_company(reading.facts) if decision.kind is not Kind.NONE else None
    return _Draft(reading, decision, company)


def _snippet(facts: Facts) -> str:
    return f"{facts.message.subject}\n{facts.body.full}"


def _finish(draft: _Draft, company: Company | None) -> Evidence:
    """The evidence of a draft; a `none` draft has no company (see `_draft`) and gets no position."""
    facts, decision = draft.facts, draft.decision
    kind = decision.kind
    name = company.name if company else None
    found = (f"company: {company.source}",) if company else ()
    reasons = tuple(s.reason for s in draft.reading.signals)
    return Evidence(
        kind=kind,
        company=name,
        position=extract.extract_position(facts, name) if kind is not Kind.NONE else None,
        date=extract.evidence_date(facts, kind),
        confidence=decision.confidence,
        reasons=(*reasons, decision.reason, *found),
        channel=extract.channel(facts),
        application_type=extract.application_type(facts, kind),
        relay=facts.relay.name if facts.relay else None,
        direction=Direction.OUTGOING if facts.outgoing else Direction.INCOMING,
        in_doubt=decision.in_doubt,
        below_threshold=decision.below_threshold,
    )
