"""Seekers and their linked mailboxes."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from carnet.config.providers import LoginKind
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
    #: Holds what `carnet import` read from mailbox files: never synced (`store.imports`).
    IMPORTED = "imported"


def get_or_create_seeker(session: Session, name: str) -> Seeker:
    seeker = session.scalar(select(Seeker).where(Seeker.name == name))
    if seeker is None:
        seeker = Seeker(name=name, created_at=datetime.now(UTC))
        session.add(seeker)
        session.flush()
    return seeker


def link_mailbox(session: Session, key: str, account: Account, seeker_name: str,
                 oauth: tuple[str, str] | None = None) -> Mailbox:
    """Store (or update) a mailbox whose credentials were checked; due at once.

    `oauth` is `(provider, refresh_token)` for an OAuth2 login: the refresh token is
    stored encrypted, as a password would be; the access token in `account` is not.
    """
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
    mailbox.secret = encrypt(key, oauth[1] if oauth else account.password)
    mailbox.login = LoginKind.OAUTH.value if oauth else LoginKind.PASSWORD.value
    mailbox.oauth_provider = oauth[0] if oauth else None
    mailbox.addresses = account.username.lower() if "@" in account.username else (mailbox.addresses or "")
    mailbox.status = MailboxStatus.ACTIVE
    mailbox.failures = 0
    mailbox.last_error = None
    mailbox.next_due_at = now
    session.flush()
    return mailbox


def account_of(mailbox: Mailbox, key: str) -> Account:
    """Where and how to log in; for an OAuth2 login the access token is got later (`carnet.connecting`)."""
    login = LoginKind(mailbox.login)
    return Account(
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=decrypt(key, mailbox.secret) if login is LoginKind.PASSWORD else "",
        login=login,
    )


def oauth_grant_of(mailbox: Mailbox, key: str) -> tuple[str, str]:
    """`(provider, refresh_token)` of a mailbox that logs in with OAuth2."""
    if mailbox.login != LoginKind.OAUTH.value or not mailbox.oauth_provider:
        raise ValueError(f"mailbox {mailbox.id} does not log in with OAuth2")
    return mailbox.oauth_provider, decrypt(key, mailbox.secret)


def replace_refresh_token(mailbox: Mailbox, key: str, refresh_token: str) -> None:
    """The provider rotated the grant's refresh token (Microsoft does at each refresh): keep the new one."""
    mailbox.secret = encrypt(key, refresh_token)


def remember_addresses(mailbox: Mailbox, addresses: set[str]) -> None:
    """Add the seeker's own addresses learned from their Sent folder."""
    known = mailbox.address_set
    if not addresses <= known:
        mailbox.addresses = ",".join(sorted(known | addresses))
