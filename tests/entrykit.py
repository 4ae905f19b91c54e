"""Logbook entries written straight into a test database, chained like the worker's.

For store and web tests that need a seeker's logbook in a given shape (a kind, a
date, a proof) without a sync: each entry gets a mailbox, a small real message,
its source row and an event whose hash extends the seeker's chain, so `carnet
verify` and the export hold on them.
"""

from __future__ import annotations

import hashlib
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from carnet.store.chain import GENESIS, event_content, event_hash
from carnet.store.models import Application, Event, Mailbox, SourceMessage
from sqlalchemy import select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Entry:
    kind: str
    day: date
    company: str = "Decathlon"
    position: str = "Vendeur conseil"
    verification: str = "none"
    subject: str = ""
    body: str = "Bonjour,\n\nMerci pour votre candidature.\n"


def mailbox_for(session: Session, seeker_id: int, status: str = "active",
                last_sync_at: datetime | None = None) -> Mailbox:
    """A mailbox row for the seeker (no server behind it)."""
    now = datetime.now(UTC)
    mailbox = Mailbox(seeker_id=seeker_id, host="127.0.0.1", port=143, security="plain",
                      username=f"seeker{seeker_id}-{uuid.uuid4().hex[:12]}", secret=b"-", status=status,
                      next_due_at=now, last_sync_at=last_sync_at, created_at=now)
    session.add(mailbox)
    session.flush()
    return mailbox


def add_entries(session: Session, mailbox: Mailbox, entries: list[Entry]) -> list[Event]:
    return [add_entry(session, mailbox, entry) for entry in entries]


def add_entry(session: Session, mailbox: Mailbox, entry: Entry) -> Event:
    message_id = make_msgid(domain="example.fr")
    raw = _message(entry, message_id)
    source = SourceMessage(mailbox_id=mailbox.id, sha256=hashlib.sha256(raw).hexdigest(),
                           message_id=message_id, sent_at=_noon(entry.day),
                           from_addr="recrutement@example.fr", to_addrs="seeker@example.fr",
                           subject=entry.subject or _subject(entry), outgoing=entry.kind == "application",
                           raw=zlib.compress(raw), recorded_at=datetime.now(UTC))
    application = Application(seeker_id=mailbox.seeker_id, company=entry.company, position=entry.position,
                              channel="email", type="ad_response", first_date=entry.day)
    session.add_all([source, application])
    session.flush()
    event = Event(seeker_id=mailbox.seeker_id, application_id=application.id, source_message_id=source.id,
                  kind=entry.kind, date=entry.day, company=entry.company, position=entry.position,
                  verification=entry.verification, confidence=0.9, reasons="test", channel="email",
                  application_type="ad_response", recorded_at=datetime.now(UTC))
    _chain(session, event, source.sha256)
    session.add(event)
    session.flush()
    return event


def _chain(session: Session, event: Event, sha256: str) -> None:
    last = session.execute(select(Event.seq, Event.hash).where(Event.seeker_id == event.seeker_id)
                           .order_by(Event.seq.desc()).limit(1)).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    event.seq, event.prev_hash = seq + 1, prev
    event.hash = event_hash(prev, event_content(event), sha256)


def _message(entry: Entry, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Recrutement <recrutement@example.fr>"
    message["To"] = "seeker@example.fr"
    message["Subject"] = entry.subject or _subject(entry)
    message["Date"] = format_datetime(_noon(entry.day))
    message["Message-ID"] = message_id
    message.set_content(entry.body)
    return message.as_bytes()


def _subject(entry: Entry) -> str:
    return f"{entry.kind} : {entry.position} chez {entry.company}"


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
