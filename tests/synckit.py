"""Test helpers around a sync: a runtime on a given database, linked mailboxes, the logbook as data."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from carnet.config.settings import load_settings
from carnet.ingest.connection import Account
from carnet.store import leases
from carnet.store.db import transaction
from carnet.store.integrity import verify_chains
from carnet.store.mailboxes import link_mailbox
from carnet.store.models import Event, Mailbox, SourceMessage
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from carnet.pipeline import SyncReport, sync_mailbox
from carnet.runtime import Runtime, open_runtime

#: One logbook entry as the crash and fault tests compare them.
Entry = tuple[str, str | None, str | None, date | None, str | None]

REPO = Path(__file__).resolve().parent.parent


def runtime(db_url: str, data_dir: Path, **overrides: Any) -> Runtime:
    """Settings from a clean environment plus `overrides`, on the database at `db_url`."""
    key = os.environ.get("CARNET_SECRET_KEY") or Fernet.generate_key().decode()
    env = {"CARNET_DATA_DIR": str(data_dir), "CARNET_DATABASE_URL": db_url, "CARNET_SECRET_KEY": key,
           "CARNET_CONFIG": str(data_dir / "absent.toml")}
    return open_runtime(replace(load_settings(env), **overrides))


def link(rt: Runtime, host: str, port: int, user: str, password: str, seeker: str = "Léa Martin") -> int:
    """Store a mailbox (plaintext, loopback) without the CLI; it is due at once."""
    with transaction(rt.factory) as session:
        account = Account(host, port, "plain", user, password)
        return link_mailbox(session, rt.settings.require_secret_key(), account, seeker).id


def sync(rt: Runtime, mailbox_id: int, worker: str = "test-worker") -> SyncReport:
    """One pass as `carnet sync` makes it: claim the lease, then sync."""
    with transaction(rt.factory) as session:
        assert leases.claim_one(session, mailbox_id, worker, timedelta(seconds=rt.settings.lease_seconds))
    return sync_mailbox(rt.factory, rt.settings, mailbox_id, worker)


def entries(factory: sessionmaker[Session], mailbox_id: int | None = None) -> Counter[Entry]:
    """The logbook as a multiset of (kind, company, position, date, message_id)."""
    query = select(Event.kind, Event.company, Event.position, Event.date, SourceMessage.message_id).join(
        SourceMessage, SourceMessage.id == Event.source_message_id)
    if mailbox_id is not None:
        query = query.where(SourceMessage.mailbox_id == mailbox_id)
    with transaction(factory) as session:
        return Counter(tuple(row) for row in session.execute(query))


def assert_chain_intact(factory: sessionmaker[Session]) -> None:
    """Every seeker's hash chain verifies (`carnet verify`) and numbers its entries 1..n."""
    with transaction(factory) as session:
        reports = verify_chains(session)
        rows = session.execute(select(Event.seeker_id, Event.seq)).all()
    assert reports and all(report.intact for report in reports), [r.breaks for r in reports]
    by_seeker: dict[int, list[int]] = {}
    for seeker_id, seq in rows:
        by_seeker.setdefault(seeker_id, []).append(seq)
    assert all(sorted(seqs) == list(range(1, len(seqs) + 1)) for seqs in by_seeker.values())


def mailbox_row(factory: sessionmaker[Session], mailbox_id: int) -> Mailbox:
    with transaction(factory) as session:
        return session.get(Mailbox, mailbox_id)


def wait_until_due(factory: sessionmaker[Session], mailbox_id: int, bound: float) -> None:
    """Sleep until a backed-off mailbox is due again, which must be within `bound` seconds."""
    due = mailbox_row(factory, mailbox_id).next_due_at
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    delay = (due - datetime.now(UTC)).total_seconds()
    assert delay <= bound, f"mailbox {mailbox_id} backs off {delay:.1f} s, more than {bound} s"
    time.sleep(max(0.0, delay) + 0.05)


def carnet_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "carnet", *args]
