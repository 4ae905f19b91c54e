"""What the rules look at: one message read once, with its direction and relay."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from carnet.classify.evidence import Context
from carnet.classify.tables import Relay, lexicons, relay_by_domain
from carnet.classify.text import Body, flat, split_body
from carnet.ingest.message import Address, Message

SENT_ROLES = frozenset({"sent", "\\sent"})
#: What is read of a body at all (a newsletter's 60 KB cost no more than this), and what the
#: phrase rules read of its new text: evidence says what it is near the top.
BODY_CHARS = 6_000
TEXT_CHARS = 2_000
#: "Re:", "TR:", "Fwd:", "AW:"… at the start of a subject: the message answers or forwards another.
REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv|tr|fwd?|wg)\s*(?:\[\d+\])?\s*:", re.I)
BULK_HEADERS = ("list-unsubscribe", "list-id")


@dataclass(frozen=True)
class Facts:
    """A message as the rules see it.

    `text` is the folded, flattened subject and new body without signature, its first
    `TEXT_CHARS`: the part phrase rules decide on. `counterpart` is the other party: the sender of
    incoming mail, the first recipient who is not the seeker for outgoing mail.
    """

    message: Message
    outgoing: bool
    relay: Relay | None
    counterpart: Address | None
    subject: str
    text: str
    body: Body
    bulk: bool
    is_reply: bool
    #: The seeker is among the visible recipients (To, Cc); False only when the seeker's
    #: addresses are known and none is there (a mass mailing sent in Bcc).
    addressed: bool = True


def read_facts(message: Message, context: Context) -> Facts:
    outgoing = is_outgoing(message, context)
    counterpart = _counterpart(message, context.me) if outgoing else message.sender
    body = split_body(message.text[:BODY_CHARS], *_markers())
    return Facts(
        message=message,
        outgoing=outgoing,
        relay=find_relay(counterpart.domain) if counterpart else None,
        counterpart=counterpart,
        subject=flat(message.subject),
        text=flat(f"{message.subject} .\n{body.decisive[:TEXT_CHARS]}"),
        body=body,
        bulk=is_bulk(message.header),
        is_reply=bool(message.in_reply_to or REPLY_SUBJECT.match(message.subject)),
        addressed=not context.me or any(a.email in context.me for a in (*message.to, *message.cc)),
    )


def is_outgoing(message: Message, context: Context) -> bool:
    """Sent by the seeker: found in a sent folder, or from one of their addresses."""
    return is_seekers(message.sender, context.folder_role, context.me)


def is_seekers(sender: Address | None, folder_role: str | None, me: frozenset[str]) -> bool:
    """The one answer to "is this the seeker's own mail?", for triage and rules alike."""
    return (folder_role or "").lower() in SENT_ROLES or (sender is not None and sender.email in me)


def is_bulk(header: Callable[[str], str | None]) -> bool:
    """Sent to a list or in bulk, from the headers `header(name)` answers (lower-case names)."""
    precedence = (header("precedence") or "").strip().lower()
    return precedence in {"bulk", "list", "junk"} or any(header(name) for name in BULK_HEADERS)


def find_relay(domain: str) -> Relay | None:
    """The registry entry whose domain is `domain` or a parent of it."""
    labels = domain.lower().split(".")
    registry = relay_by_domain()
    for i in range(len(labels) - 1):
        relay = registry.get(".".join(labels[i:]))
        if relay:
            return relay
    return None


def _counterpart(message: Message, me: frozenset[str]) -> Address | None:
    others = [a for a in (*message.to, *message.cc) if a.email not in me]
    return others[0] if others else None


@cache
def _markers() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    quotes = tuple(p for lexicon in lexicons() for p in lexicon.quote_starts)
    signatures = tuple(p for lexicon in lexicons() for p in lexicon.signature_starts)
    return quotes, signatures
