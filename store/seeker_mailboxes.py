"""A seeker's own mailboxes, as the web pages use them: listed, looked up by owner, made due, removed.

Removing keeps the mailbox row (its evidence stays in the logbook and its
messages keep their location) but deletes the secret and stops every sync.
"""

from __future__ import annotations

from datetime import UTC, datetime

from carnet.store.models import Mailbox
from sqlalchemy import select
from sqlalchemy.orm import Session

REMOVED = "removed"
IMPORTED = "imported"  #: `store.imports`: messages read from files, listed on the import page


def seeker_mailboxes(session: Session, seeker_id: int) -> list[Mailbox]:
    """The seeker's linked mailboxes (not those they removed, nor the one imports go to), oldest first."""
    return list(session.scalars(
        select(Mailbox).where(Mailbox.seeker_id == seeker_id, Mailbox.status.notin_((REMOVED, IMPORTED)))
        .order_by(Mailbox.id)
    ))


def owned_mailbox(session: Session, seeker_id: int, mailbox_id: int) -> Mailbox | None:
    """The mailbox when it is the seeker's and still linked; None otherwise (whoever's it is)."""
    return session.scalar(select(Mailbox).where(
        Mailbox.id == mailbox_id, Mailbox.seeker_id == seeker_id, Mailbox.status.notin_((REMOVED, IMPORTED))))


def sync_soon(mailbox: Mailbox) -> None:
    """Due now: the next worker tick syncs it (the caller never syncs itself)."""
    mailbox.next_due_at = datetime.now(UTC)


def unlink(mailbox: Mailbox) -> None:
    """Stop syncing and delete the stored secret; the evidence already recorded stays in the logbook."""
    mailbox.status = REMOVED
    mailbox.secret = b""
    mailbox.lease_owner = None
    mailbox.lease_expires_at = None
