"""Shared fixtures: real Dovecot servers, SQLite and PostgreSQL databases, a clean env.

Dovecot and PostgreSQL are requirements of the suite, not options: when either is
missing the fixtures that need it fail (they never skip), so CI cannot go green
without them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from carnet.demo.dovecot import Dovecot, DovecotError, Snapshot

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=5"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

#: The localized server: a French mailbox, plus an English-named folder without a
#: role that name-based discovery must not prefer over SPECIAL-USE.
FRENCH_FOLDERS: dict[str, str | None] = {
    "Éléments envoyés": "\\Sent",
    "Brouillons": "\\Drafts",
    "Corbeille": "\\Trash",
    "Courrier indésirable": "\\Junk",
    "Sent Items": None,
}


# -- environment -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def carnet_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own data folder and secret key, and no database URL."""
    monkeypatch.setenv("CARNET_DATA_DIR", str(tmp_path / "carnet-data"))
    monkeypatch.setenv("CARNET_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.delenv("CARNET_DATABASE_URL", raising=False)


# -- Dovecot ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapAccount:
    """A user on a test Dovecot, with shortcuts to the server's helpers."""

    user: str
    password: str
    host: str
    port: int
    server: Dovecot

    def append(
        self,
        folder: str,
        raw: bytes,
        flags: Iterable[str | bytes] = (),
        msg_time: dt.datetime | None = None,
    ) -> int | None:
        return self.server.append(self.user, folder, raw, flags=flags, msg_time=msg_time)

    def snapshot(self) -> Snapshot:
        return self.server.snapshot(self.user)

    def folders(self) -> dict[str, tuple[str, ...]]:
        return self.server.list_folders(self.user)


DovecotFactory = Callable[..., Dovecot]


@pytest.fixture(scope="session")
def dovecot_factory() -> Iterator[DovecotFactory]:
    """Start extra Dovecot servers (keyword arguments as for :class:`Dovecot`).

    Each lives in a folder made by ``tempfile.mkdtemp`` (pytest's own temporary
    folders are mode 700, which Dovecot's unprivileged processes cannot enter).
    All are stopped together, and their folders removed, at the end of the session.
    """
    servers: list[Dovecot] = []
    folders: list[str] = []

    def make(**options: Any) -> Dovecot:
        folder = tempfile.mkdtemp(prefix="carnet-dovecot-")
        Path(folder).chmod(0o755)
        folders.append(folder)
        server = Dovecot(folder, **options)
        try:
            server.start()
        except DovecotError as exc:
            pytest.fail(f"Dovecot is required by the test suite: {exc}", pytrace=False)
        servers.append(server)
        return server

    try:
        yield make
    finally:
        try:
            Dovecot.stop_all(servers)
        finally:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot(dovecot_factory: DovecotFactory) -> Dovecot:
    """The shared plaintext server on loopback: INBOX, Sent, Drafts, Trash, Junk with roles."""
    return dovecot_factory()


@pytest.fixture(scope="session")
def dovecot_fr(dovecot_factory: DovecotFactory) -> Dovecot:
    """A shared plaintext server with French folder names (see ``FRENCH_FOLDERS``)."""
    return dovecot_factory(folders=FRENCH_FOLDERS)


@pytest.fixture
def new_imap_user(dovecot: Dovecot) -> Callable[..., ImapAccount]:
    """Make fresh users: ``new_imap_user()`` on ``dovecot``, or ``new_imap_user(server)``."""

    def make(server: Dovecot | None = None) -> ImapAccount:
        server = server or dovecot
        user = f"seeker-{uuid.uuid4().hex[:12]}"
        password = uuid.uuid4().hex
        server.add_user(user, password)
        return ImapAccount(user, password, server.host, server.port, server)

    return make


@pytest.fixture
def imap_user(new_imap_user: Callable[..., ImapAccount]) -> ImapAccount:
    """A fresh, empty mailbox on the shared English-folder server."""
    return new_imap_user()


@pytest.fixture
def imap_user_fr(new_imap_user: Callable[..., ImapAccount], dovecot_fr: Dovecot) -> ImapAccount:
    """A fresh, empty mailbox on the French-folder server."""
    return new_imap_user(dovecot_fr)


# -- databases --------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL to an empty database: an SQLite file, then a fresh PostgreSQL one.

    The PostgreSQL database is created for the test from template0 (so it is empty whatever other
    databases hold) and dropped after it (with FORCE, so connections the code under test left open
    do not block the drop).
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'carnet.db'}"
        return

    import psycopg
    from psycopg import sql

    name = f"carnet_test_{uuid.uuid4().hex[:16]}"
    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is required by the test suite (127.0.0.1:5432, user postgres, database test): {exc}",
            pytrace=False,
        )
    with admin:
        # From template0, never template1: tables someone left in template1 would be copied into every test's
        # database; what is left in `test` (the admin connection's database) is never seen by a test.
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        try:
            yield PG_URL.format(name=name)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# -- web app (the fixtures live in tests/webkit.py) ------------------------------------

# -- browser tests (the fixtures live in tests/browserkit.py) -----------------------------
from browserkit import chromium, new_page, playwright, seeded_world, served, worker  # noqa: E402, F401

# -- OAuth2 (the fixtures live in tests/oauthkit.py) ---------------------------------------
from oauthkit import dovecot_oauth, oauth_server, oauth_user  # noqa: E402, F401
from webkit import browser, make_account, web_app, web_runtime  # noqa: E402, F401
