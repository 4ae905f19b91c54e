"""`carnet demo --web`: the demo mailbox, a seeker and a counsellor she shares with, and the web app.

The sample mailbox is seeded, linked to the demo seeker and synced before the
app starts; a worker then runs in a thread of the same process (for the demo
only: `carnet serve` never syncs), so "synchroniser maintenant" works. The two
logins and the URL are printed on stdout, one `role: …` line each; everything
is thrown away at Ctrl-C unless `--keep` names a folder.
"""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from rich.console import Console

from carnet.demo import DEMO_USER, close_demo, demo_mailbox, open_demo
from carnet.runtime import Runtime, worker_name
from carnet.store.accounts import Role, create_account
from carnet.store.consent import grant_by_address
from carnet.store.db import transaction
from carnet.web.app import create_app
from carnet.worker import tick

HOST = "127.0.0.1"
COUNSELLOR = "camille.dubois@example.org"


def run_demo_web(port: int = 8000, keep: Path | None = None) -> None:
    root, runtime = open_demo(keep)
    console = Console(stderr=True, soft_wrap=True)
    try:
        logins = _accounts(runtime)
        with demo_mailbox(root, runtime, console, seeker=logins["seeker_name"]), _worker(runtime):
            port = port or _free_port()
            print(f"seeker: {DEMO_USER} {logins['seeker']}", flush=True)
            print(f"counsellor: {COUNSELLOR} {logins['counsellor']}", flush=True)
            print(f"url: http://{HOST}:{port}/", flush=True)
            uvicorn.run(create_app(runtime=runtime), host=HOST, port=port, log_level="warning", server_header=False)
    finally:
        close_demo(root, runtime, keep)


def _accounts(runtime: Runtime) -> dict[str, str]:
    """The demo seeker and counsellor, with fresh passwords, and her consent to him."""
    passwords = {"seeker": secrets.token_urlsafe(9), "counsellor": secrets.token_urlsafe(9)}
    with transaction(runtime.factory) as session:
        seeker = create_account(session, Role.SEEKER, DEMO_USER, passwords["seeker"], "Léa Martin")
        create_account(session, Role.COUNSELLOR, COUNSELLOR, passwords["counsellor"], "Camille Dubois")
        grant_by_address(session, seeker.seeker_id, COUNSELLOR)
        return passwords | {"seeker_name": seeker.seeker.name}


@contextmanager
def _worker(runtime: Runtime) -> Iterator[None]:
    """The scheduled worker's tick in a thread, every `tick_interval` seconds, until the app stops."""
    stop = threading.Event()
    name = worker_name("demo")

    def loop() -> None:
        while not stop.wait(runtime.settings.tick_interval):
            tick(runtime, name, stop)

    thread = threading.Thread(target=loop, name="demo-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=runtime.settings.lease_seconds)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
