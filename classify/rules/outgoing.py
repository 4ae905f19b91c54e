"""Rules for the seeker's own mail: an application, or anything else (`none`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from carnet.classify.evidence import Kind
from carnet.classify.facts import Facts
from carnet.classify.position import has_title_word
from carnet.classify.rules import Rule, Signal
from carnet.classify.tables import extraction, lexicons
from carnet.classify.text import flat

_CV_FILE = re.compile(
    r"\b(?:cv|c\.v|resume|résumé|curriculum|lettre[ _-]?de[ _-]?motivation|lm|cover[ _-]?letter|"
    r"candidature|application|motivation)\b|^cv|cv[._ -]",
    re.I,
)
_DOCUMENT = re.compile(r"\.(?:pdf|docx?|odt|rtf)$", re.I)
_SUBJECT_WORDS = re.compile(
    r"\b(?:candidature|postuler|application|applying|cv|resume|poste|position|offre|job|stage|"
    r"alternance)\b"
)


def _cv_attached(facts: Facts) -> bool:
    """A CV or cover letter among the attachments, by its file name."""
    return any(_CV_FILE.search(a.filename) for a in facts.message.attachments if a.filename)


#: "chez le médecin", "chez mon garagiste": a visit to someone of a trade, not a job they hold.
_VISIT = re.compile(r"\bchez (?:le |la |l'|mon |ma |un |une |les )?[\w-]+", re.I)


class NoApplicationInSight(Rule):
    """The seeker's own mail is an application only if it shows one somewhere a reader
    looks first: applying wording in the new text, a CV or cover letter attached, or a
    subject that names a job ("livreur", "Demande d'emploi", "Annonce mécanicien"). Mail
    to a friend that speaks of the boiler's "entretien" and a "rendez-vous" shows none of
    them: a gate, the model is not asked (the corpus's sent mail is mostly applications,
    so a model alone leans to reading any sent mail as one)."""

    name = "no-application-in-sight"
    gate = True
    direction = "outgoing"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        subject = flat(facts.subject)
        if (has_title_word(_VISIT.sub(" ", subject))
                or _cv_attached(facts)
                or any(pattern.search(text) for lexicon in lexicons()
                       for pattern, text in ((lexicon.job_words, subject), (lexicon.outgoing_application, facts.text))
                       if pattern is not None)):
            return
        yield Signal(Kind.NONE, 1.0, self.name, True)


class ApplicationWording(Rule):
    """Candidature wording in the new text (quotes are already cut)."""

    name = "application-wording"
    direction = "outgoing"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        found = {
            match.group(0)
            for lexicon in lexicons()
            if lexicon.outgoing_application is not None
            for match in lexicon.outgoing_application.finditer(facts.text)
        }
        if found:
            weight = 1 - 0.45 * 0.5 ** (len(found) - 1)
            yield Signal(Kind.APPLICATION, weight, f"{self.name}: {sorted(found)[0][:50]}", True)


class ApplicationSubject(Rule):
    name = "application-subject"
    direction = "outgoing"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        match = _SUBJECT_WORDS.search(facts.subject)
        if match:
            yield Signal(Kind.APPLICATION, 0.35, f"{self.name}: {match.group(0)}")


class CvAttachment(Rule):
    """A CV or cover letter attached; any other document counts a little."""

    name = "cv-attachment"
    direction = "outgoing"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        if _cv_attached(facts):
            yield Signal(Kind.APPLICATION, 0.6, self.name, True)
        elif any(_DOCUMENT.search(a.filename) for a in facts.message.attachments if a.filename):
            yield Signal(Kind.APPLICATION, 0.25, f"{self.name}: document")


class NotApplicationWording(Rule):
    """A follow-up, a thank-you, a request for advice, a confirmation of availability."""

    name = "not-application-wording"
    only_none = True
    direction = "outgoing"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        for strong in (True, False):
            for lexicon in lexicons():
                pattern = (lexicon.outgoing_not_application if strong
                           else lexicon.outgoing_not_application_weak)
                match = pattern.search(facts.text) if pattern else None
                if match:
                    reason = f"{self.name}({lexicon.lang}): {match.group(0)[:50]}"
                    yield Signal(Kind.NONE, 0.85 if strong else 0.4, reason, strong)
                    return


class OutgoingReply(Rule):
    """Answering a thread the seeker did not start is rarely an application."""

    name = "outgoing-reply"
    only_none = True
    direction = "outgoing"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        if facts.is_reply:
            yield Signal(Kind.NONE, 0.45, self.name)


class PersonalRecipient(Rule):
    """Mail to oneself is never an application; to a personal mailbox, weakly not one."""

    name = "personal-recipient"
    only_none = True
    direction = "outgoing"

    def signals(self, facts: Facts) -> Iterator[Signal]:
        recipient = facts.counterpart
        if recipient is None:
            yield Signal(Kind.NONE, 0.9, f"{self.name}: to oneself", True)
        elif recipient.domain in extraction().personal_domains:
            yield Signal(Kind.NONE, 0.5, self.name)
