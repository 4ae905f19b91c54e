"""Claiming due mailboxes through the database, so workers never sync one twice.

A claim is a compare-and-set on the lease columns, which is atomic on both
SQLite and PostgreSQL; on PostgreSQL the candidates are first picked with
`FOR UPDATE SKIP LOCKED` so that workers do not queue behind each other's rows.

The compare-and-set updates refresh mailboxes already loaded in the session from
the database ("fetch"): SQLAlchemy's default evaluates the WHERE clause in
Python, which fails on SQLite's naive datetimes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from carnet.store.mailboxes import MailboxStatus
from carnet.store.models import Mailbox
from sqlalchemy import Update, or_, select, update
from sqlalchemy.orm import Session


def _due(now: datetime):
    return (
        (Mailbox.status == MailboxStatus.ACTIVE)
        & (Mailbox.next_due_at <= now)
        & or_(Mailbox.lease_expires_at.is_(None), Mailbox.lease_expires_at < now)
    )


def claim_due(session: Session, worker: str, lease: timedelta, limit: int, now: datetime | None = None) -> list[int]:
    """Lease up to `limit` due mailboxes to `worker`; return their ids."""
    now = now or datetime.now(UTC)
    query = select(Mailbox.id).where(_due(now)).order_by(Mailbox.next_due_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for mailbox_id in session.scalars(query).all():
        statement = update(Mailbox).where(Mailbox.id == mailbox_id, _due(now))
        if _compare_and_set(session, statement.values(lease_owner=worker, lease_expires_at=now + lease)):
            claimed.append(mailbox_id)
    return claimed


def claim_one(
    session: Session, mailbox_id: int, worker: str, lease: timedelta, dead_owner: str | None = None
) -> bool:
    """Lease one mailbox now, due or not (for `carnet sync`), unless another holds it.

    `dead_owner` names a holder the caller knows is gone (a crashed process on this
    machine): its lease is taken over at once instead of waiting for it to expire.
    """
    now = datetime.now(UTC)
    free = or_(Mailbox.lease_expires_at.is_(None), Mailbox.lease_expires_at < now, Mailbox.lease_owner == worker)
    if dead_owner is not None:
        free = free | (Mailbox.lease_owner == dead_owner)
    return _compare_and_set(
        session,
        update(Mailbox).where(Mailbox.id == mailbox_id, free).values(lease_owner=worker, lease_expires_at=now + lease),
    )


def renew(session: Session, mailbox_id: int, worker: str, lease: timedelta) -> bool:
    """Extend a held lease; False when it was lost (expired and taken by another)."""
    return _compare_and_set(
        session,
        update(Mailbox)
        .where(Mailbox.id == mailbox_id, Mailbox.lease_owner == worker)
        .values(lease_expires_at=datetime.now(UTC) + lease),
    )


def _compare_and_set(session: Session, statement: Update) -> bool:
    """Run a guarded UPDATE of one mailbox; True when its condition held and it applied."""
    result = session.execute(statement, execution_options={"synchronize_session": "fetch"})
    return result.rowcount == 1


def release_success(session: Session, mailbox: Mailbox, interval: timedelta, worker: str) -> bool:
    """Record a finished pass and free the lease; due again after `interval`.

    Nothing changes unless `worker` still holds the lease: a
    worker whose lease expired and was claimed by another must not free the
    other's lease (a third worker could then sync the mailbox at the same time).
    """
    if not _holds(session, mailbox, worker):
        return False
    now = datetime.now(UTC)
    mailbox.lease_owner = None
    mailbox.lease_expires_at = None
    mailbox.failures = 0
    mailbox.last_error = None
    mailbox.last_sync_at = now
    mailbox.next_due_at = now + interval
    return True


def release_failure(
    session: Session, mailbox: Mailbox, error: str, retryable: bool, max_backoff: int, worker: str
) -> bool:
    """Back off exponentially with full jitter; a non-retryable error parks the mailbox.

    `worker` guards the release as in `release_success`.
    """
    if not _holds(session, mailbox, worker):
        return False
    now = datetime.now(UTC)
    mailbox.lease_owner = None
    mailbox.lease_expires_at = None
    mailbox.failures += 1
    mailbox.last_error = error[:2000]
    if not retryable:
        mailbox.status = MailboxStatus.NEEDS_RELINK
        return True
    mailbox.next_due_at = now + timedelta(seconds=backoff_seconds(mailbox.failures, max_backoff))
    return True


def _holds(session: Session, mailbox: Mailbox, worker: str) -> bool:
    """Whether `worker` holds the lease, read again under a row lock (no claim can slip in)."""
    session.refresh(mailbox, ["lease_owner"], with_for_update=True)
    return mailbox.lease_owner == worker


def backoff_seconds(failures: int, max_backoff: int, base: float = 30.0) -> float:
    ceiling = min(max_backoff, base * 2 ** min(failures - 1, 20))
    return random.uniform(ceiling / 2, ceiling)
