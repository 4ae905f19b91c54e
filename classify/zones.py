"""A message cut into the zones the model reads, each bounded in length.

A newsletter's 60 KB cost no more than its opening: the model reads the subject,
the opening of the new text (quoted history, forwarded blocks and the signature set
apart, at most `OPENING_CHARS`), the start of the signature, the attachments' names
and types, and a few facts of the headers: who sends (the seeker, a relay of the
registry, a personal mailbox, an automated address, an organisation and the kind of body its
address names), the words of an organisation's address, bulk and list
headers, a thread (In-Reply-To, References, a reply prefix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from carnet.classify.facts import Facts
from carnet.classify.tables import extraction, lexicons
from carnet.classify.text import flat, fold

OPENING_CHARS = 1500
SIGNATURE_CHARS = 300
_AUTOMATED = re.compile(r"no-?reply|do-?not-?reply|ne-?pas-?repondre|notification|mailer|news|info@|alert")
_FORWARD = re.compile(r"^\s*(?:tr|fwd?|fw|wg)\s*:", re.I)
_ADDRESS_WORD = re.compile(r"[a-z]+")
_REPLY = re.compile(r"^\s*(?:re|aw|sv)\s*(?:\[\d+\])?\s*:", re.I)


@dataclass(frozen=True)
class Zones:
    """What the model reads of one message: short texts and header facts."""

    role: tuple[str, ...]
    subject: str
    opening: str
    signature: str
    attachments: tuple[str, ...]
    flags: tuple[str, ...]
    #: The words of an organisation's address ("admissions", "univ", "nantes"; "recrutement",
    #: "transports"): what kind of mailbox, of what kind of body, the other party is. Empty for
    #: a person's own mailbox and a relay of the registry, whose words say nothing of that.
    party: str = ""


def zones_of(facts: Facts) -> Zones:
    message = facts.message
    return Zones(
        role=_role(facts),
        subject=flat(message.subject)[:300],
        opening=flat(facts.body.decisive[:OPENING_CHARS]),
        signature=flat(facts.body.full[len(facts.body.decisive):][:SIGNATURE_CHARS]),
        attachments=tuple(_attachment(a.filename, a.content_type) for a in message.attachments[:10]),
        flags=_flags(facts),
        party=_party(facts),
    )


def _party(facts: Facts) -> str:
    party = facts.counterpart
    if party is None or facts.relay is not None or party.domain in extraction().personal_domains:
        return ""
    local, _, domain = party.email.partition("@")
    return " ".join(_ADDRESS_WORD.findall(f"{local} {domain.rpartition('.')[0]}"))


def _role(facts: Facts) -> tuple[str, ...]:
    """Who the other party is: direction first, then the kind of address."""
    direction = "out" if facts.outgoing else "in"
    party = facts.counterpart
    if party is None:
        return (direction, f"{direction}:nobody")
    roles = [direction]
    if facts.relay is not None:
        roles += [f"{direction}:relay:{facts.relay.kind}", f"{direction}:relay={facts.relay.name}"]
    elif party.domain in extraction().personal_domains:
        roles.append(f"{direction}:personal")
    else:
        roles.append(f"{direction}:organisation")
        words = set(_ADDRESS_WORD.findall(party.email.replace("@", " ")))
        roles += [f"{direction}:kind:{kind}" for kind, names in extraction().organisation_kinds.items()
                  if words & names]
    if _AUTOMATED.search(party.email):
        roles.append(f"{direction}:automated")
    if party.name and fold(party.name).split()[:1] and fold(party.name).split()[0] in extraction().business_heads:
        roles.append(f"{direction}:business-name")
    return tuple(roles)


def _speaks_of_a_job(text: str) -> bool:
    return any(lexicon.job_words is not None and lexicon.job_words.search(text) for lexicon in lexicons())


def _attachment(filename: str, content_type: str) -> str:
    return f"{fold(filename or '')[:80]} {content_type.lower()}"


def _flags(facts: Facts) -> tuple[str, ...]:
    message = facts.message
    content_type = (message.header("content-type") or "").lower()
    candidates = {
        "bulk": facts.bulk,
        "list-id": bool(message.header("list-id")),
        "unsubscribe": bool(message.header("list-unsubscribe")),
        "auto-submitted": (message.header("auto-submitted") or "no").lower() != "no",
        "in-reply-to": bool(message.in_reply_to),
        "references": bool(message.references),
        "reply-subject": bool(_REPLY.match(message.subject)),
        "forward-subject": bool(_FORWARD.match(message.subject)),
        "quoted": len(facts.body.full) < len(message.text.strip()) - 20,
        "report": content_type.startswith("multipart/report"),
        "calendar": any(a.content_type == "text/calendar" or a.filename.lower().endswith(".ics")
                        for a in message.attachments),
        "not-addressed": not facts.addressed,
        "no-text": not facts.body.decisive.strip(),
        "short": len(facts.body.decisive) < 400,
        "long": len(message.text) > 5000,
        "no-job-words": not _speaks_of_a_job(facts.text),
    }
    return tuple(name for name, present in candidates.items() if present)
