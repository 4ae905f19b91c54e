"""One message read for the model: its facts, the rules' signals, its zones.

Reading is what a message costs: the facts (text cut and folded once), every rule of
the chain, the zones (which `classify.features` turns into the model's tokens). A gate
(a message that speaks of no job) and the sure rules (a delivery report, mail to
oneself) close the reading: the model is not asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from carnet.classify.evidence import Context
from carnet.classify.facts import Facts, read_facts
from carnet.classify.rules import Signal
from carnet.classify.rules.chain import all_signals
from carnet.classify.zones import Zones, zones_of
from carnet.ingest.message import Message

#: Rules whose strong `none` is sure: the server's delivery report, the seeker's mail to themself,
#: mail that speaks of no job, the seeker's mail that shows no application.
SURE_NONE = frozenset({"delivery-report", "personal-recipient", "no-job-words", "no-application-in-sight"})


@dataclass(frozen=True)
class Reading:
    facts: Facts
    signals: tuple[Signal, ...]
    #: A sure rule's `none`: the message is no evidence whatever the model would say.
    closed: Signal | None
    #: What the model reads; None when the reading is closed.
    zones: Zones | None


def read(message: Message, context: Context) -> Reading:
    facts = read_facts(message, context)
    gated, signals = all_signals(facts)
    closed = next((s for s in signals if s.strong and s.reason.split(":")[0] in SURE_NONE), None)
    if gated or closed:
        return Reading(facts, tuple(signals), closed or signals[0], None)
    return Reading(facts, tuple(signals), None, zones_of(facts))
