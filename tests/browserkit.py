"""The browser tests' harness: a real `carnet serve`, Debian's Chromium driven by Playwright, axe-core.

`served` starts `carnet serve` as a subprocess on a free loopback port, on the
test's database, and stops it afterwards (its log is printed when a test fails
and must hold no traceback). `chromium` is one headless Chromium for the whole
session, launched from `/usr/bin/chromium` (Playwright never downloads a
browser here); `new_page()` opens a page in a fresh context (its own cookies)
with axe-core loaded into every document. `check_accessible(page)` runs axe and
fails on any serious or critical violation.

axe-core comes from the npm package installed by `tests/setup.sh` into
`.test-deps/`. It is loaded as an init script (the devtools protocol), which the
pages' Content-Security-Policy does not apply to, so the tests run with the
policy the app really sends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from carnet.config.settings import load_settings
from carnet.store.accounts import Role, create_account
from carnet.store.consent import grant_by_address
from carnet.store.db import transaction
from entrykit import Entry, add_entries, mailbox_for
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from carnet.runtime import open_runtime

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".test-deps" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SERIOUS = ("serious", "critical")
LEA = {"name": "Léa Martin", "email": "lea.martin@example.fr", "password": "un mot de passe solide"}
WORKER_WAIT = 90.0
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    process: subprocess.Popen

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict[str, str], log: Path, extra_args: tuple[str, ...] = ()) -> Server:
    """`carnet serve` on a free port, once /healthz answers."""
    port = free_port()
    out = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "carnet", "serve", "--host", "127.0.0.1", "--port", str(port), *extra_args],
        env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
    )
    server = Server(f"http://127.0.0.1:{port}", log, process)
    _wait_healthy(server)
    return server


def _wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"carnet serve exited with {server.process.returncode}:\n{server.log_text()}")
        try:
            if httpx.get(server.url + "/healthz", timeout=1).text == "ok":
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_server(server)
    pytest.fail(f"carnet serve did not answer /healthz within {START_TIMEOUT:.0f} s:\n{server.log_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def served(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """`carnet serve` on the test's database (the environment of `carnet_env`, plus the URL)."""
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    server = start_server(dict(os.environ), tmp_path / "serve.log")
    try:
        yield server
    finally:
        stop_server(server)
    text = server.log_text()
    print(f"--- carnet serve log ---\n{text}")  # shown only when the test fails
    assert "Traceback" not in text, "carnet serve logged a traceback (see its log above)"


@pytest.fixture
def worker(served: Server, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """`carnet run` beside the server, on the same database and key, ticking every second."""
    log = tmp_path / "worker.log"
    env = {**os.environ, "CARNET_TICK_INTERVAL": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "carnet", "run"], env=env, stdout=out,
                                   stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text(encoding="utf-8", errors="replace")
    print(f"--- carnet run log ---\n{text}")
    assert "Traceback" not in text, "carnet run logged a traceback (see its log above)"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is required by the browser tests (bash tests/setup.sh)", pytrace=False)
    if not AXE.exists():
        pytest.fail(f"axe-core is required by the browser tests: {AXE} (bash tests/setup.sh)", pytrace=False)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(chromium: Browser, served: Server) -> Iterator[Callable[[], Page]]:
    """Open pages on the served app, each in a context of its own (a separate person).

    A page that opens a dialog (alert, confirm, prompt) ran script it never should:
    the dialog is dismissed and the test fails at teardown, naming it.
    """
    contexts, dialogs = [], []

    def make() -> Page:
        context = chromium.new_context(base_url=served.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.add_init_script(path=str(AXE))
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not dialogs, f"a page opened dialogs: {dialogs}"


def check_accessible(page: Page) -> None:
    """axe-core on the current page: no serious or critical violation."""
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in SERIOUS]
    assert not serious, f"{page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in serious)


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_load_state()


def wait_for_entries(page: Page, *texts: str, path: str = "/journal", timeout: float = WORKER_WAIT) -> None:
    """Reload `path` until the worker has recorded entries showing each of `texts` (it commits in batches)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.goto(path)
        main = page.locator("main").inner_text()
        if page.locator("ol.timeline > li").count() and all(text in main for text in texts):
            return
        time.sleep(1)
    pytest.fail(f"{path} does not show {texts} after {timeout:.0f} s: the worker did not sync")


def sign_up(page: Page, person: dict[str, str] = LEA) -> None:
    """Sign up through the form (the page is checked by axe first); lands on /journal."""
    page.goto("/inscription")
    check_accessible(page)
    page.fill("#name", person["name"])
    page.fill("#email", person["email"])
    page.fill("#password", person["password"])
    page.fill("#password_again", person["password"])
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/journal")


def link_mailbox(page: Page, imap, password: str) -> None:
    """Link an account of the test Dovecot through the form of the "other" provider."""
    page.goto("/boite/lier/other")
    page.fill("#host", imap.host)
    page.fill("#port", str(imap.port))
    page.select_option("#security", "plain")
    page.fill("#username", imap.user)
    page.fill("#password", password)
    page.get_by_role("button", name="Vérifier et lier").click()


def user_add(role: str, email: str, name: str, password: str) -> None:
    """Create an account the way an operator does at a terminal: `carnet user add --password-stdin`."""
    subprocess.run([sys.executable, "-m", "carnet", "user", "add", "--role", role, "--email", email, "--name", name,
                    "--password-stdin"], input=password.encode(), env=dict(os.environ), cwd=ROOT, check=True,
                   capture_output=True)


@dataclass(frozen=True)
class World:
    """Accounts in the served database: a seeker with a small logbook, her counsellor, another, an operator."""

    seeker: dict[str, str]
    counsellor: dict[str, str]
    stranger: dict[str, str]
    operator: dict[str, str]
    seeker_id: int
    event_ids: list[int]


WORLD_PASSWORD = "un mot de passe solide"


@pytest.fixture
def seeded_world(served: Server) -> World:
    """Seed the served database directly (no sync): what the pages need to show something."""
    people = {"seeker": ("Léa Martin", "lea@example.fr", Role.SEEKER),
              "counsellor": ("Claire Dubois", "claire@francetravail.example", Role.COUNSELLOR),
              "stranger": ("Marc Petit", "marc@francetravail.example", Role.COUNSELLOR),
              "operator": ("Olga Roux", "olga@carnet.example", Role.OPERATOR)}
    runtime = open_runtime(load_settings())
    try:
        with transaction(runtime.factory) as session:
            accounts = {key: create_account(session, role, email, WORLD_PASSWORD, name)
                        for key, (name, email, role) in people.items()}
            seeker_id = accounts["seeker"].seeker_id
            mailbox = mailbox_for(session, seeker_id, last_sync_at=None)
            events = add_entries(session, mailbox, [
                Entry("application", date(2026, 11, 3), "Airbus", "Technicienne méthodes"),
                Entry("acknowledgement", date(2026, 11, 4), "Airbus", "Technicienne méthodes", "dkim",
                      subject="Accusé de réception de votre candidature"),
                Entry("application", date(2026, 11, 6), "Safran", "Opératrice usinage"),
                Entry("interview", date(2026, 11, 12), "Safran", "Opératrice usinage", "thread",
                      subject="Invitation à un entretien"),
            ])
            grant_by_address(session, seeker_id, people["counsellor"][1])
            event_ids = [event.id for event in events]
    finally:
        runtime.engine.dispose()
    login = {key: {"name": name, "email": email, "password": WORLD_PASSWORD}
             for key, (name, email, _) in people.items()}
    return World(login["seeker"], login["counsellor"], login["stranger"], login["operator"], seeker_id, event_ids)
