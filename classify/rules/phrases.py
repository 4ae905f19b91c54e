"""Phrase rules for incoming mail: what the employer, its ATS or a job board says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from carnet.classify.evidence import Kind
from carnet.classify.facts import Facts
from carnet.classify.position import has_title_word
from carnet.classify.rules import Rule, Signal
from carnet.classify.rules.negation import NEGATION_REACH, clause_before, has_cue, last_words
from carnet.classify.tables import Lexicon, Phrases, lexicons
from carnet.classify.text import flat

#: How much of a message's whole text (quoted history included) shows whether it speaks of a job.
JOB_WORDS_CHARS = 8_000


class PhraseRule(Rule):
    """Matches one lexicon section; at most one strong and one weak signal per language.

    A `negatable` phrase is dropped when its clause holds a negation cue ("nous ne
    sommes pas en mesure de vous proposer un entretien"); a `hedged_to` phrase
    preceded by a conditional ("si votre profil correspond, nous vous proposerons
    un entretien") becomes a weak signal of that kind instead. A phrase that
    `looks_back` is dropped after a retrospective cue ("suite à votre entretien"), and
    after a possessive that is not the seeker's ("j'ai reçu ma promesse d'embauche",
    "his interview"): a friend's or a relative's news, not the seeker's evidence; and
    after an advice cue ("prepare for your interview with AI-powered tips"): a job
    board's tip, not an invitation.
    """

    direction = "incoming"
    section: ClassVar[str]
    kind: ClassVar[Kind]
    strong_weight: ClassVar[float]
    weak_weight: ClassVar[float]
    negatable: ClassVar[bool] = True
    hedged_to: ClassVar[Kind | None] = None
    hedges: ClassVar[str] = "hedges"
    looks_back: ClassVar[bool] = False
    stated: ClassVar[bool] = True

    def phrases(self, lexicon: Lexicon) -> Phrases:
        return lexicon.kinds[self.section]

    def kind_for(self, facts: Facts) -> Kind:
        return self.kind

    def signals(self, facts: Facts) -> Iterator[Signal]:
        for lexicon in lexicons():
            phrases = self.phrases(lexicon)
            yield from self._first(phrases.strong, facts, lexicon, strong=True)
            yield from self._first(phrases.weak, facts, lexicon, strong=False)

    def _first(self, pattern: re.Pattern[str] | None, facts: Facts, lexicon: Lexicon,
               strong: bool) -> Iterator[Signal]:
        if pattern is None:
            return
        for match in pattern.finditer(facts.text):
            signal = self._judge(match, facts, lexicon, strong)
            if signal:
                yield signal
                return

    def _judge(self, match: re.Match[str], facts: Facts, lexicon: Lexicon,
               strong: bool) -> Signal | None:
        reason = f"{self.name}({lexicon.lang}): {match.group(0)[:50]}"
        clause = clause_before(facts.text, match.start())
        if self.negatable and has_cue(clause[-NEGATION_REACH:], lexicon.negations):
            return None
        if self.looks_back and (has_cue(last_words(clause, 4), (*lexicon.retrospective, *lexicon.advice))
                                or last_words(clause, 1) in lexicon.other_owners):
            return None
        if self.hedged_to and has_cue(clause, getattr(lexicon, self.hedges)):
            return Signal(self.hedged_to, self.weak_weight, f"{reason} [hedged]")
        weight = self.strong_weight if strong else self.weak_weight
        return Signal(self.kind_for(facts), weight, reason, strong and self.stated)


class AcknowledgementPhrases(PhraseRule):
    """Receipt of an application, said by the employer or its tracking system.

    A job board's "your application is being reviewed" is a status update, not the
    application: only its confirmations (`ConfirmationPhrases`) count there.
    """

    name = "acknowledgement-phrase"
    section = "acknowledgement"
    kind = Kind.ACKNOWLEDGEMENT
    strong_weight = 0.8
    weak_weight = 0.45

    def applies(self, facts: Facts) -> bool:
        return super().applies(facts) and not _is_board(facts)


class RejectionPhrases(PhraseRule):
    name = "rejection-phrase"
    section = "rejection"
    kind = Kind.REJECTION
    strong_weight = 0.9
    weak_weight = 0.35
    negatable = False
    hedged_to = Kind.ACKNOWLEDGEMENT
    hedges = "rejection_hedges"


class InterviewPhrases(PhraseRule):
    name = "interview-phrase"
    section = "interview"
    kind = Kind.INTERVIEW
    strong_weight = 0.8
    weak_weight = 0.25
    hedged_to = Kind.ACKNOWLEDGEMENT
    looks_back = True


class OfferPhrases(PhraseRule):
    name = "offer-phrase"
    section = "offer"
    kind = Kind.OFFER
    strong_weight = 0.85
    weak_weight = 0.2
    hedged_to = Kind.ACKNOWLEDGEMENT
    looks_back = True


class ConfirmationPhrases(PhraseRule):
    """"Your application was sent/received": an application from a job board, else an ack."""

    name = "confirmation-phrase"
    kind = Kind.ACKNOWLEDGEMENT
    strong_weight = 0.8
    weak_weight = 0.4

    def phrases(self, lexicon: Lexicon) -> Phrases:
        return lexicon.confirmation

    def kind_for(self, facts: Facts) -> Kind:
        return _on_board(facts, self.kind)


def _on_board(facts: Facts, kind: Kind) -> Kind:
    """A job board's "we received / sent your application" is the application itself."""
    return Kind.APPLICATION if _is_board(facts) else kind


def _is_board(facts: Facts) -> bool:
    return facts.relay is not None and facts.relay.kind == "job_board"


class NoisePhrases(PhraseRule):
    """Job alerts, newsletters, account mail, marketing, webinars, surveys."""

    name = "noise-phrase"
    only_none = True
    kind = Kind.NONE
    strong_weight = 0.8
    weak_weight = 0.3
    negatable = False
    stated = False

    def phrases(self, lexicon: Lexicon) -> Phrases:
        return lexicon.noise


class PersonalPhrases(PhraseRule):
    """Private life: friends' wishes, health, housing, the employment service's follow-up."""

    name = "personal-phrase"
    only_none = True
    kind = Kind.NONE
    strong_weight = 0.8
    weak_weight = 0.3
    negatable = False

    def phrases(self, lexicon: Lexicon) -> Phrases:
        return lexicon.personal


class NoiseSubject(Rule):
    """Marketing and alerts say so in their subject; employers' replies do not."""

    name = "noise-subject"
    only_none = True
    direction = "incoming"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        for lexicon in lexicons():
            match = lexicon.noise.strong.search(facts.subject) if lexicon.noise.strong else None
            if match:
                yield Signal(Kind.NONE, 0.5, f"{self.name}({lexicon.lang}): {match.group(0)}", True)
                return


def _found(text: str, section: str) -> re.Match[str] | None:
    """The first match in `text` of one lexicon pattern (`Lexicon.<section>`), French first."""
    return next((match for lexicon in lexicons()
                 if (pattern := getattr(lexicon, section)) and (match := pattern.search(text))), None)


class CueUnless(Rule):
    """A cue that makes a message something else than evidence, said outright, unless a
    counter-cue says it is evidence after all; both are lexicon patterns (`Lexicon.<name>`)."""

    only_none = True
    direction = "incoming"
    cue: ClassVar[str]
    unless: ClassVar[str | None] = None
    weight: ClassVar[float] = 0.8

    def signals(self, facts: Facts) -> Iterator[Signal]:
        found = _found(facts.text, self.cue)
        if found and not (self.unless and _found(facts.text, self.unless)):
            yield Signal(Kind.NONE, self.weight, f"{self.name}: {found.group(0)[:50]}", True)


class ColdOutreach(CueUnless):
    """A recruiter's first approach ("j'ai repéré votre profil", "I came across your
    profile"): whatever call it proposes, the seeker applied to nothing, unless the
    text speaks of an application ("suite à votre candidature, j'ai vu votre profil")."""

    name = "cold-outreach"
    cue = "outreach"
    unless = "applied"


class GreetingToMany(CueUnless):
    """"Hi all," "Bonjour à tous,": a mass mailing (a temp agency's shifts to its whole pool),
    never the answer made to one seeker, whatever it asks of its readers."""

    name = "greeting-to-many"
    cue = "mass_greetings"


class NoJobWords(Rule):
    """Evidence of a job search speaks of the job: a message whose subject, text and quoted
    history hold none of the job words of either language (a doctor's appointment "confirmé
    le mardi à 10h", a bank's "votre rendez-vous avec votre conseiller") is about something
    else, whatever phrase it shares with an invitation: a gate, the rules do not run (most
    of the seeker's personal mail is such, and the phrase rules are the cost of a sync).
    A reply that names a job is exempt: "Re: Night Porter — pop into the hotel at 9am on
    Friday" answers the seeker's mail, which it need not quote; a reply that names none
    ("Re: The Once and Future OS") is about something else."""

    name = "no-job-words"
    gate = True
    direction = "any"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        if _found(facts.text, "job_words") or (facts.is_reply and has_title_word(facts.text)):
            return  # the new text mostly says it: the cheap look first
        if not _found(flat(f"{facts.message.subject} .\n{facts.message.text[:JOB_WORDS_CHARS]}"), "job_words"):
            yield Signal(Kind.NONE, 1.0, self.name, True)


class OtherApplication(CueUnless):
    """An application for something else than a job: a flat ("votre candidature pour le logement
    T3"), a degree ("your application to the MSc"), volunteering. The text names that other
    context and none of a job's own words (post, role, contract, hiring…)."""

    name = "other-application"
    cue = "other_context"
    unless = "own_job_words"
    weight = 0.9


class OwnOtherApplication(Rule):
    """The seeker's own application for something else than a job: "my application documents
    for the MSc, including my CV", "ma candidature au Master 2", a tenant's file. The text
    names that other context and none of a job's own words, and its subject names no job's
    title ("Application – Admissions Officer" is a job's): a gate, as a CV and "please find
    attached" would otherwise read as an application to an employer."""

    name = "own-other-application"
    gate = True
    direction = "outgoing"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        subject = flat(facts.subject)
        text = f"{subject} .\n{facts.text}"
        found = _found(text, "other_context")
        if found and not _found(text, "own_job_words") and not has_title_word(subject):
            yield Signal(Kind.NONE, 1.0, f"{self.name}: {found.group(0)[:50]}", True)
