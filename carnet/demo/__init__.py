"""`carnet demo`: the whole chain on embedded defaults, with no set-up at all.

A throwaway IMAP server (Dovecot when installed and run as root, else pymap) is
seeded with a sample mailbox written for Carnet — French and English
applications, employer replies and look-alikes that must not count — then the
mailbox is linked, synced and its logbook printed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from importlib.resources import files
from pathlib import Path

from cryptography.fernet import Fernet
from rich.console import Console

from carnet.cli import print_logbook
from carnet.config.i18n import t
from carnet.config.settings import load_settings
from carnet.ingest.connection import Account, connect
from carnet.runtime import Runtime, open_runtime
from carnet.store.db import transaction
from carnet.store.logbook import logbook_rows
from carnet.store.mailboxes import link_mailbox
from carnet.syncing import sync_now

DEMO_USER = "lea.martin@example.org"
DEMO_PASSWORD = "demo-" + "carnet"
FOLDERS = {"sent": "Sent", "inbox": "INBOX"}


def sample_messages() -> list[tuple[str, bytes]]:
    """(folder, raw bytes) of the sample mailbox, in file order."""
    folder = files("carnet.demo") / "mail"
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".eml"))
    return [(FOLDERS[name.split("-", 1)[0]], (folder / name).read_bytes()) for name in names]


def _server(root: Path) -> tuple[str, AbstractContextManager]:
    if shutil.which("dovecot") and os.geteuid() == 0:
        from carnet.demo.dovecot import Dovecot

        return "Dovecot", Dovecot(root / "imap", folders={"Sent": "\\Sent"})
    from carnet.demo.pymap_server import PymapServer

    return "pymap", PymapServer()


def open_demo(keep: Path | None = None) -> tuple[Path, Runtime]:
    """A throwaway data folder (or `keep`), a fresh secret key and the database in it."""
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="carnet-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # Dovecot's unprivileged processes must reach the server folder; data/ stays 0700
    env = {**os.environ, "CARNET_DATA_DIR": str(root / "data"), "CARNET_SECRET_KEY": Fernet.generate_key().decode()}
    env.pop("CARNET_DATABASE_URL", None)
    env.pop("CARNET_CONFIG", None)
    return root, open_runtime(load_settings(env))


def close_demo(root: Path, runtime: Runtime, keep: Path | None) -> None:
    runtime.engine.dispose()
    if keep is None:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def demo_mailbox(root: Path, runtime: Runtime, console: Console, seeker: str = "Léa Martin") -> Iterator[int]:
    """The sample mailbox on a local IMAP server, linked to `seeker` and synced; the server runs until exit."""
    name, server = _server(root)
    server.add_user(DEMO_USER, DEMO_PASSWORD)
    with server:
        messages = sample_messages()
        for folder, raw in messages:
            server.append(DEMO_USER, folder, raw)
        console.print(t("demo_server", server=name, host=server.host, port=server.port, count=len(messages)))
        account = Account(server.host, server.port, "plain", DEMO_USER, DEMO_PASSWORD)
        connect(account, runtime.settings.timeout).logout()
        with transaction(runtime.factory) as session:
            mailbox_id = link_mailbox(session, runtime.settings.secret_key, account, seeker).id
        reports = sync_now(runtime, [mailbox_id], show_progress=console.is_terminal)
        console.print(t("demo_linked"))
        for error in (e for r in reports for e in r.errors):
            console.print(error, markup=False)
        yield mailbox_id


def run_demo(keep: Path | None = None) -> None:
    root, runtime = open_demo(keep)
    console = Console(stderr=True, soft_wrap=True)
    try:
        with demo_mailbox(root, runtime, console) as mailbox_id:
            pass
        with transaction(runtime.factory) as session:
            print_logbook(logbook_rows(session, mailbox_id=mailbox_id))
    finally:
        close_demo(root, runtime, keep)
