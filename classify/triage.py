"""Cheap triage on headers: which messages ingest downloads whole.

A sync's watermark moves past whatever triage skips, and a skipped message is
never seen again. So triage is permissive: it only refuses mail that clearly
cannot be evidence — nothing job-related anywhere in its headers *and* sent in
bulk, from a personal mailbox or from an automated sender. Everything the seeker
sent, everything from a known ATS or job board, every reply or forward and every
subject or display name with a job word (French or English, accents optional)
is a candidate; so is any other mail from a person at an organisation, since a
recruiter may write "Quick question" or "Bonjour", and mail from a small business's
webmail ("Garage Moreau" <garage.moreau@gmail.com>, `boulangerie.martin@…`). Two kinds of mail are not,
whatever their words: a job board's bulk alert ("12 nouvelles offres…") that
names no application, and mail from billing or order addresses (invoices,
receipts), which no employer writes from. And two kinds pass only on words that
name hiring outright ("candidature", "recrutement", "emploi", "interview"), not on the
trade words hiring shares with commerce ("offre", "entretien", "rendez-vous",
"dossier"): mail sent in bulk (a retailer's "Votre offre exclusive", a garage chain's
"Votre entretien auto à -20 %"), which is never one employer's answer to one seeker,
and the display name of an automated sender ("La Poste" <noreply@…>), which names the
sender, not the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from carnet.classify.facts import REPLY_SUBJECT, find_relay, is_bulk, is_seekers
from carnet.classify.tables import extraction
from carnet.classify.text import fold
from carnet.ingest.message import Address

_JOB_WORDS = re.compile(
    r"candidat|postul|entretien|recrut|emploi|poste\b|offre|\bcv\b|\brh\b|\bdrh\b|embauche|"
    r"\bstage|alternance|contrat|\bcdi\b|\bcdd\b|interim|mission|convocation|rendez-vous|\brdv\b|"
    r"disponibilit|opportunit|dossier|profil|demarche|suite a|votre retour|reponse|"
    r"\bjobs?\b|applica|appl(?:y|ied)|interview|\boffer|position|\brole\b|hiring|\bhire|career|"
    r"talent|resume|vacanc|assessment|onboarding|next steps?|opportunity|\bhr\b|people team|"
    r"recruit|screen|availability|candidacy|welcome to the team|remplacement|saisonni|renfort|"
    r"\bshifts?\b|\btrial\b"
)
#: Words that name an application or a hiring outright: the only ones a mailing sent to a list may
#: pass on, for its trade words ("offre", "entretien", "rendez-vous", "contrat", "dossier") are
#: commerce's as much as hiring's.
_HIRING_WORDS = re.compile(
    r"candidat|postul|recrut|emploi|\bcv\b|\brh\b|\bdrh\b|embauche|\bstage|alternance|\bcdi\b|\bcdd\b|"
    r"entretien d.embauche|ressources humaines|\bjobs?\b|applica|appl(?:y|ied)|interview|hiring|\bhire|career|"
    r"recruit|candidacy|\bhr\b|human resources|talent|people team|contrat de travail|offer letter"
)
_AUTOMATED = re.compile(r"no-?reply|do-?not-?reply|ne-?pas-?repondre|notification|mailer|news|info@")
_BILLING = re.compile(r"^(?:factur|billing|invoice|receipt|recu|commande|order|livraison|shipping|delivery|paiement|"
                      r"payment)[^@]*@")
_ALERT = re.compile(r"\b\d+\+? (?:new|nouveaux|nouvelles) (?:\w+ )?(?:jobs?|offres?|emplois?)\b|jobs? you may|"
                    r"offres? de la semaine|offres? compatibles|emplois? similaires|nouvelles offres|job alert|"
                    r"alerte emploi|recommended jobs")
_APPLICATION_WORDS = re.compile(r"candidat|applica|appl(?:y|ied)|postul|entretien|interview|refus|reject|retenu")
_THREAD_HEADERS = ("in-reply-to", "references")


def is_candidate(subject: str, sender: Address | None, headers: Mapping[str, str],
                 folder_role: str | None, me: frozenset[str]) -> bool:
    """True unless the headers show the message cannot be evidence (see the module doc)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if is_seekers(sender, folder_role, me) or _is_thread(subject, lowered):
        return True
    if _is_board_alert(subject, sender, lowered) or _is_billing(sender):
        return False
    if sender is not None and find_relay(sender.domain) is not None:
        return True
    subject, name = fold(subject), fold(sender.name if sender else "")
    if is_bulk(lowered.get):
        return bool(_HIRING_WORDS.search(f"{subject} {name}"))
    if _JOB_WORDS.search(subject) or _HIRING_WORDS.search(name):
        return True
    if _is_automated(sender):
        return False
    return not (_is_personal(sender) and not _names_a_business(sender))


def _names_a_business(sender: Address | None) -> bool:
    """A mailbox that starts with a trade ("boulangerie.…"), a display name that is not a
    person's ("Garage Moreau", "Vert Paysage", "Élec'Pro 35" <…@gmail.com>), or a person
    writing from a mailbox not named after them ("Dave Holloway" <crownandanchor.brighton@…>):
    small businesses write from webmail; friends write from their own named mailbox."""
    if sender is None:
        return False
    tables = extraction()
    name = fold(sender.name).replace("-", " ").split()
    local = sender.email.partition("@")[0].lower()
    if any(local.startswith(head) for head in tables.business_heads):
        return True
    if not name:
        return False
    if name[0] not in tables.first_names and name[0] not in tables.honorifics:
        return True
    words = [word for word in name if len(word) >= 3 and word not in tables.honorifics]
    return bool(words) and not any(word in fold(local) for word in words)


def _is_thread(subject: str, headers: Mapping[str, str]) -> bool:
    return bool(REPLY_SUBJECT.match(subject)) or any(headers.get(h) for h in _THREAD_HEADERS)


def _is_board_alert(subject: str, sender: Address | None, headers: Mapping[str, str]) -> bool:
    """A job board's bulk list of offers: not evidence, unless it names an application."""
    if sender is None or find_relay(sender.domain) is None or not is_bulk(headers.get):
        return False
    folded = fold(subject)
    return bool(_ALERT.search(folded)) and not _APPLICATION_WORDS.search(folded)


def _is_billing(sender: Address | None) -> bool:
    return sender is not None and bool(_BILLING.search(sender.email))


def _is_personal(sender: Address | None) -> bool:
    return sender is None or sender.domain in extraction().personal_domains


def _is_automated(sender: Address | None) -> bool:
    """A no-reply or notification address: its display name ("CAF", "Darty") says who sends, not
    that a small business writes by hand, so it passes only on the job words of its subject."""
    return sender is not None and bool(_AUTOMATED.search(sender.email))
