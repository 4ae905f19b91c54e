"""Mailbox passwords are never in clear: not in the database, the logs, argv or any message.

The passwords are followed through a link, a sync, a link to a closed port, a
link with a wrong password, a sync the server rejects after the password changed,
and the new link; then every byte the database holds is searched for them.
`carnet rotate-key` is checked end to end, and the data folder's modes through
the command line.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import uuid
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from carnet.config.i18n import t
from carnet.config.settings import load_settings
from carnet.store.db import transaction
from carnet.store.models import Mailbox
from carnet.store.secrets import SecretError, decrypt
from clikit import carnet, carnet_argv, carnet_env, link_args
from conftest import ImapAccount
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner
from workerkit import wait_until

from carnet import pipeline  # noqa: F401  (sets its loggers' levels at import, before the test lowers them)
from carnet.cli import app
from carnet.demo.dovecot import free_port
from carnet.runtime import open_runtime

SEEDED = ("sent-01-candidature-boulangerie.eml", "inbox-05-accuse-workday-decathlon.eml")


def seed(account: ImapAccount) -> None:
    for name in SEEDED:
        raw = (files("carnet.demo") / "mail" / name).read_bytes()
        account.append("Sent" if name.startswith("sent-") else "INBOX", raw)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG and captured, those that do not propagate too (imapclient's IMAP trace included)."""
    loggers = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    levels = {logger: logger.level for logger in loggers}
    isolated = [logger for logger in loggers if not logger.propagate]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for logger in isolated:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level in levels.items():
        logger.setLevel(level)
    for logger in isolated:
        logger.removeHandler(caplog.handler)


def database_bytes(db_url: str) -> bytes:
    """Everything the database holds: the SQLite file with its WAL and SHM, or every PostgreSQL row as text."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        return b"".join(part.read_bytes() for part in sorted(path.parent.glob(path.name + "*")))
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = [
                row
                for table in inspect(connection).get_table_names()
                for row in connection.execute(text(f'SELECT CAST(t AS text) FROM "{table}" AS t')).scalars()
            ]
    finally:
        engine.dispose()
    return "\n".join(rows).encode()


def test_passwords_are_never_in_clear(
    imap_user: ImapAccount, db_url: str, debug_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    seed(imap_user)
    first, wrong, second = imap_user.password, f"wrong-{uuid.uuid4().hex}", f"second-{uuid.uuid4().hex}"
    link = link_args(imap_user.host, imap_user.port, imap_user.user)
    closed = link_args(imap_user.host, free_port(), imap_user.user)
    runner = CliRunner()

    results = [
        runner.invoke(app, link, input=first + "\n"),
        runner.invoke(app, ["sync"]),
        runner.invoke(app, closed, input=first + "\n"),
        runner.invoke(app, link, input=wrong + "\n"),
    ]
    imap_user.server.add_user(imap_user.user, second)  # the stored password is now rejected
    results += [
        runner.invoke(app, ["sync"]),
        runner.invoke(app, link, input=second + "\n"),
        runner.invoke(app, ["sync"]),
    ]

    assert [r.exit_code for r in results] == [0, 0, 1, 1, 1, 0, 0], [r.output for r in results]
    assert t("auth_failed", mailbox=f"{imap_user.user}@{imap_user.host}:{imap_user.port}")[:40] in results[4].output
    records = debug_logs.records
    assert any(r.name.startswith("imapclient") and "LOGIN" in r.getMessage() for r in records), "no IMAP trace"
    assert any(r.name.startswith("sqlalchemy.engine") for r in records), "no SQL trace"
    texts = [r.output for r in results] + [debug_logs.text] + [r.getMessage() for r in records]
    stored = database_bytes(db_url)
    for password in (first, wrong, second):
        assert not [t for t in texts if password in t]
        assert password.encode() not in stored


def test_link_takes_the_password_from_stdin_never_from_argv(imap_user: ImapAccount) -> None:
    args = carnet_argv(*link_args(imap_user.host, imap_user.port, imap_user.user))
    process = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=carnet_env()
    )
    # It waits for the password on stdin: once it has exec'd, its argv and environment can be read meanwhile.
    cmdline = Path(f"/proc/{process.pid}/cmdline")
    wait_until(lambda: b"link\0" in cmdline.read_bytes(), "the command to start")
    argv, environ = cmdline.read_bytes(), Path(f"/proc/{process.pid}/environ").read_bytes()
    out, err = process.communicate(imap_user.password + "\n", timeout=120)

    assert process.returncode == 0, err
    assert b"--password-stdin" in argv
    assert imap_user.password.encode() not in argv + environ
    assert int(out)


@pytest.mark.parametrize("source", ["generated", "stdin"])
def test_rotate_key_reencrypts_every_secret(
    imap_user: ImapAccount, new_imap_user, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = new_imap_user()
    seed(imap_user)
    old_key = os.environ["CARNET_SECRET_KEY"]
    for account in (imap_user, other):
        linked = carnet(*link_args(account.host, account.port, account.user), stdin=account.password)
        assert linked.returncode == 0, linked.stderr

    if source == "stdin":
        new_key = Fernet.generate_key().decode()
        rotated = carnet("rotate-key", "--new-key-stdin", stdin=new_key + "\n")
        assert rotated.stdout == ""
    else:
        rotated = carnet("rotate-key")
        new_key = rotated.stdout.strip()
    assert rotated.returncode == 0, rotated.stderr
    assert "2 secret" in rotated.stderr

    runtime = open_runtime(load_settings(carnet_env()))
    with transaction(runtime.factory) as session:
        secrets = {m.username: m.secret for m in session.scalars(select(Mailbox))}
    runtime.engine.dispose()
    for account in (imap_user, other):
        assert decrypt(new_key, secrets[account.user]) == account.password
        with pytest.raises(SecretError):
            decrypt(old_key, secrets[account.user])
    with_new = carnet("sync", env={"CARNET_SECRET_KEY": new_key})
    assert with_new.returncode == 0, with_new.stderr
    assert "2 mailbox" in with_new.stdout
    with_old = carnet("sync")
    assert with_old.returncode != 0
    assert "cannot decrypt" in with_old.stderr
    assert "Traceback" not in with_old.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "existing-0755-folder"])
def test_data_folder_and_sqlite_files_are_private(imap_user: ImapAccount, tmp_path: Path, existing: bool) -> None:
    data_dir = tmp_path / "home" / "share" / "carnet"
    if existing:
        data_dir.mkdir(parents=True, mode=0o755)
        data_dir.chmod(0o755)
    env = {"CARNET_DATA_DIR": str(data_dir)}
    args = link_args(imap_user.host, imap_user.port, imap_user.user)

    linked = carnet(*args, stdin=imap_user.password, env=env, umask=0)
    synced = carnet("sync", env=env, umask=0)

    assert (linked.returncode, synced.returncode) == (0, 0), linked.stderr + synced.stderr
    assert _mode(data_dir) == 0o700
    database_files = sorted(data_dir.glob("carnet.db*"))
    assert data_dir / "carnet.db" in database_files
    assert {path.name: _mode(path) for path in database_files} == {path.name: 0o600 for path in database_files}
