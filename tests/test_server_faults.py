"""Server faults: the worker survives, other mailboxes go on, the faulty one recovers
by itself at its next due time, and nothing is recorded twice.

Two mailboxes hold the same small realistic mail (so one reference logbook fits
both): a healthy one straight on Dovecot, a faulty one behind a fault (a Dovecot
stopped mid-sync, a TCP proxy that cuts or stalls connections). The worker's own
`tick()` runs the passes, with a backoff of at most a second.
"""

from __future__ import annotations

import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mailgen
import pytest
import synckit
from carnet.ingest.folders import Folder
from carnet.store.db import transaction
from carnet.store.models import FolderState, MessageLocation
from conftest import DovecotFactory, ImapAccount
from faultproxy import FaultProxy
from sqlalchemy import select
from typer.testing import CliRunner

import carnet.pipeline
from carnet.cli import app
from carnet.demo.dovecot import Dovecot
from carnet.runtime import Runtime
from carnet.worker import tick

MAIL = mailgen.mailbox(40, sample=12, duplicates=2)
FAST = {"max_backoff": 1, "poll_interval": 3600, "batch_size": 4, "timeout": 2.0}
TICK_BOUND = 120.0  # a tick that takes longer is hung: the test fails instead of waiting forever


@pytest.fixture(scope="module")
def expected(dovecot: Dovecot, tmp_path_factory: pytest.TempPathFactory) -> Counter[synckit.Entry]:
    """The logbook an undisturbed sync of `MAIL` gives."""
    user, password = "reference-faults", "reference-password"
    dovecot.add_user(user, password)
    mailgen.seed(dovecot, user, MAIL)
    root = tmp_path_factory.mktemp("reference")
    rt = synckit.runtime(f"sqlite:///{root / 'reference.db'}", root)
    assert synckit.sync(rt, synckit.link(rt, dovecot.host, dovecot.port, user, password)).errors == []
    entries = synckit.entries(rt.factory)
    assert len(entries) >= 6 and max(entries.values()) == 1
    return entries


@dataclass(frozen=True)
class Pair:
    rt: Runtime
    healthy: int
    faulty: int

    def run_tick(self) -> int:
        """One worker tick, in a thread so that a hang fails the test rather than blocking it."""
        done: list[int] = []
        thread = threading.Thread(target=lambda: done.append(tick(self.rt, "worker-test", threading.Event())))
        thread.start()
        thread.join(TICK_BOUND)
        assert not thread.is_alive(), "the worker's tick hung"
        return done[0]

    def recover(self) -> None:
        """Wait for the faulty mailbox's next due time (at most `max_backoff`), then tick."""
        synckit.wait_until_due(self.rt.factory, self.faulty, bound=FAST["max_backoff"])
        self.run_tick()

    def assert_complete(self, expected: Counter[synckit.Entry]) -> None:
        for mailbox_id in (self.healthy, self.faulty):
            assert synckit.entries(self.rt.factory, mailbox_id) == expected
            row = synckit.mailbox_row(self.rt.factory, mailbox_id)
            assert (row.status, row.failures, row.last_error, row.lease_owner) == ("active", 0, None, None)
        synckit.assert_chain_intact(self.rt.factory)


def _pair(db_url: str, root: Path, healthy: ImapAccount, faulty: tuple[str, int, ImapAccount],
          **settings: Any) -> Pair:
    for account in (healthy, faulty[2]):
        mailgen.seed(account.server, account.user, MAIL)
    rt = synckit.runtime(db_url, root, **{**FAST, **settings})
    healthy_id = synckit.link(rt, healthy.host, healthy.port, healthy.user, healthy.password, "Hugo Petit")
    host, port, account = faulty
    return Pair(rt, healthy_id, synckit.link(rt, host, port, account.user, account.password, "Léa Martin"))


@pytest.fixture
def proxied(new_imap_user: Any, dovecot: Dovecot, db_url: str, tmp_path: Path) -> Iterator[tuple[Pair, FaultProxy]]:
    """Two mailboxes on the shared Dovecot, the faulty one reached through a FaultProxy."""
    faulty = new_imap_user()
    with FaultProxy(dovecot.host, dovecot.port) as proxy:
        yield _pair(db_url, tmp_path, new_imap_user(), (proxy.host, proxy.port, faulty)), proxy


def _failed(pair: Pair) -> str:
    row = synckit.mailbox_row(pair.rt.factory, pair.faulty)
    assert row.status == "active" and row.failures >= 1 and row.lease_owner is None
    return row.last_error or ""


# -- the server goes away -------------------------------------------------------------


def test_dovecot_stopped_mid_sync_then_restarted(
    dovecot_factory: DovecotFactory, new_imap_user: Any, db_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, expected: Counter[synckit.Entry],
) -> None:
    server = dovecot_factory()
    faulty = new_imap_user(server)
    pair = _pair(db_url, tmp_path, new_imap_user(), (server.host, server.port, faulty))
    _stop_after_batches(monkeypatch, server, pair, faulty.user, batches=2)

    assert pair.run_tick() >= 2
    assert "erreur du serveur" in _failed(pair)
    assert 0 < sum(synckit.entries(pair.rt.factory, pair.faulty).values()) < sum(expected.values())
    assert synckit.entries(pair.rt.factory, pair.healthy) == expected

    server.start()
    pair.recover()
    pair.assert_complete(expected)


def _stop_after_batches(monkeypatch: pytest.MonkeyPatch, server: Dovecot, pair: Pair, user: str,
                        batches: int) -> None:
    """Stop `server` once `batches` batches of the faulty mailbox are recorded (mid-sync).

    Dovecot's master leaves running IMAP sessions alive when it stops, so its
    clients are kicked first, as a server going down for maintenance does.
    """
    original = carnet.pipeline.record_batch
    seen = []

    def record_then_stop(session: Any, mailbox: Any, *args: Any, **kwargs: Any) -> int:
        new = original(session, mailbox, *args, **kwargs)
        if mailbox.id == pair.faulty:
            seen.append(1)
            if len(seen) == batches:
                subprocess.run(["doveadm", "-c", str(server.config_file), "kick", user], check=True,
                               capture_output=True)
                server.stop()
        return new

    monkeypatch.setattr(carnet.pipeline, "record_batch", record_then_stop)


def test_connections_cut_mid_fetch_at_many_points(
    proxied: tuple[Pair, FaultProxy], expected: Counter[synckit.Entry]
) -> None:
    pair, proxy = proxied
    faults = 0
    for cut in (120, 1_500, 6_000, 15_000, 30_000, 60_000, 120_000):
        proxy.faults.cut_after = cut
        if synckit.mailbox_row(pair.rt.factory, pair.faulty).failures:
            pair.recover()
        else:
            pair.run_tick()
        if synckit.mailbox_row(pair.rt.factory, pair.faulty).failures == 0:
            break
        faults += 1
        assert _failed(pair)
    proxy.faults.cut_after = None
    if synckit.mailbox_row(pair.rt.factory, pair.faulty).failures:
        pair.recover()

    assert faults >= 4
    pair.assert_complete(expected)


def test_a_stalled_server_times_out_and_the_mailbox_recovers(
    proxied: tuple[Pair, FaultProxy], expected: Counter[synckit.Entry]
) -> None:
    pair, proxy = proxied
    proxy.faults.stall_after = 20_000  # greeting, login, LIST and part of a FETCH, then silence

    pair.run_tick()

    assert "timed out" in _failed(pair)
    assert synckit.entries(pair.rt.factory, pair.healthy) == expected
    proxy.faults.stall_after = None
    pair.recover()
    pair.assert_complete(expected)


# -- folders change between passes ------------------------------------------------


def test_renamed_deleted_and_vanishing_folders(
    imap_user: ImapAccount, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    expected: Counter[synckit.Entry],
) -> None:
    mailgen.seed(imap_user.server, imap_user.user, MAIL)
    rt = synckit.runtime(db_url, tmp_path, **FAST)
    mailbox_id = synckit.link(rt, imap_user.host, imap_user.port, imap_user.user, imap_user.password)
    assert synckit.sync(rt, mailbox_id).errors == []

    imap_user.server.rename_folder(imap_user.user, "Archive", "Archives 2025")
    renamed = synckit.sync(rt, mailbox_id)
    assert (renamed.errors, renamed.new) == ([], 0)
    assert _location_folders(rt) >= {"Archive", "Archives 2025"}

    imap_user.server.delete_folder(imap_user.user, "Archives 2025")
    _list_a_folder_that_is_gone(monkeypatch)
    after = synckit.sync(rt, mailbox_id)
    assert (after.errors, after.new) == ([], 0)
    assert synckit.entries(rt.factory) == expected  # what was proved stays proved
    synckit.assert_chain_intact(rt.factory)


def _location_folders(rt: Runtime) -> set[str]:
    with transaction(rt.factory) as session:
        return set(session.scalars(select(MessageLocation.folder)))


def _list_a_folder_that_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """LIST answers a folder that is deleted before EXAMINE reaches it."""
    original = carnet.pipeline.classify_folders
    monkeypatch.setattr(carnet.pipeline, "classify_folders",
                        lambda answer: [Folder("Deleted Meanwhile", None), *original(answer)])


def test_uidvalidity_change_resyncs_without_doubles(
    imap_user: ImapAccount, db_url: str, tmp_path: Path, expected: Counter[synckit.Entry]
) -> None:
    mailgen.seed(imap_user.server, imap_user.user, MAIL)
    rt = synckit.runtime(db_url, tmp_path, **FAST)
    mailbox_id = synckit.link(rt, imap_user.host, imap_user.port, imap_user.user, imap_user.password)
    synckit.sync(rt, mailbox_id)
    before = _uidvalidity(rt, "Archive")

    _recreate_archive(imap_user)
    report = synckit.sync(rt, mailbox_id)

    assert (report.errors, report.new) == ([], 0)
    assert _uidvalidity(rt, "Archive") != before
    with transaction(rt.factory) as session:
        uidvalidities = set(session.scalars(select(MessageLocation.uidvalidity)
                                            .where(MessageLocation.folder == "Archive")))
    assert uidvalidities >= {before, _uidvalidity(rt, "Archive")}  # the copies, under both
    assert synckit.entries(rt.factory) == expected
    synckit.assert_chain_intact(rt.factory)


def test_endless_uidvalidity_changes_stop_with_a_visible_error(
    imap_user: ImapAccount, tmp_path: Path, expected: Counter[synckit.Entry]
) -> None:
    mailgen.seed(imap_user.server, imap_user.user, MAIL)
    url = f"sqlite:///{tmp_path / 'carnet.db'}"
    rt = synckit.runtime(url, tmp_path, **FAST, max_uidvalidity_resets=2)
    mailbox_id = synckit.link(rt, imap_user.host, imap_user.port, imap_user.user, imap_user.password)
    assert synckit.sync(rt, mailbox_id).errors == []
    for _ in range(2):  # two changes in a row: resynced
        _recreate_archive(imap_user)
        assert synckit.sync(rt, mailbox_id).errors == []

    _recreate_archive(imap_user)
    shown = CliRunner().invoke(app, ["sync"], env={"CARNET_DATABASE_URL": url, "CARNET_MAX_UIDVALIDITY_RESETS": "2"})

    assert shown.exit_code == 1
    assert "Archive" in shown.stderr and "UIDVALIDITY 3 fois de suite" in shown.stderr
    row = synckit.mailbox_row(rt.factory, mailbox_id)
    assert "UIDVALIDITY 3 fois" in (row.last_error or "") and row.failures == 0  # the other folders went on
    assert synckit.sync(rt, mailbox_id).errors == []  # stable again: resumes by itself
    assert synckit.mailbox_row(rt.factory, mailbox_id).last_error is None
    assert synckit.entries(rt.factory) == expected


def _recreate_archive(account: ImapAccount) -> None:
    """Delete the Archive folder and create it again with the same messages: a new UIDVALIDITY."""
    account.server.delete_folder(account.user, "Archive")
    mailgen.seed(account.server, account.user, [mail for mail in MAIL if mail.folder == "Archive"])


def _uidvalidity(rt: Runtime, folder: str) -> int:
    with transaction(rt.factory) as session:
        return session.scalars(select(FolderState.uidvalidity).where(FolderState.name == folder)).one()
