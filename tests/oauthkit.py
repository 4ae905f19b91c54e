"""OAuth2 over real IMAP: a local authorization server and a Dovecot that checks its tokens.

`oauth_server` plays Microsoft's identity platform on loopback (HTTPS, its own CA);
`dovecot_oauth` asks it, by token introspection, about every access token a client
presents with XOAUTH2 or OAUTHBEARER. Carnet reaches the server as the operator's
`CARNET_MICROSOFT_AUTHORITY`, trusting its CA through `CARNET_CA_FILE`.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from carnet.config.providers import LoginKind
from carnet.config.settings import Settings
from carnet.ingest.connection import Account
from carnet.store.db import transaction
from carnet.store.mailboxes import link_mailbox
from conftest import DovecotFactory, ImapAccount

from carnet.demo.dovecot import Dovecot, OAuth2Passdb
from carnet.demo.oauth_server import AuthorizationServer
from carnet.oauth.device import start_device_flow, wait_device_flow
from carnet.oauth.providers import provider_for
from carnet.oauth.tokens import Grant
from carnet.runtime import Runtime


@pytest.fixture(scope="session")
def oauth_server() -> Iterator[AuthorizationServer]:
    folder = tempfile.mkdtemp(prefix="carnet-oauth-")
    Path(folder).chmod(0o755)
    server = AuthorizationServer(Path(folder))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot_oauth(dovecot_factory: DovecotFactory, oauth_server: AuthorizationServer) -> Dovecot:
    """Plaintext on loopback; passwords for PLAIN/LOGIN, tokens (introspected) for XOAUTH2/OAUTHBEARER."""
    return dovecot_factory(oauth2=OAuth2Passdb(oauth_server.introspection_url, str(oauth_server.ca_file)))


@pytest.fixture
def oauth_user(new_imap_user: Callable[..., ImapAccount], dovecot_oauth: Dovecot,
               oauth_server: AuthorizationServer) -> Iterator[ImapAccount]:
    oauth_server.access_lifetime = 3600
    yield new_imap_user(dovecot_oauth)
    oauth_server.access_lifetime = 3600


def oauth_env(server: AuthorizationServer) -> dict[str, str]:
    """What an operator sets to offer Microsoft sign-in, pointed at the local server."""
    return {"CARNET_MICROSOFT_CLIENT_ID": server.client_id, "CARNET_MICROSOFT_AUTHORITY": server.authority,
            "CARNET_CA_FILE": str(server.ca_file)}


def oauth_settings(settings: Settings, server: AuthorizationServer) -> Settings:
    return replace(settings, microsoft_client_id=server.client_id, microsoft_authority=server.authority,
                   ca_file=str(server.ca_file))


def approve(server: AuthorizationServer, user_code: str, user: str) -> None:
    """The seeker, at a browser, enters the code and signs in as `user`."""
    answer = requests.post(server.device_url, data={"user_code": user_code, "user": user},
                           verify=str(server.ca_file), timeout=10)
    answer.raise_for_status()


def device_grant(server: AuthorizationServer, settings: Settings, signed_in_as: str) -> Grant:
    """A grant through the real device-code flow (msal polling), approved from another thread."""
    provider = provider_for(settings, "microsoft")
    code = start_device_flow(provider, settings, signed_in_as)
    threading.Timer(0.2, approve, (server, code.user_code, signed_in_as)).start()
    return wait_device_flow(code, signed_in_as)


def oauth_account(user: ImapAccount, token: str = "") -> Account:
    return Account(user.host, user.port, "plain", user.user, token, LoginKind.OAUTH)


def link_oauth(rt: Runtime, server: AuthorizationServer, user: ImapAccount, seeker: str = "Léa Martin") -> int:
    """Link `user` as the CLI does after consent: the grant's refresh token stored, encrypted."""
    grant = device_grant(server, rt.settings, user.user)
    with transaction(rt.factory) as session:
        mailbox = link_mailbox(session, rt.settings.require_secret_key(), oauth_account(user), seeker,
                               ("microsoft", grant.refresh_token))
        return mailbox.id


def unique(prefix: str = "oauth") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
