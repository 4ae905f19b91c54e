"""The access log: every counsellor view of a seeker's pages or files, for the seeker to read.

A row names who looked (the account, and its address at that moment, so the row
still says who it was once the account is gone), which seeker, what was seen
(an `Access`, plus the entry or period it concerned) and when. Rows are only
ever added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from carnet.store.models import AccessRecord, Account, Event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

DEFAULT_PAGE = 100


class Access(StrEnum):
    """What a counsellor saw; each has a label `access_<value>` in `config/messages.toml`."""

    JOURNAL = "journal"
    ENTRY = "entry"
    ORIGINAL = "original"
    EXPORT = "export"


@dataclass(frozen=True)
class AccessView:
    """One line of the seeker's access log."""

    viewer_name: str
    viewer_email: str
    what: Access
    detail: str
    at: datetime


def record_access(session: Session, viewer: Account, seeker_id: int, what: Access, detail: str = "",
                  now: datetime | None = None) -> None:
    """Write that `viewer` saw `what` of the seeker's (in the caller's transaction)."""
    session.add(AccessRecord(seeker_id=seeker_id, account_id=viewer.id, viewer_email=viewer.email,
                             viewer_name=viewer.name or "", what=Access(what).value, detail=detail[:200],
                             at=now or datetime.now(UTC)))


def access_log(session: Session, seeker_id: int, limit: int = DEFAULT_PAGE, offset: int = 0) -> list[AccessView]:
    """The seeker's access log, newest first."""
    rows = session.execute(
        select(AccessRecord, Account.name, Account.email)
        .outerjoin(Account, Account.id == AccessRecord.account_id)
        .where(AccessRecord.seeker_id == seeker_id)
        .order_by(AccessRecord.at.desc(), AccessRecord.id.desc())
        .limit(limit).offset(offset)
    )
    return [_view(record, name, email) for record, name, email in rows]


def access_count(session: Session, seeker_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AccessRecord).where(AccessRecord.seeker_id == seeker_id))


def _view(record: AccessRecord, name: str | None, email: str | None) -> AccessView:
    email = email or record.viewer_email
    return AccessView(viewer_name=name or record.viewer_name or email, viewer_email=email,
                      what=Access(record.what), detail=record.detail, at=record.at)


@dataclass(frozen=True)
class SeenEntry:
    kind: str
    company: str | None
    date: date | None


def seen_entries(session: Session, seeker_id: int, event_ids: set[int]) -> dict[int, SeenEntry]:
    """What the seeker's entries named in her log are, in one query (only her own entries)."""
    if not event_ids:
        return {}
    rows = session.execute(select(Event.id, Event.kind, Event.company, Event.date)
                           .where(Event.seeker_id == seeker_id, Event.id.in_(event_ids)))
    return {row.id: SeenEntry(row.kind, row.company, row.date) for row in rows}
