"""Link → sync → logbook through the `carnet` command, on real Dovecot, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib.resources import files

import pytest
from carnet.store.db import transaction
from carnet.store.models import Mailbox
from typer.testing import CliRunner

from carnet.cli import app
from carnet.demo import sample_messages
from carnet.runtime import open_runtime
from tests.conftest import ImapAccount

runner = CliRunner()

# What the sample mailbox must give: (kind, company, position, date); nothing else.
EXPECTED = {
    ("application", "Boulangerie Moreau", "Vendeuse en boulangerie", "2026-10-05"),
    ("application", "L'Atelier Numérique", "Développeuse web junior", "2026-10-07"),
    ("application", "Northwind", "Junior Data Analyst", "2026-10-09"),
    ("acknowledgement", "Northwind Logistics", "Junior Data Analyst", "2026-10-09"),
    ("acknowledgement", "Decathlon", "Conseiller de vente sports d'eau", "2026-10-12"),
    ("application", "Leroy Merlin", "Conseiller de vente jardin", "2026-10-13"),
    ("rejection", "Boulangerie Moreau", "Vendeuse en boulangerie", "2026-10-16"),
    ("interview", "L'Atelier Numérique", "Développeuse web junior", "2026-10-19"),
    ("offer", "L'Atelier Numérique", "Développeuse web junior", "2026-10-27"),
}
LOOK_ALIKES = ("Indeed", "Apec", "LinkedIn", "Welcome to the Jungle", "Julie")


def carnet(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout


def seed(account: ImapAccount, sent_folder: str = "Sent") -> None:
    for folder, raw in sample_messages():
        account.append(sent_folder if folder == "Sent" else folder, raw)


def link(account: ImapAccount) -> str:
    out = carnet("link", "--host", account.host, "--port", str(account.port), "--user", account.user,
                 "--security", "plain", "--password-stdin", "--seeker", "Léa Martin", stdin=account.password + "\n")
    return out.strip().splitlines()[-1]


def logbook(mailbox: str | None = None) -> list[dict]:
    args = ["logbook", "--format", "jsonl"] + (["--mailbox", mailbox] if mailbox else [])
    return [json.loads(line) for line in carnet(*args).splitlines()]


def entries(rows: list[dict]) -> set[tuple]:
    """Positions compared without case: "Développeuse" and "développeuse" name one job."""
    return {(r["kind"], r["company"], (r["position"] or "").casefold(), r["date"]) for r in rows}


@pytest.fixture
def database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    return db_url


def test_link_sync_logbook_gives_the_sample_evidence_and_nothing_else(imap_user: ImapAccount, database: str) -> None:
    seed(imap_user)
    mailbox = link(imap_user)
    carnet("sync", "--mailbox", mailbox)
    rows = logbook(mailbox)
    assert entries(rows) == {(kind, company, position.casefold(), day) for kind, company, position, day in EXPECTED}
    assert not any(r["company"] and r["company"].startswith(LOOK_ALIKES) for r in rows)
    assert {"date", "kind", "company", "position", "verification", "message_id"} <= set(rows[0])
    threaded = {r["kind"]: r["verification"] for r in rows if r["company"] == "Boulangerie Moreau"}
    assert threaded == {"application": "none", "rejection": "thread"}


def test_a_pass_with_much_new_mail_starts_the_pool_at_once_and_reads_every_folder_in_it(
        imap_user: ImapAccount, database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No folder of the sample mailbox reaches the pool's threshold, but together they do: the pool
    starts before the first folder is read, every folder goes through it, the logbook is the
    calling process's, and a pass with nothing new starts nothing."""
    from carnet import pool

    messages = sample_messages()
    folders = {folder for folder, _ in messages}
    assert len(folders) > 1 and max(sum(f == folder for f, _ in messages) for folder in folders) < len(messages)
    seed(imap_user)
    link(imap_user)
    started: list[bool] = []
    pooled: list[int] = []
    real_start, real_in_pool = pool.start, pool._in_pool
    monkeypatch.setattr(pool, "POOL_MIN_MESSAGES", len(messages))
    monkeypatch.setattr(pool, "start", lambda: started.append(not pooled) or real_start())

    def in_pool(*args: object, **kwargs: object) -> object:
        pooled.append(1)
        return real_in_pool(*args, **kwargs)

    monkeypatch.setattr(pool, "_in_pool", in_pool)
    running = pool._pool
    try:
        carnet("sync")
        assert started == [True]  # once, before any folder was read
        assert len(pooled) == len(folders)
        assert entries(logbook()) == {(kind, company, position.casefold(), day)
                                      for kind, company, position, day in EXPECTED}
        carnet("sync")
        assert started == [True] and len(pooled) == len(folders)
    finally:
        if pool._pool is not None and pool._pool is not running:
            pool._discard(pool._pool)


def test_a_second_sync_records_nothing_new_and_the_server_is_unchanged(imap_user: ImapAccount, database: str) -> None:
    seed(imap_user)
    imap_user.server.append(imap_user.user, "INBOX", sample_messages()[0][1], flags=("\\Seen", "\\Flagged"))
    before = imap_user.snapshot()
    mailbox = link(imap_user)
    carnet("sync")
    first = logbook()
    summary = carnet("sync")
    assert logbook() == first
    assert " 0 nouvelle" in summary
    assert imap_user.snapshot() == before
    assert len(first) == len(EXPECTED)
    assert mailbox == "1"


def test_a_message_appended_after_a_sync_is_picked_up_by_the_next(imap_user: ImapAccount, database: str) -> None:
    messages = sample_messages()
    late = next(raw for folder, raw in messages if b"inbox-07" in raw or b"refus-moreau-77" in raw)
    for folder, raw in messages:
        if raw is not late:
            imap_user.append(folder, raw)
    link(imap_user)
    carnet("sync")
    assert "rejection" not in {r["kind"] for r in logbook()}
    imap_user.append("INBOX", late)
    carnet("sync")
    rejections = [r for r in logbook() if r["kind"] == "rejection"]
    assert [(r["company"], r["date"], r["verification"]) for r in rejections] == [
        ("Boulangerie Moreau", "2026-10-16", "thread")
    ]


def test_french_sent_folder_and_unflagged_sent_items_are_both_found(imap_user_fr: ImapAccount) -> None:
    folders = imap_user_fr.folders()
    assert "\\Sent" in folders["Éléments envoyés"]
    assert "\\Sent" not in folders["Sent Items"]
    raw_by_name = {path.name: path.read_bytes() for path in (files("carnet.demo") / "mail").iterdir()}
    imap_user_fr.append("Éléments envoyés", raw_by_name["sent-01-candidature-boulangerie.eml"])
    imap_user_fr.append("Sent Items", raw_by_name["sent-03-application-northwind.eml"])
    link(imap_user_fr)
    carnet("sync")
    companies = {(r["kind"], r["company"]) for r in logbook()}
    assert companies == {("application", "Boulangerie Moreau"), ("application", "Northwind")}


def test_wrong_password_fails_cleanly_and_stores_nothing(imap_user: ImapAccount, database: str) -> None:
    result = runner.invoke(app, ["link", "--host", imap_user.host, "--port", str(imap_user.port), "--user",
                                 imap_user.user, "--security", "plain", "--password-stdin"], input="wrong\n")
    assert result.exit_code == 1
    assert imap_user.user in result.stderr
    assert "mot de passe" in result.stderr
    assert "Traceback" not in result.output
    assert logbook() == []
    assert "Aucune boîte" in runner.invoke(app, ["sync"]).stderr


def _hold_lease(owner: str) -> None:
    """Leave the lease as a `carnet sync` that held it would: owned, expiring in an hour."""
    runtime = open_runtime()
    with transaction(runtime.factory) as session:
        for mailbox in session.query(Mailbox):
            mailbox.lease_owner, mailbox.lease_expires_at = owner, datetime.now(UTC) + timedelta(hours=1)
    runtime.engine.dispose()


def test_sync_takes_over_the_lease_of_a_crashed_local_sync_but_not_of_a_live_one(imap_user: ImapAccount) -> None:
    seed(imap_user)
    link(imap_user)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        _hold_lease(f"sync-{socket.gethostname()}-{live.pid}")
        refused = runner.invoke(app, ["sync"])
        assert refused.exit_code == 1 and f"being synced by sync-{socket.gethostname()}-{live.pid}" in refused.stderr
        _hold_lease(f"sync-{socket.gethostname()}-{dead.pid}")
        carnet("sync")
        assert len(logbook()) == len(EXPECTED)
    finally:
        live.kill()
        live.wait()
