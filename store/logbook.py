"""The logbook: a seeker's events in date order, as rows for display and export."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from carnet.store.models import Event, Mailbox, Seeker, SourceMessage
from sqlalchemy import select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class LogbookRow:
    id: int
    seeker: str
    mailbox_id: int
    application_id: int
    date: date | None
    kind: str
    company: str | None
    position: str | None
    verification: str
    channel: str
    application_type: str | None
    demarche: str | None
    confidence: float
    message_id: str | None
    subject: str
    reasons: str

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data


def logbook_rows(
    session: Session,
    mailbox_id: int | None = None,
    seeker: str | None = None,
    start: date | None = None,
    end: date | None = None,
    in_doubt: bool = False,
) -> list[LogbookRow]:
    """The entries in scope; those in doubt (waiting for the seeker's review) only with `in_doubt`."""
    query = (
        select(Event, SourceMessage, Seeker.name)
        .join(SourceMessage, SourceMessage.id == Event.source_message_id)
        .join(Seeker, Seeker.id == Event.seeker_id)
        .order_by(Seeker.name, Event.date, Event.seq)
    )
    if mailbox_id is not None:
        query = query.where(SourceMessage.mailbox_id == mailbox_id)
    if seeker is not None:
        query = query.where(Seeker.name == seeker)
    if start is not None:
        query = query.where(Event.date >= start)
    if end is not None:
        query = query.where(Event.date <= end)
    if not in_doubt:
        query = query.where(Event.in_doubt.is_(False))
    return [_row(event, source, name) for event, source, name in session.execute(query)]


def _row(event: Event, source: SourceMessage, seeker: str) -> LogbookRow:
    return LogbookRow(
        id=event.id,
        seeker=seeker,
        mailbox_id=source.mailbox_id,
        application_id=event.application_id,
        date=event.date,
        kind=event.kind,
        company=event.company,
        position=event.position,
        verification=event.verification,
        channel=event.channel,
        application_type=event.application_type,
        demarche=event.demarche,
        confidence=round(event.confidence, 3),
        message_id=source.message_id,
        subject=source.subject,
        reasons=event.reasons,
    )


def mailbox_ids(session: Session) -> list[int]:
    """Every linked mailbox (a mailbox its seeker removed has no secret left to sync with; imports are no server)."""
    return list(session.scalars(select(Mailbox.id).where(Mailbox.status.notin_(("removed", "imported")))
                                .order_by(Mailbox.id)))
