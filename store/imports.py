"""Where imported mail is recorded: one mailbox per seeker that no worker ever syncs.

An import records evidence exactly as a sync does, against a mailbox row: its
folders keep checkpoints (an interrupted import resumes), its messages have
locations (`file folder`, a fingerprint of the file as UIDVALIDITY, the message's
number as UID) and contents (SHA-256). Contents are shared across the seeker's
mailboxes (`store.recording`), so a message imported and then synced from the
linked mailbox, or the other way round, is one entry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from carnet.store.mailboxes import MailboxStatus, get_or_create_seeker
from carnet.store.models import Mailbox
from sqlalchemy import select
from sqlalchemy.orm import Session

IMPORT_HOST = "import"
IMPORT_LOGIN = "import"


def import_mailbox(session: Session, seeker_name: str, me: frozenset[str] = frozenset()) -> Mailbox:
    """The seeker's import mailbox (made on first use); `me` is added to the addresses it knows."""
    seeker = get_or_create_seeker(session, seeker_name)
    mailbox = session.scalar(select(Mailbox).where(Mailbox.host == IMPORT_HOST, Mailbox.seeker_id == seeker.id))
    if mailbox is None:
        now = datetime.now(UTC)
        mailbox = Mailbox(seeker_id=seeker.id, host=IMPORT_HOST, port=0, security="plain",
                          username=f"seeker-{seeker.id}", secret=b"", login=IMPORT_LOGIN,
                          status=MailboxStatus.IMPORTED, next_due_at=now, created_at=now, addresses="", failures=0)
        session.add(mailbox)
        session.flush()
    known = mailbox.address_set
    if not me <= known:
        mailbox.addresses = ",".join(sorted(known | me))
    return mailbox
