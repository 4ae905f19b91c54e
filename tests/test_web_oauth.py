"""Linking from the web with OAuth2: authorization code with PKCE against the local authorization server.

The browser goes from Carnet to the server's /authorize (a signed-in person who
consents at once) and back to the callback; Carnet then logs in to the test
Dovecot with the token, which Dovecot checks with the server. The Outlook preset
points at that Dovecot instead of outlook.office365.com: everything else is real.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from carnet.config.providers import providers
from carnet.config.settings import load_settings
from carnet.store.accounts import Role
from carnet.store.db import transaction
from carnet.store.models import Mailbox
from carnet.store.secrets import decrypt
from conftest import ImapAccount
from fastapi.testclient import TestClient
from oauthkit import oauth_settings
from synckit import sync
from webkit import BASE_URL, Person, login, post, shown, signed_in_seekers

import carnet.web.routes.oauth as oauth_routes
from carnet.demo.oauth_server import AuthorizationServer
from carnet.oauth.tokens import ACCESS_TOKENS
from carnet.runtime import Runtime, open_runtime
from carnet.worker import tick


@pytest.fixture
def oauth_runtime(db_url: str, monkeypatch: pytest.MonkeyPatch, oauth_server: AuthorizationServer,
                  oauth_user: ImapAccount) -> Iterator[Runtime]:
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    outlook = replace(providers()["outlook"], host=oauth_user.host, port=oauth_user.port, security="plain")
    monkeypatch.setattr(oauth_routes, "providers", lambda: {**providers(), "outlook": outlook})
    runtime = open_runtime(oauth_settings(load_settings(), oauth_server))
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def seeker_browser(oauth_runtime: Runtime) -> Iterator[Callable[[], tuple[TestClient, Person]]]:
    with signed_in_seekers(oauth_runtime, "Léa Martin") as make:
        yield make


def consent(server: AuthorizationServer, authorize_url: str, signed_in_as: str) -> str:
    """The browser at the provider: signed in, consents; returns where it is sent back (path and query)."""
    server.sign_in(signed_in_as)
    answer = requests.get(authorize_url, verify=str(server.ca_file), allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}" == BASE_URL
    return f"{back.path}?{back.query}"


def start(client: TestClient, user: str):
    return post(client, "/boite/oauth/microsoft/start", {"key": "outlook", "username": user})


def test_the_link_form_offers_microsoft_sign_in(seeker_browser) -> None:
    client, _ = seeker_browser()
    page = shown(client.get("/boite/lier/outlook"))
    assert 'action="/boite/oauth/microsoft/start"' in page and "Se connecter avec Microsoft" in page


def test_a_seeker_links_outlook_through_the_web_and_it_syncs(
    seeker_browser, oauth_server: AuthorizationServer, oauth_user: ImapAccount, oauth_runtime: Runtime
) -> None:
    client, person = seeker_browser()
    started = start(client, oauth_user.user)
    assert started.status_code == 303
    authorize = urlsplit(started.headers["Location"])
    query = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}" == oauth_server.authority
    assert authorize.path == "/common/oauth2/v2.0/authorize"
    assert query["code_challenge_method"] == ["S256"] and query["login_hint"] == [oauth_user.user]
    assert "https://outlook.office.com/IMAP.AccessAsUser.All" in query["scope"][0].split()
    assert "offline_access" in query["scope"][0].split()
    assert "carnet_oauth" in client.cookies

    done = client.get(consent(oauth_server, started.headers["Location"], oauth_user.user))
    assert (done.status_code, done.headers["Location"]) == (303, "/boite?done=linked")
    with transaction(oauth_runtime.factory) as session:
        mailbox = session.query(Mailbox).one()
        assert (mailbox.username, mailbox.login, mailbox.oauth_provider) == (oauth_user.user, "oauth", "microsoft")
        assert mailbox.seeker_id == person.seeker_id
        refresh_token = decrypt(oauth_runtime.settings.require_secret_key(), mailbox.secret)
        mailbox_id = mailbox.id
    assert refresh_token in oauth_server.live_refresh_tokens(oauth_user.user)
    assert oauth_user.user in shown(client.get("/boite"))
    assert not sync(oauth_runtime, mailbox_id).errors


def test_a_callback_in_another_session_or_with_a_wrong_state_stores_nothing(
    seeker_browser, oauth_server: AuthorizationServer, oauth_user: ImapAccount, oauth_runtime: Runtime
) -> None:
    client, _ = seeker_browser()
    back = consent(oauth_server, start(client, oauth_user.user).headers["Location"], oauth_user.user)
    other, _ = seeker_browser()
    refused = other.get(back)  # another seeker's browser: no pending link of theirs
    assert refused.status_code == 400 and "ne correspond à aucune liaison en cours" in shown(refused)
    forged = back.replace("state=", "state=x")
    assert client.get(forged).status_code == 400
    with transaction(oauth_runtime.factory) as session:
        assert session.query(Mailbox).count() == 0


def test_consent_given_for_another_account_is_refused_in_one_sentence(
    seeker_browser, oauth_server: AuthorizationServer, oauth_user: ImapAccount, oauth_runtime: Runtime
) -> None:
    client, _ = seeker_browser()
    back = consent(oauth_server, start(client, oauth_user.user).headers["Location"], "someone.else@example.org")
    refused = client.get(back)
    assert refused.status_code == 400
    assert "refusé l'accès donné" in shown(refused) and oauth_user.user in shown(refused)
    with transaction(oauth_runtime.factory) as session:
        assert session.query(Mailbox).count() == 0


def test_without_a_client_id_the_form_says_why_and_the_routes_do_not_exist(browser, make_account) -> None:
    client = login(browser(), make_account(Role.SEEKER))
    page = shown(client.get("/boite/lier/outlook"))
    assert "CARNET_MICROSOFT_CLIENT_ID" in page and "/boite/oauth/microsoft/start" not in page
    assert start(client, "lea@outlook.fr").status_code == 404


def test_a_revoked_consent_is_said_on_the_mailbox_page_and_linking_again_mends_it(
    seeker_browser, oauth_server: AuthorizationServer, oauth_user: ImapAccount, oauth_runtime: Runtime
) -> None:
    client, _ = seeker_browser()
    client.get(consent(oauth_server, start(client, oauth_user.user).headers["Location"], oauth_user.user))
    with transaction(oauth_runtime.factory) as session:
        mailbox_id = session.query(Mailbox).one().id
    assert not sync(oauth_runtime, mailbox_id).errors
    oauth_server.revoke(oauth_user.user)
    ACCESS_TOKENS.forget_all()
    with transaction(oauth_runtime.factory) as session:
        session.get(Mailbox, mailbox_id).next_due_at = datetime.now(UTC)
    assert tick(oauth_runtime, "test-worker", threading.Event()) == 1
    page = shown(client.get("/boite"))
    assert "L'accord donné à Carnet chez votre fournisseur a été retiré" in page and "mot de passe" not in page
    client.get(consent(oauth_server, start(client, oauth_user.user).headers["Location"], oauth_user.user))
    with transaction(oauth_runtime.factory) as session:
        assert session.get(Mailbox, mailbox_id).status == "active"
    assert not sync(oauth_runtime, mailbox_id).errors
