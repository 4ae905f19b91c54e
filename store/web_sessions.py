"""Server-side web sessions: the browser holds a random token, the database its SHA-256.

A stolen database does not give anyone a session; logging out deletes the row,
so the cookie is worthless afterwards even if it was copied.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from carnet.store.models import Account, WebSession
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

IDLE = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, account: Account) -> str:
    """A new session for `account`; returns the token for the cookie (never stored as such)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(WebSession(token_hash=_digest(token), account_id=account.id, created_at=now, last_seen_at=now,
                           expires_at=now + IDLE))
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    return token


def account_for(session: Session, token: str | None) -> Account | None:
    """The signed-in account, or None when the token is unknown or expired; slides the expiry."""
    if not token:
        return None
    found = session.execute(
        select(WebSession, Account).join(Account, Account.id == WebSession.account_id)
        .where(WebSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    web_session, account = found
    now = datetime.now(UTC)
    if _aware(web_session.expires_at) <= now:
        return None
    if now - _aware(web_session.last_seen_at) > TOUCH_EVERY:
        web_session.last_seen_at, web_session.expires_at = now, now + IDLE
    return account


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


def close_all(session: Session, account_id: int) -> None:
    session.execute(delete(WebSession).where(WebSession.account_id == account_id))


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
