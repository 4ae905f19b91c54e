"""An entry's source message, for showing it: the decoded headers and the text, never its HTML.

The text is what the parser keeps as the message's text (the plain part, or the
HTML part turned into text by `ingest.html`), so a page shows it escaped and
inert. The raw bytes are read for one entry at a time only.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from carnet.ingest.parse import parse_message
from carnet.store.models import Event, SourceMessage
from sqlalchemy import select
from sqlalchemy.orm import Session

SHOWN_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "Authentication-Results")


@dataclass(frozen=True)
class Source:
    event: Event
    message: SourceMessage
    headers: list[tuple[str, str]]
    text: str
    attachments: list[str]


def owned_source(session: Session, seeker_id: int, event_id: int) -> tuple[Event, SourceMessage] | None:
    """The entry and its source when the entry is the seeker's; None otherwise."""
    row = session.execute(select(Event, SourceMessage).join(SourceMessage, SourceMessage.id == Event.source_message_id)
                          .where(Event.id == event_id, Event.seeker_id == seeker_id)).first()
    return (row[0], row[1]) if row else None


def original_bytes(message: SourceMessage) -> bytes:
    return zlib.decompress(message.raw)


def readable_source(event: Event, message: SourceMessage) -> Source:
    """Headers in message order and the text, for display."""
    parsed = parse_message(original_bytes(message))
    headers = [(name, value) for name in SHOWN_HEADERS for value in parsed.headers.get(name.lower(), ())]
    names = [attachment.filename or "(sans nom)" for attachment in parsed.attachments]
    return Source(event, message, headers, parsed.text, names)
