"""Several `carnet run` processes share the mailboxes of one database through leases.

Fifty Dovecot mailboxes (a sent application, an acknowledgement, a rejection and
a job alert each), one with a password the server now rejects and one on a closed
port. A first worker is frozen while it holds a lease and then SIGKILLed; three
more workers start. Every mailbox must be synced exactly once, never by two
workers at once (from the workers' `sync start/end` log lines), the dead worker's
mailbox taken over only after its lease expired, the failing mailboxes backed off
without stopping anyone, and SIGTERM must stop each worker cleanly.

Smaller tests: SIGTERM during a sync, the lease heartbeat, and a mailbox whose
pass crashes or whose secret cannot be decrypted while the others go on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import pytest
import synckit
from carnet.config.i18n import t
from carnet.store import leases
from carnet.store.db import transaction
from carnet.store.models import Mailbox
from carnet.store.secrets import encrypt
from conftest import ImapAccount
from cryptography.fernet import Fernet
from sqlalchemy import select
from workerkit import Interval, WorkerProcess, overlaps, wait_until

from carnet import worker as worker_module
from carnet.demo.dovecot import free_port
from carnet.pipeline import sync_mailbox
from carnet.runtime import Runtime
from carnet.worker import _Heartbeat

pytestmark = pytest.mark.slow

MAILBOXES = 50
WORKERS = 3
LEASE_SECONDS = 6
SEEDED = {
    "Sent": ("sent-01-candidature-boulangerie.eml",),
    "INBOX": ("inbox-05-accuse-workday-decathlon.eml", "inbox-07-refus-boulangerie.eml", "inbox-10-alerte-indeed.eml"),
}
STOPPED = "Worker stopped cleanly."


class Fleet:
    """Worker processes started by a test; whatever still runs at its end is killed."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        self.workers: list[WorkerProcess] = []

    def start(self, label: str) -> WorkerProcess:
        worker = WorkerProcess(self.folder / f"{label}.log", self.env)
        self.workers.append(worker)
        return worker

    def kill_all(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.resume()
                worker.kill()


@pytest.fixture
def fleet(db_url: str, tmp_path: Path) -> Iterator[Fleet]:
    env = {
        "CARNET_DATABASE_URL": db_url,
        "CARNET_DATA_DIR": str(tmp_path / "worker-data"),
        "CARNET_LEASE_SECONDS": str(LEASE_SECONDS),
        "CARNET_TICK_INTERVAL": "1",
        "CARNET_POLL_INTERVAL": "3600",  # a synced mailbox is not due again during the test
        "CARNET_BATCH_SIZE": "2",  # several batches per folder: several lease renewals
    }
    fleet = Fleet(tmp_path, env)
    try:
        yield fleet
    finally:
        fleet.kill_all()


def seeded_user(new_imap_user) -> ImapAccount:
    account = new_imap_user()
    for folder, names in SEEDED.items():
        raws = [(files("carnet.demo") / "mail" / name).read_bytes() for name in names]
        account.server.append_many(account.user, folder, raws)
    return account


def mailboxes(rt: Runtime, ids: list[int]) -> dict[int, Mailbox]:
    with transaction(rt.factory) as session:
        return {m.id: m for m in session.scalars(select(Mailbox).where(Mailbox.id.in_(ids)))}


def all_done(rt: Runtime, good: list[int], failing: list[int]) -> bool:
    rows = mailboxes(rt, good + failing)
    synced = all(rows[i].last_sync_at is not None and rows[i].lease_owner is None for i in good)
    return synced and all(rows[i].failures > 0 and rows[i].lease_owner is None for i in failing)


def freeze_holding_a_lease(victim: WorkerProcess, rt: Runtime) -> tuple[int, datetime, datetime]:
    """Stop the victim (SIGSTOP) at a moment it holds a lease: (mailbox, lease expiry, when it was frozen)."""
    seen = 0
    while True:
        wait_until(lambda seen=seen: len(victim.intervals()) > seen, "the victim to start a sync")
        victim.pause()
        frozen_at = datetime.now(UTC)
        with transaction(rt.factory) as session:
            held = session.execute(
                select(Mailbox.id, Mailbox.lease_expires_at).where(Mailbox.lease_owner == victim.name())
            ).first()
        if held is not None:
            return held.id, held.lease_expires_at, frozen_at
        seen = len(victim.intervals())
        victim.resume()


def utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; Carnet writes them in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_ms(moment: datetime) -> datetime:
    """Log lines carry milliseconds: compare at that precision (truncation keeps the order)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_workers_share_mailboxes_and_take_over_a_dead_ones(
    new_imap_user, db_url: str, tmp_path: Path, fleet: Fleet
) -> None:
    rt = synckit.runtime(db_url, tmp_path / "setup-data")
    accounts = [seeded_user(new_imap_user) for _ in range(MAILBOXES)]
    good = [synckit.link(rt, a.host, a.port, a.user, a.password, seeker=a.user) for a in accounts]
    other = new_imap_user()
    rejected = synckit.link(rt, other.host, other.port, other.user, "not-" + other.password, seeker="rejected")
    closed = synckit.link(rt, "127.0.0.1", free_port(), "nobody", "secret", seeker="closed")

    victim = fleet.start("victim")
    orphan, expires, frozen_at = freeze_holding_a_lease(victim, rt)
    victim_name = victim.name()
    victim.kill()
    survivors = [fleet.start(f"worker-{n}") for n in range(WORKERS)]
    wait_until(lambda: all_done(rt, good, [rejected, closed]), "every mailbox to be synced")
    codes = [worker.terminate() for worker in survivors]

    assert codes == [0] * WORKERS
    for worker in survivors:
        assert STOPPED in worker.log()
        assert all(i.end is not None for i in worker.intervals()), "a sync left unfinished at SIGTERM"
        assert "Traceback" not in worker.log()
    intervals = [i for worker in fleet.workers for i in worker.intervals()]
    for interval in intervals:
        if interval.worker == victim_name and interval.end is None:
            interval.end = frozen_at  # it did nothing after that
    assert overlaps(intervals) == []
    assert_synced_once(intervals, good)
    taken = [i for i in intervals if i.mailbox == orphan and i.worker != victim_name]
    assert len(taken) == 1
    assert taken[0].start >= to_ms(expires), "the dead worker's mailbox was taken before its lease expired"
    assert {i.worker for i in intervals if i.outcome == "ok"} >= {w.name() for w in survivors}
    assert_same_logbook(rt, good)
    assert_failures_backed_off(rt, rejected, closed)


def assert_synced_once(intervals: list[Interval], good: list[int]) -> None:
    for mailbox_id in good:
        finished = [i for i in intervals if i.mailbox == mailbox_id and i.outcome is not None]
        assert [i.outcome for i in finished] == ["ok"], f"mailbox {mailbox_id}: {finished}"


def assert_same_logbook(rt: Runtime, good: list[int]) -> None:
    """Every mailbox holds the same mail, so each has the same entries: none missing, none twice."""
    reference = synckit.entries(rt.factory, good[0])
    assert sorted(kind for kind, *_ in reference.elements()) == ["acknowledgement", "application", "rejection"]
    assert all(synckit.entries(rt.factory, mailbox_id) == reference for mailbox_id in good)


def assert_failures_backed_off(rt: Runtime, rejected: int, closed: int) -> None:
    rows = mailboxes(rt, [rejected, closed])
    assert (rows[rejected].status, rows[rejected].failures) == ("needs_relink", 1)
    assert rows[closed].status == "active"
    assert rows[closed].next_due_at > datetime.now(UTC)
    assert "cannot reach the server" in (rows[closed].last_error or "")


def test_sigterm_lets_the_current_sync_finish_then_exits_cleanly(
    new_imap_user, db_url: str, tmp_path: Path, fleet: Fleet
) -> None:
    rt = synckit.runtime(db_url, tmp_path / "setup-data")
    account = seeded_user(new_imap_user)
    mailbox_id = synckit.link(rt, account.host, account.port, account.user, account.password)
    worker = fleet.start("worker")
    wait_until(lambda: bool(worker.intervals()), "the sync to start")

    assert worker.terminate() == 0
    assert STOPPED in worker.log()
    assert [i.end is not None for i in worker.intervals()] == [True]
    assert mailboxes(rt, [mailbox_id])[mailbox_id].lease_owner is None  # released, not left to expire


def test_the_heartbeat_renews_a_lease_while_a_sync_runs(db_url: str, tmp_path: Path) -> None:
    rt = synckit.runtime(db_url, tmp_path / "data", lease_seconds=3)
    mailbox_id = synckit.link(rt, "127.0.0.1", free_port(), "lea", "secret")
    with transaction(rt.factory) as session:
        assert leases.claim_due(session, "me", timedelta(seconds=3), limit=1) == [mailbox_id]
    claimed = mailboxes(rt, [mailbox_id])[mailbox_id].lease_expires_at

    with _Heartbeat(rt, mailbox_id, "me"):
        wait_until(lambda: mailboxes(rt, [mailbox_id])[mailbox_id].lease_expires_at > claimed, "a renewal")

    after = mailboxes(rt, [mailbox_id])[mailbox_id]
    assert after.lease_owner == "me"
    assert after.lease_expires_at > claimed


def test_a_failing_mailbox_never_stops_the_worker(
    new_imap_user, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in one mailbox's pass, a secret under another key: both back off, the others are synced."""
    rt = synckit.runtime(db_url, tmp_path / "data")
    accounts = [seeded_user(new_imap_user) for _ in range(3)]
    buggy, foreign, fine = (synckit.link(rt, a.host, a.port, a.user, a.password, seeker=a.user) for a in accounts)
    with transaction(rt.factory) as session:
        session.get(Mailbox, foreign).secret = encrypt(Fernet.generate_key().decode(), accounts[1].password)

    def sync_or_crash(factory, settings, mailbox_id, worker, stop=None):
        if mailbox_id == buggy:
            raise RuntimeError("a bug")
        return sync_mailbox(factory, settings, mailbox_id, worker, stop=stop)

    monkeypatch.setattr(worker_module, "sync_mailbox", sync_or_crash)
    assert worker_module.tick(rt, "me", threading.Event()) == 3

    rows = mailboxes(rt, [buggy, foreign, fine])
    assert rows[fine].last_sync_at is not None and rows[fine].failures == 0
    assert rows[buggy].last_error == t("sync_internal_error")
    assert "cannot decrypt" in (rows[foreign].last_error or "")
    for mailbox_id in (buggy, foreign):
        assert (rows[mailbox_id].failures, rows[mailbox_id].lease_owner) == (1, None)
        assert utc(rows[mailbox_id].next_due_at) > datetime.now(UTC)


def test_an_expired_lease_is_claimed_while_the_mailbox_is_loaded(db_url: str, tmp_path: Path) -> None:
    """As `carnet sync` does after a killed pass: the mailbox is in the session, its lease expired."""
    rt = synckit.runtime(db_url, tmp_path / "data")
    mailbox_id = synckit.link(rt, "127.0.0.1", free_port(), "lea", "secret")
    with transaction(rt.factory) as session:
        assert leases.claim_one(session, mailbox_id, "dead", timedelta(seconds=-1))

    with transaction(rt.factory) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert leases.claim_one(session, mailbox_id, "alive", timedelta(minutes=5))
        assert mailbox.lease_owner == "alive"
        assert not leases.claim_one(session, mailbox_id, "third", timedelta(minutes=5))
        assert leases.renew(session, mailbox_id, "alive", timedelta(minutes=5))
        assert not leases.renew(session, mailbox_id, "dead", timedelta(minutes=5))
