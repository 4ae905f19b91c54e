"""A counsellor's list: the seekers who granted them access, each summed up in one row.

The whole list is one statement (the consents, joined to per-seeker aggregates
of mailboxes and events computed only for those seekers), so its cost does not
grow with a query per seeker: 500 seekers are one round trip. The counts leave
out the entries the seeker dismissed, as her counsellor's view of her logbook does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from carnet.classify.evidence import Kind
from carnet.ingest.message import ProofLevel
from carnet.store.mailboxes import MailboxStatus
from carnet.store.models import Account, Consent, Event, Mailbox, Review, Seeker, UtcDateTime
from carnet.store.reviews import DISMISSALS
from sqlalchemy import Select, case, func, select, type_coerce
from sqlalchemy.orm import Session

SILENCE = timedelta(days=30)


class Alert(StrEnum):
    """What a counsellor should look at; each has a label `alert_<value>` in `config/messages.toml`."""

    RECONNECT = "reconnect"
    SILENT = "silent"
    NO_MAILBOX = "no_mailbox"


@dataclass(frozen=True)
class SeekerSummary:
    seeker_id: int
    name: str
    email: str | None
    granted_at: datetime
    last_sync_at: datetime | None
    entries_this_month: int
    verified_replies: int
    last_entry: date | None
    alerts: tuple[Alert, ...]


def consented_seekers(session: Session, counsellor_id: int, today: date | None = None) -> list[SeekerSummary]:
    """The seekers whose active grant names this counsellor, by name."""
    today = today or datetime.now(UTC).date()
    return [_summary(row, today) for row in session.execute(_list_query(counsellor_id, today.replace(day=1)))]


def _list_query(counsellor_id: int, month_start: date) -> Select:
    consented = (select(Consent.seeker_id, Consent.granted_at)
                 .where(Consent.counsellor_id == counsellor_id, Consent.revoked_at.is_(None))).subquery()
    mail = _mailbox_totals(select(consented.c.seeker_id))
    events = _event_totals(select(consented.c.seeker_id), month_start)
    return (
        select(Seeker.id, Seeker.name, Account.email, consented.c.granted_at, mail.c.last_sync_at,
               mail.c.mailboxes, mail.c.to_relink, events.c.this_month, events.c.verified_replies,
               events.c.last_entry)
        .select_from(consented)
        .join(Seeker, Seeker.id == consented.c.seeker_id)
        .outerjoin(Account, Account.seeker_id == Seeker.id)
        .outerjoin(mail, mail.c.seeker_id == Seeker.id)
        .outerjoin(events, events.c.seeker_id == Seeker.id)
        .order_by(Seeker.name, Seeker.id)
    )


def _mailbox_totals(seekers: Select):
    return (select(Mailbox.seeker_id, type_coerce(func.max(Mailbox.last_sync_at), UtcDateTime).label("last_sync_at"),
                   func.count().label("mailboxes"),
                   func.sum(case((Mailbox.status == MailboxStatus.NEEDS_RELINK, 1), else_=0)).label("to_relink"))
            .where(Mailbox.seeker_id.in_(seekers)).group_by(Mailbox.seeker_id)).subquery()


def _event_totals(seekers: Select, month_start: date):
    """Per seeker: entries this month, verified replies, the last entry's date; entries she dismissed left out."""
    reply = (Event.kind != Kind.APPLICATION.value) & (Event.verification != ProofLevel.NONE.value)
    return (select(Event.seeker_id, func.count().filter(Event.date >= month_start).label("this_month"),
                   func.count().filter(reply).label("verified_replies"),
                   func.max(Event.date).label("last_entry"))
            .where(Event.seeker_id.in_(seekers), Event.id.not_in(_dismissed(seekers)))
            .group_by(Event.seeker_id)).subquery()


def _dismissed(seekers: Select) -> Select:
    """The entries whose latest review is a dismissal (a later confirmation or correction takes it back)."""
    latest = (select(Review.event_id, func.max(Review.seq).label("seq"))
              .where(Review.seeker_id.in_(seekers), Review.event_id.is_not(None))
              .group_by(Review.event_id)).subquery()
    return (select(Review.event_id)
            .join(latest, (Review.event_id == latest.c.event_id) & (Review.seq == latest.c.seq))
            .where(Review.action.in_([action.value for action in DISMISSALS])))


def _summary(row, today: date) -> SeekerSummary:
    return SeekerSummary(
        seeker_id=row.id, name=row.name, email=row.email, granted_at=row.granted_at,
        last_sync_at=row.last_sync_at, entries_this_month=row.this_month or 0,
        verified_replies=row.verified_replies or 0, last_entry=row.last_entry,
        alerts=_alerts(row.mailboxes or 0, row.to_relink or 0, row.last_entry, today),
    )


def _alerts(mailboxes: int, to_relink: int, last_entry: date | None, today: date) -> tuple[Alert, ...]:
    alerts = []
    if mailboxes == 0:
        alerts.append(Alert.NO_MAILBOX)
    if to_relink:
        alerts.append(Alert.RECONNECT)
    if last_entry is None or last_entry < today - SILENCE:
        alerts.append(Alert.SILENT)
    return tuple(alerts)

