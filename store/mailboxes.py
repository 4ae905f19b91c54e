"""Seekers and their linked mailboxes."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from carnet.ingest.connection import Account
from carnet.store.models import Mailbox, Seeker
from carnet.store.secrets import decrypt, encrypt
from sqlalchemy import select
from sqlalchemy.orm import Session


class MailboxStatus(StrEnum):
    """Whether a mailbox is synced; stored as these strings (`Mailbox.status`)."""

    ACTIVE = "active"
    #: The server refused the credentials: nothing is tried until the seeker links it again.
    NEEDS_RELINK = "needs_relink"


def get_or_create_seeker(session: Session, name: str) -> Seeker:
    seeker = session.scalar(select(Seeker).where(Seeker.name == name))
    if seeker is None:
        seeker = Seeker(name=name, created_at=datetime.now(UTC))
        session.add(seeker)
        session.flush()
    return seeker


def link_mailbox(session: Session, key: str, account: Account, seeker_name: str) -> Mailbox:
    """Store (or update) a mailbox whose credentials were checked; due at once."""
    seeker = get_or_create_seeker(session, seeker_name)
    now = datetime.now(UTC)
    mailbox = session.scalar(
        select(Mailbox).where(
            Mailbox.host == account.host, Mailbox.port == account.port, Mailbox.username == account.username
        )
    )
    if mailbox is None:
        mailbox = Mailbox(host=account.host, port=account.port, username=account.username, created_at=now)
        session.add(mailbox)
    mailbox.seeker_id = seeker.id
    mailbox.security = account.security
    mailbox.secret = encrypt(key, account.password)
    mailbox.addresses = account.username.lower() if "@" in account.username else (mailbox.addresses or "")
    mailbox.status = MailboxStatus.ACTIVE
    mailbox.failures = 0
    mailbox.last_error = None
    mailbox.next_due_at = now
    session.flush()
    return mailbox


def account_of(mailbox: Mailbox, key: str) -> Account:
    return Account(
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=decrypt(key, mailbox.secret),
    )


def remember_addresses(mailbox: Mailbox, addresses: set[str]) -> None:
    """Add the seeker's own addresses learned from their Sent folder."""
    known = mailbox.address_set
    if not addresses <= known:
        mailbox.addresses = ",".join(sorted(known | addresses))
