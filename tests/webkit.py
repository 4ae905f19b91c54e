"""The web app under test: an app on a fresh database, browsers as TestClients, accounts.

`web_runtime` opens the app's database on the URL of `db_url` (SQLite, then
PostgreSQL); `web_app` builds the app on it; `browser()` is a new TestClient
(its own cookies) on loopback; `sign_up()` / `make_account()` make accounts and
`login()` signs a browser in. The CSRF token of a browser is `csrf_of(client)`.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from carnet.config.settings import load_settings
from carnet.store.accounts import Role, create_account
from carnet.store.db import transaction
from fastapi import FastAPI
from fastapi.testclient import TestClient

from carnet.runtime import Runtime, open_runtime
from carnet.web.app import create_app

BASE_URL = "http://127.0.0.1"
PASSWORD = "un mot de passe solide"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    password: str
    role: Role
    seeker_id: int | None


@pytest.fixture
def web_runtime(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    runtime = open_runtime(load_settings())
    try:
        yield runtime
    finally:
        runtime.engine.dispose()


@pytest.fixture
def web_app(web_runtime: Runtime) -> FastAPI:
    return create_app(runtime=web_runtime)


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[Callable[[], TestClient]]:
    """Make browsers: each call is a new TestClient with its own cookie jar."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(web_app, base_url=BASE_URL, follow_redirects=False)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@contextmanager
def signed_in_seekers(runtime: Runtime, name: str = "") -> Iterator[Callable[[], tuple[TestClient, Person]]]:
    """On an app of its own over `runtime` (settings a test changed): `make()` gives a new seeker, signed in."""
    app = create_app(runtime=runtime)
    clients: list[TestClient] = []

    def make() -> tuple[TestClient, Person]:
        email = f"seeker-{uuid.uuid4().hex[:8]}@example.org"
        with transaction(runtime.factory) as session:
            account = create_account(session, Role.SEEKER, email, PASSWORD, name or email.split("@")[0])
            person = Person(account.id, email, PASSWORD, Role.SEEKER, account.seeker_id)
        client = TestClient(app, base_url=BASE_URL, follow_redirects=False)
        clients.append(client)
        return login(client, person), person

    try:
        yield make
    finally:
        for client in clients:
            client.close()


@pytest.fixture
def make_account(web_runtime: Runtime) -> Callable[..., Person]:
    """Create an account straight in the store: ``make_account(Role.COUNSELLOR)``."""

    def make(role: Role = Role.SEEKER, email: str | None = None, name: str = "") -> Person:
        email = email or f"{role.value}-{uuid.uuid4().hex[:10]}@example.org"
        with transaction(web_runtime.factory) as session:
            account = create_account(session, role, email, PASSWORD, name or email.split("@")[0])
            return Person(account.id, account.email, PASSWORD, role, account.seeker_id)

    return make


def csrf_of(client: TestClient) -> str:
    """The browser's CSRF token (fetching a page first when it has none yet)."""
    token = client.cookies.get("carnet_csrf")
    if token is None:
        client.get("/login")
        token = client.cookies.get("carnet_csrf")
    return token


def shown(response) -> str:
    """The page's text as a reader sees it: HTML entities decoded (the markup is kept)."""
    return html.unescape(response.text)


def form_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def post(client: TestClient, path: str, data: dict | None = None, **kwargs):
    """A form POST with the browser's CSRF token, as the page's own form sends it."""
    return client.post(path, data={"csrf": csrf_of(client), **(data or {})}, **kwargs)


def login(client: TestClient, person: Person) -> TestClient:
    response = post(client, "/login", {"email": person.email, "password": person.password})
    assert response.status_code == 303, response.text
    return client
