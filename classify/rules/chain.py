"""The rule chain, assembled by name."""

from __future__ import annotations

from functools import cache

from carnet.classify.evidence import Kind
from carnet.classify.facts import Facts
from carnet.classify.rules import Rule, Signal
from carnet.classify.rules.headers import (
    BulkHeaders,
    CalendarInvite,
    DeliveryReport,
    NotAddressed,
    PersonalSender,
    TrackingSystemSender,
)
from carnet.classify.rules.outgoing import (
    ApplicationSubject,
    ApplicationWording,
    CvAttachment,
    NoApplicationInSight,
    NotApplicationWording,
    OutgoingReply,
    PersonalRecipient,
)
from carnet.classify.rules.phrases import (
    AcknowledgementPhrases,
    ColdOutreach,
    ConfirmationPhrases,
    GreetingToMany,
    InterviewPhrases,
    NoisePhrases,
    NoiseSubject,
    NoJobWords,
    OfferPhrases,
    OtherApplication,
    OwnOtherApplication,
    PersonalPhrases,
    RejectionPhrases,
)

RULES: dict[str, type[Rule]] = {
    rule.name: rule
    for rule in (
        AcknowledgementPhrases, RejectionPhrases, InterviewPhrases, OfferPhrases,
        ConfirmationPhrases, NoisePhrases, NoiseSubject, PersonalPhrases, BulkHeaders,
        TrackingSystemSender, CalendarInvite, PersonalSender, DeliveryReport, ApplicationWording,
        ApplicationSubject, CvAttachment, NotApplicationWording, OutgoingReply,
        PersonalRecipient, ColdOutreach, NotAddressed, GreetingToMany, NoJobWords, NoApplicationInSight,
        OwnOtherApplication, OtherApplication,
    )
}
CHAIN = tuple(RULES)


@cache
def chain(names: tuple[str, ...] = CHAIN) -> tuple[Rule, ...]:
    """Instances of the named rules, in order."""
    return tuple(RULES[name]() for name in names)


def run_chain(facts: Facts, names: tuple[str, ...] = CHAIN) -> list[Signal]:
    """Every signal of every rule of the chain that applies to this message, in chain order.

    A gate that votes ends the chain (a message that speaks of no job). A message no rule
    votes evidence for is `none` whatever the `only_none` rules say, and most candidates
    are such (the seeker's personal mail, a platform's marketing): those rules, scanning
    the text for noise and follow-ups, run only when their vote counts."""
    rules = [rule for rule in chain(names) if rule.applies(facts)]
    for gate in (rule for rule in rules if rule.gate):
        closed = list(gate.signals(facts))
        if closed:
            return closed
    voted = {rule: list(rule.signals(facts)) for rule in rules if not rule.only_none and not rule.gate}
    if any(signal.kind is not Kind.NONE for signals in voted.values() for signal in signals):
        voted.update((rule, list(rule.signals(facts))) for rule in rules if rule.only_none)
    return [signal for rule in rules for signal in voted.get(rule, ())]


def all_signals(facts: Facts, names: tuple[str, ...] = CHAIN) -> tuple[bool, list[Signal]]:
    """(gated, signals): the gate's vote alone when it votes, else every rule's signals, the
    `only_none` rules' included: the model weighs them all."""
    rules = [rule for rule in chain(names) if rule.applies(facts)]
    for gate in (rule for rule in rules if rule.gate):
        closed = list(gate.signals(facts))
        if closed:
            return True, closed
    return False, [signal for rule in rules if not rule.gate for signal in rule.signals(facts)]
