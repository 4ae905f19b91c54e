"""OAuth2 linking over real IMAP: Dovecot checks every token with the local authorization server.

Linking by device code from the command line, a sync with XOAUTH2 or OAUTHBEARER,
an access token refreshed (and the rotated refresh token kept), and a revoked
consent that parks the mailbox in `needs_relink` without retrying it.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import pytest
from carnet.config.settings import load_settings
from carnet.ingest.connection import AuthenticationFailed, connect
from carnet.store import leases
from carnet.store.db import transaction
from carnet.store.models import Mailbox
from carnet.store.secrets import decrypt, rotate_key
from clikit import TIMEOUT, carnet_argv, carnet_env
from conftest import DovecotFactory, ImapAccount
from cryptography.fernet import Fernet
from oauthkit import approve, device_grant, link_oauth, oauth_account, oauth_env, oauth_settings
from synckit import entries, mailbox_row, runtime, sync

from carnet.demo.dovecot import OAuth2Passdb
from carnet.demo.oauth_server import AuthorizationServer
from carnet.oauth.tokens import ACCESS_TOKENS
from carnet.runtime import Runtime, open_runtime
from carnet.worker import tick

MAIL = files("carnet.demo") / "mail"
CODE = re.compile(r"\b([0-9A-F]{8})\b")


def seed_job_mail(user: ImapAccount) -> None:
    user.append("Sent", (MAIL / "sent-01-candidature-boulangerie.eml").read_bytes())
    user.append("INBOX", (MAIL / "inbox-07-refus-boulangerie.eml").read_bytes())


def make_due(rt: Runtime, mailbox_id: int) -> None:
    with transaction(rt.factory) as session:
        session.get(Mailbox, mailbox_id).next_due_at = datetime.now(UTC) - timedelta(minutes=1)


@pytest.fixture
def rt(db_url: str, tmp_path: Path, oauth_server: AuthorizationServer) -> Runtime:
    ACCESS_TOKENS.forget_all()
    base = runtime(db_url, tmp_path / "data")
    return Runtime(oauth_settings(base.settings, oauth_server), base.engine, base.factory)


def test_cli_links_by_device_code_and_the_mailbox_syncs(
    oauth_user: ImapAccount, oauth_server: AuthorizationServer, db_url: str, tmp_path: Path
) -> None:
    seed_job_mail(oauth_user)
    env = carnet_env({**oauth_env(oauth_server), "CARNET_DATABASE_URL": db_url})
    argv = carnet_argv("link", "--oauth", "microsoft", "--user", oauth_user.user, "--host", oauth_user.host,
                       "--port", str(oauth_user.port), "--security", "plain", "--seeker", "Léa Martin")
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    prompt = process.stderr.readline()
    assert oauth_server.device_url in prompt, prompt
    approve(oauth_server, CODE.search(prompt).group(1), oauth_user.user)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    mailbox_id = int(out.strip())

    rt = open_runtime(load_settings(env))
    row = mailbox_row(rt.factory, mailbox_id)
    assert (row.login, row.oauth_provider, row.status) == ("oauth", "microsoft", "active")
    refresh_token = decrypt(rt.settings.require_secret_key(), row.secret)
    assert refresh_token in oauth_server.live_refresh_tokens(oauth_user.user)
    report = sync(rt, mailbox_id)
    assert not report.errors, report.errors
    assert {kind for kind, *_ in entries(rt.factory, mailbox_id)} == {"application", "rejection"}


def test_no_access_token_reaches_the_database(
    oauth_user: ImapAccount, oauth_server: AuthorizationServer, rt: Runtime, tmp_path: Path
) -> None:
    seed_job_mail(oauth_user)
    mailbox_id = link_oauth(rt, oauth_server, oauth_user)
    assert not sync(rt, mailbox_id).errors
    with transaction(rt.factory) as session:
        stored = [value for mailbox in session.query(Mailbox).all()
                  for value in (mailbox.secret, mailbox.last_error or "")]
    tokens = oauth_server.issued_access_tokens(oauth_user.user)
    assert tokens, "the sync logged in with an access token"
    dump = b"".join(v if isinstance(v, bytes) else v.encode() for v in stored)
    assert not any(token.encode() in dump for token in tokens)
    if rt.settings.database_url.startswith("sqlite:///"):
        database = Path(rt.settings.database_url.removeprefix("sqlite:///")).read_bytes()
        assert not any(token.encode() in database for token in tokens)


def test_a_refused_token_is_an_authentication_failure(oauth_user: ImapAccount, oauth_server: AuthorizationServer,
                                                       rt: Runtime) -> None:
    grant = device_grant(oauth_server, rt.settings, "someone.else@example.org")
    with pytest.raises(AuthenticationFailed) as refused:
        connect(oauth_account(oauth_user, grant.access_token), timeout=10)
    assert oauth_user.user in str(refused.value)
    with pytest.raises(AuthenticationFailed):
        connect(oauth_account(oauth_user, "not-a-token"), timeout=10)


def test_cli_refuses_a_token_for_another_account_and_stores_nothing(
    oauth_user: ImapAccount, oauth_server: AuthorizationServer, db_url: str
) -> None:
    env = carnet_env({**oauth_env(oauth_server), "CARNET_DATABASE_URL": db_url})
    argv = carnet_argv("link", "--oauth", "microsoft", "--user", oauth_user.user, "--host", oauth_user.host,
                       "--port", str(oauth_user.port), "--security", "plain")
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    prompt = process.stderr.readline()
    approve(oauth_server, CODE.search(prompt).group(1), "someone.else@example.org")
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 1
    assert out == ""
    assert err.strip().splitlines() == [err.strip()] and oauth_user.user in err and "Traceback" not in err
    rt = open_runtime(load_settings(env))
    with transaction(rt.factory) as session:
        assert session.query(Mailbox).count() == 0


def test_an_expired_access_token_is_refreshed_and_the_rotated_refresh_token_kept(
    oauth_user: ImapAccount, oauth_server: AuthorizationServer, rt: Runtime
) -> None:
    seed_job_mail(oauth_user)
    mailbox_id = link_oauth(rt, oauth_server, oauth_user)
    key = rt.settings.require_secret_key()
    linked_token = decrypt(key, mailbox_row(rt.factory, mailbox_id).secret)
    refreshes = oauth_server.refreshes
    assert not sync(rt, mailbox_id).errors
    assert oauth_server.refreshes == refreshes + 1  # the link's access token is not kept: one refresh
    assert not sync(rt, mailbox_id).errors
    assert oauth_server.refreshes == refreshes + 1  # still fresh: held in memory, reused

    oauth_server.expire_access_tokens()  # Dovecot now refuses the held token
    assert not sync(rt, mailbox_id).errors
    assert oauth_server.refreshes == refreshes + 2
    rotated = decrypt(key, mailbox_row(rt.factory, mailbox_id).secret)
    assert rotated != linked_token and rotated in oauth_server.live_refresh_tokens(oauth_user.user)

    ACCESS_TOKENS.forget_all()  # another process: only the stored (rotated) refresh token is left
    assert not sync(rt, mailbox_id).errors
    assert mailbox_row(rt.factory, mailbox_id).status == "active"
    assert {kind for kind, *_ in entries(rt.factory, mailbox_id)} == {"application", "rejection"}


def test_a_token_near_its_expiry_is_refreshed_before_the_login(
    oauth_user: ImapAccount, oauth_server: AuthorizationServer, rt: Runtime
) -> None:
    mailbox_id = link_oauth(rt, oauth_server, oauth_user)
    oauth_server.access_lifetime = 8  # a quarter of that left means "refresh first"
    assert not sync(rt, mailbox_id).errors
    refreshes, introspections = oauth_server.refreshes, oauth_server.introspections
    threading.Event().wait(6.5)
    assert not sync(rt, mailbox_id).errors
    assert oauth_server.refreshes == refreshes + 1
    assert oauth_server.introspections == introspections + 1  # one login, with the new token: nothing refused


def test_a_revoked_consent_parks_the_mailbox_until_a_new_link(
    oauth_user: ImapAccount, oauth_server: AuthorizationServer, rt: Runtime
) -> None:
    seed_job_mail(oauth_user)
    mailbox_id = link_oauth(rt, oauth_server, oauth_user)
    assert not sync(rt, mailbox_id).errors
    oauth_server.revoke(oauth_user.user)
    make_due(rt, mailbox_id)
    stop = threading.Event()
    assert tick(rt, "test-worker", stop) == 1
    row = mailbox_row(rt.factory, mailbox_id)
    assert row.status == "needs_relink"
    assert oauth_user.user in row.last_error and "Traceback" not in row.last_error
    assert row.last_error == str(AuthenticationFailed("oauth_revoked", oauth_account(oauth_user).label))
    refreshes = oauth_server.refreshes
    make_due(rt, mailbox_id)  # due again: still not claimed
    assert tick(rt, "test-worker", stop) == 0
    assert oauth_server.refreshes == refreshes
    with transaction(rt.factory) as session:
        assert leases.claim_due(session, "other", timedelta(seconds=60), limit=5) == []

    relinked = link_oauth(rt, oauth_server, oauth_user)
    assert relinked == mailbox_id and mailbox_row(rt.factory, mailbox_id).status == "active"
    assert not sync(rt, mailbox_id).errors


@pytest.mark.parametrize("mechanisms, used", [(("xoauth2",), "XOAUTH2"), (("xoauth2", "oauthbearer"), "OAUTHBEARER")])
def test_oauthbearer_when_offered_else_xoauth2(
    mechanisms: tuple[str, ...], used: str, dovecot_factory: DovecotFactory, oauth_server: AuthorizationServer,
    new_imap_user: Callable[..., ImapAccount],
) -> None:
    server = dovecot_factory(oauth2=OAuth2Passdb(oauth_server.introspection_url, str(oauth_server.ca_file),
                                                 mechanisms))
    user = new_imap_user(server)
    grant = device_grant(oauth_server, oauth_settings(load_settings(), oauth_server), user.user)
    connect(oauth_account(user, grant.access_token), timeout=10).logout()
    log = server.log_file.read_text(errors="replace")
    assert f"user=<{user.user}>, method={used}" in log


def test_rotate_key_re_encrypts_refresh_tokens_and_the_mailbox_still_syncs(
    oauth_user: ImapAccount, oauth_server: AuthorizationServer, rt: Runtime
) -> None:
    seed_job_mail(oauth_user)
    mailbox_id = link_oauth(rt, oauth_server, oauth_user)
    old_key, new_key = rt.settings.require_secret_key(), Fernet.generate_key().decode()
    refresh_token = decrypt(old_key, mailbox_row(rt.factory, mailbox_id).secret)
    with transaction(rt.factory) as session:
        assert rotate_key(session, old_key, new_key) == 1
    assert decrypt(new_key, mailbox_row(rt.factory, mailbox_id).secret) == refresh_token
    rotated = Runtime(replace(rt.settings, secret_key=new_key), rt.engine, rt.factory)
    assert not sync(rotated, mailbox_id).errors
    assert {kind for kind, *_ in entries(rt.factory, mailbox_id)} == {"application", "rejection"}
