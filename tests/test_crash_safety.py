"""Crash safety, isync style: interrupt the first sync anywhere, resume, compare.

The logbook after any number of interruptions and a final clean pass must equal
the one an uninterrupted pass gives — the same (kind, company, position, date,
Message-ID) multiset, no entry twice, none missing — and its hash chain must
verify. Two ways to interrupt:

- `carnet sync` in a subprocess, SIGKILLed at many points of a 2,000-message
  first sync (after a commit, or a random moment later, mid-batch);
- in-process, a simulated crash right after the N-th committed transaction, or
  inside it before it commits, for every N of a pass.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

import mailgen
import pytest
import synckit
from carnet.store.db import transaction
from carnet.store.models import Application, Event, FolderState, Mailbox, MessageLocation, ParseFailure, SourceMessage
from conftest import ImapAccount
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

import carnet.pipeline
from carnet.cli import app
from carnet.runtime import Runtime

KILLS = 12
WAIT_BOUND = 90.0  # seconds a single `carnet sync` may take to make progress before the test fails


class Crash(BaseException):
    """Stands for the process dying: no handler in the pipeline catches a BaseException."""


# -- SIGKILL loop -------------------------------------------------------------------


@pytest.mark.slow
def test_killed_first_sync_resumes_to_the_uninterrupted_logbook(tmp_path: Path, imap_user: ImapAccount) -> None:
    mailgen.seed(imap_user.server, imap_user.user, mailgen.mailbox(2000))
    reference = _reference(tmp_path / "reference", imap_user, batch_size=50)
    expected = synckit.entries(reference.factory)
    assert len(expected) > 200 and max(expected.values()) == 1
    victim = synckit.runtime(f"sqlite:///{tmp_path / 'victim.db'}", tmp_path / "victim")
    mailbox_id = synckit.link(victim, imap_user.host, imap_user.port, imap_user.user, imap_user.password)
    env = _env(victim, tmp_path / "victim", lease_seconds=1, batch_size=50)

    kills = _kill_loop(victim.factory, env, _progress_total(reference.factory), random.Random(2024))
    _finish(env)

    assert kills >= 10
    assert synckit.entries(victim.factory) == expected
    synckit.assert_chain_intact(victim.factory)
    verified = CliRunner().invoke(app, ["verify"], env=env)
    assert verified.exit_code == 0, verified.output
    assert synckit.sync(victim, mailbox_id).new == 0  # and once more: idempotent
    assert synckit.entries(victim.factory) == expected


def _reference(root: Path, account: ImapAccount, **settings: int) -> Runtime:
    """An uninterrupted first sync of the same mailbox, in a database of its own."""
    rt = synckit.runtime(f"sqlite:///{root / 'reference.db'}", root, **settings)
    report = synckit.sync(rt, synckit.link(rt, account.host, account.port, account.user, account.password))
    assert report.errors == []
    return rt


def _env(rt: Runtime, data_dir: Path, **settings: int) -> dict[str, str]:
    """The environment of a `carnet sync` subprocess on `rt`'s database.

    A short lease: a killed `carnet sync` leaves its lease held, and the next one
    may only take it over once it expired.
    """
    env = {**os.environ, "CARNET_DATABASE_URL": rt.settings.database_url, "CARNET_DATA_DIR": str(data_dir),
           "CARNET_CONFIG": str(data_dir / "absent.toml")}
    env.update({f"CARNET_{name.upper()}": str(value) for name, value in settings.items()})
    return env


def _progress(factory: sessionmaker[Session]) -> tuple[int, int]:
    """(folders known, sum of their checkpoints): grows with every committed transaction."""
    with transaction(factory) as session:
        row = session.execute(select(func.count(FolderState.id), func.coalesce(func.sum(FolderState.last_uid), 0)))
        folders, uids = row.one()
    return int(folders), int(uids)


def _progress_total(factory: sessionmaker[Session]) -> int:
    return _progress(factory)[1]


def _kill_loop(factory: sessionmaker[Session], env: dict[str, str], total: int, rng: random.Random) -> int:
    """Start `carnet sync` and SIGKILL it, KILLS times, at checkpoints spread over the
    whole first sync; return how many were killed while still running."""
    kills = 0
    for index in range(KILLS):
        target = total * (index + rng.random()) / KILLS
        process = subprocess.Popen(synckit.carnet_command("sync"), env=env, cwd=synckit.REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(factory, process, _ready(factory, target, first=index == 0))
        if index % 2:
            time.sleep(rng.uniform(0.0, 0.3))  # somewhere inside the next batch
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    return kills


def _ready(factory: sessionmaker[Session], target: float, first: bool) -> Callable[[], bool]:
    """When to kill: the first run once a folder is known, the others past `target` and
    after at least one commit of their own."""
    start = _progress(factory)

    def ready() -> bool:
        folders, uids = _progress(factory)
        if first:
            return folders > 0
        return uids >= target and (folders, uids) != start

    return ready


def _wait_for(factory: sessionmaker[Session], process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_BOUND
    while process.poll() is None and not ready():
        assert time.monotonic() < deadline, "carnet sync made no progress"
        time.sleep(0.02)


def _finish(env: dict[str, str]) -> None:
    """Clean passes until one succeeds (the first may still find the dead one's lease)."""
    for _attempt in range(3):
        result = subprocess.run(synckit.carnet_command("sync"), env=env, cwd=synckit.REPO, capture_output=True,
                                check=False, timeout=300)
        if result.returncode == 0:
            return
        time.sleep(1)
    pytest.fail(f"carnet sync did not finish cleanly: {result.stderr.decode(errors='replace')}")


# -- injected failures --------------------------------------------------------------


@pytest.fixture
def small_mailbox(imap_user: ImapAccount) -> ImapAccount:
    mailgen.seed(imap_user.server, imap_user.user, mailgen.mailbox(40, sample=12, duplicates=2))
    return imap_user


def test_a_crash_after_or_during_each_transaction_is_repaired_by_the_next_pass(
    tmp_path: Path, small_mailbox: ImapAccount, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {"batch_size": 6}
    reference = _reference(tmp_path / "reference", small_mailbox, **settings)
    expected = synckit.entries(reference.factory)
    steps = _count_transactions(tmp_path / "counted", small_mailbox, monkeypatch, settings)
    rt = synckit.runtime(db_url, tmp_path / "victim", **settings)
    mailbox_id = synckit.link(rt, small_mailbox.host, small_mailbox.port, small_mailbox.user,
                              small_mailbox.password)
    assert len(expected) >= 6 and steps >= 8
    for step in range(1, steps + 1):
        for inside in (False, True):
            _reset(rt.factory, mailbox_id)
            monkeypatch.setattr(carnet.pipeline, "transaction", _crashing(step, inside))
            with pytest.raises(Crash):
                synckit.sync(rt, mailbox_id)
            monkeypatch.setattr(carnet.pipeline, "transaction", transaction)
            assert synckit.sync(rt, mailbox_id).errors == []
            assert synckit.entries(rt.factory) == expected, (step, inside)
            synckit.assert_chain_intact(rt.factory)


def _count_transactions(root: Path, account: ImapAccount, monkeypatch: pytest.MonkeyPatch,
                        settings: dict[str, int]) -> int:
    """How many transactions an uninterrupted first pass commits."""
    counter = count(1)

    @contextmanager
    def counted(factory: sessionmaker[Session]) -> Iterator[Session]:
        next(counter)
        with transaction(factory) as session:
            yield session

    monkeypatch.setattr(carnet.pipeline, "transaction", counted)
    _reference(root, account, **settings)
    monkeypatch.setattr(carnet.pipeline, "transaction", transaction)
    return next(counter) - 1


def _crashing(step: int, inside: bool) -> Callable[[sessionmaker[Session]], Iterator[Session]]:
    """`transaction` that crashes at the `step`-th one: before its commit, or just after."""
    counter = count(1)

    @contextmanager
    def crashing(factory: sessionmaker[Session]) -> Iterator[Session]:
        current = next(counter)
        with transaction(factory) as session:
            yield session
            if inside and current == step:
                raise Crash()
        if current == step:
            raise Crash()

    return crashing


def _reset(factory: sessionmaker[Session], mailbox_id: int) -> None:
    """Back to a linked mailbox never synced, lease held by no one."""
    with transaction(factory) as session:
        for table in (Event, Application, MessageLocation, ParseFailure, SourceMessage, FolderState):
            session.execute(delete(table))
        session.execute(update(Mailbox).where(Mailbox.id == mailbox_id).values(
            addresses="", lease_owner=None, lease_expires_at=None, failures=0, last_error=None))
