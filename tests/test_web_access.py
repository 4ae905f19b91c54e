"""Every route of the seeker's pages walked as nobody, as another seeker, as a counsellor and as the owner.

Ids in the URLs are the owner's; anyone else must get what a missing page gives
(404) or the sign-in page, never the owner's data.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from carnet.store.accounts import Role
from carnet.store.db import transaction
from carnet.store.models import Account
from carnet.store.reviews import declare
from entrykit import Entry, add_entries, mailbox_for
from webkit import PASSWORD, login, post

from carnet.web.auth import api_routes

OWNED = ("event_id", "mailbox_id", "review_id")
MINE = ("/journal", "/bilan", "/boite", "/export")
NOT_MINE = ("/boite/oauth",)  # the OAuth linking pages test their own routes
PUBLIC = {"/healthz", "/login", "/inscription", "/"}
SECRET_COMPANY = "Entreprise Très Secrète"


@pytest.fixture
def owner(web_runtime, make_account):
    person = make_account()
    with transaction(web_runtime.factory) as session:
        mailbox = mailbox_for(session, person.seeker_id)
        [event] = add_entries(session, mailbox, [Entry("acknowledgement", date.today() - timedelta(days=2),
                                                       company=SECRET_COMPANY)])
        account = session.get(Account, person.id)
        declaration = declare(session, account, date.today(), SECRET_COMPANY, "", "", None)
        ids = {"event_id": event.id, "mailbox_id": mailbox.id, "review_id": declaration.id, "key": "other"}
    return person, ids


def _my_routes(app) -> list[tuple[str, str]]:
    routes = [(method, route.path) for route in api_routes(app) for method in sorted(route.methods - {"HEAD"})]
    return [(method, path) for method, path in routes
            if (path.startswith(MINE) and not path.startswith(NOT_MINE)) or path in PUBLIC]


def _call(client, method: str, path: str, ids: dict):
    concrete = path.format(**ids)
    if method == "GET":
        return client.get(concrete)
    return post(client, concrete, {"reason": "not_mine", "kind": "offer", "company": "x", "position": "y",
                                   "username": "u", "password": "p"})


def test_the_walk_covers_every_seeker_route(web_app):
    paths = {path for _, path in _my_routes(web_app)}
    for expected in ("/journal/entree/{event_id}", "/journal/entree/{event_id}/original.eml",
                     "/boite/{mailbox_id}/retirer", "/journal/declaration/{review_id}/retirer", "/export/carnet.zip",
                     "/bilan"):
        assert expected in paths


def test_nobody_is_sent_to_sign_in(web_app, browser, owner):
    _, ids = owner
    for method, path in _my_routes(web_app):
        if path in PUBLIC:
            continue
        response = _call(browser(), method, path, ids)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), (method, path)


@pytest.mark.parametrize("role", [Role.SEEKER, Role.COUNSELLOR, Role.OPERATOR])
def test_strangers_see_nothing_of_the_owner(web_app, browser, make_account, owner, role):
    _, ids = owner
    client = login(browser(), make_account(role))
    for method, path in _my_routes(web_app):
        if path in PUBLIC:
            continue
        response = _call(client, method, path, ids)
        if role is not Role.SEEKER or any(f"{{{name}}}" in path for name in OWNED):
            assert response.status_code == 404, (role, method, path, response.status_code)
        assert SECRET_COMPANY.encode() not in response.content, (role, method, path)


def test_the_owner_reaches_every_route(web_app, browser, owner):
    person, ids = owner
    client = login(browser(), person)
    for method, path in _my_routes(web_app):
        if method == "GET":
            response = _call(client, method, path, ids)
            assert response.status_code in (200, 303), (path, response.status_code)
    assert SECRET_COMPANY in client.get(f"/journal/entree/{ids['event_id']}").text


def test_no_password_or_session_token_in_logs(browser, make_account, caplog, imap_user):
    caplog.set_level(logging.DEBUG)
    person = make_account()
    client = login(browser(), person)
    post(client, "/boite/lier/other", {"host": imap_user.host, "port": str(imap_user.port), "security": "plain",
                                       "username": imap_user.user, "password": imap_user.password})
    post(client, "/boite/lier/other", {"host": imap_user.host, "port": str(imap_user.port), "security": "plain",
                                       "username": imap_user.user, "password": "mauvais-mot-de-passe"})
    token = client.cookies.get("carnet_session")
    for secret in (PASSWORD, imap_user.password, "mauvais-mot-de-passe", token):
        assert secret not in caplog.text


TOO_LARGE = "99999999999999999999"  # more than any bigint (PostgreSQL) or INTEGER (SQLite) holds


def test_an_id_no_row_can_have_is_a_missing_page(web_app, browser, owner):
    person, ids = owner
    client = login(browser(), person)
    with_ids = [(method, path) for method, path in _my_routes(web_app) if any(f"{{{n}}}" in path for n in OWNED)]
    assert len(with_ids) >= 7, with_ids
    for bad in (TOO_LARGE, "0", "-3", "abc"):
        for method, path in with_ids:
            response = _call(client, method, path, {**ids, **{name: bad for name in OWNED}})
            assert response.status_code == 404, (method, path, bad, response.status_code)
    assert client.get(f"/journal?page={TOO_LARGE}").status_code == 200
