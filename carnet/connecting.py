"""A logged-in IMAP connection to a linked mailbox, whichever way it logs in.

A password login is `ingest.connection.connect`. An OAuth2 login first needs an
access token: the one this process holds while it is fresh, else a new one from
the stored refresh token (a rotated refresh token is stored at once, encrypted).
A held token the server refuses (revoked before its expiry) is dropped and the
grant refreshed once: a refresh the provider refuses says the consent is gone
(`GrantRevoked`, an `AuthenticationFailed`: the mailbox waits for a new link).

`carnet.oauth` (authlib, requests) is imported only for an OAuth2 login: a password
mailbox's pass, and a `carnet sync` that finds nothing new, never load it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import imapclient
from sqlalchemy.orm import Session, sessionmaker

from carnet.config.providers import LoginKind
from carnet.config.settings import Settings
from carnet.ingest.connection import Account, AuthenticationFailed, connect
from carnet.store.db import transaction
from carnet.store.mailboxes import oauth_grant_of, replace_refresh_token
from carnet.store.models import Mailbox

if TYPE_CHECKING:
    from carnet.oauth.providers import OAuthProvider
    from carnet.oauth.tokens import Grant

log = logging.getLogger(__name__)


def connect_mailbox(factory: sessionmaker[Session], settings: Settings, mailbox_id: int,
                    account: Account) -> imapclient.IMAPClient:
    """Log in to `account` (from `store.mailboxes.account_of`); ImapError subclasses on failure."""
    if account.login is not LoginKind.OAUTH:
        return connect(account, settings.timeout, settings.ca_file)
    from carnet.oauth.tokens import ACCESS_TOKENS

    provider, refresh_token = _stored_grant(factory, settings, mailbox_id, account)
    held = ACCESS_TOKENS.current(mailbox_id, refresh_token)
    if held is not None:
        try:
            return _connect_with(account, held, settings)
        except AuthenticationFailed:
            log.info("mailbox %s: access token refused before its expiry; refreshing the grant", mailbox_id)
            ACCESS_TOKENS.forget(mailbox_id)
    grant = _refreshed(factory, settings, mailbox_id, provider, refresh_token, account)
    return _connect_with(account, grant, settings)


def _connect_with(account: Account, grant: Grant, settings: Settings) -> imapclient.IMAPClient:
    return connect(replace(account, password=grant.access_token), settings.timeout, settings.ca_file)


def _stored_grant(factory: sessionmaker[Session], settings: Settings, mailbox_id: int,
                  account: Account) -> tuple[OAuthProvider, str]:
    from carnet.oauth.providers import OAuthNotConfigured, provider_for
    from carnet.oauth.tokens import TokenEndpointFailed

    key = settings.require_secret_key()
    with transaction(factory) as session:
        kind, refresh_token = oauth_grant_of(session.get(Mailbox, mailbox_id), key)
    try:
        return provider_for(settings, kind), refresh_token
    except OAuthNotConfigured as exc:  # the operator removed the client id: retried, not a new link
        raise TokenEndpointFailed("oauth_unconfigured", account.label, str(exc)) from None


def _refreshed(factory: sessionmaker[Session], settings: Settings, mailbox_id: int, provider: OAuthProvider,
               refresh_token: str, account: Account) -> Grant:
    from carnet.oauth.tokens import ACCESS_TOKENS, refresh

    grant = refresh(provider, refresh_token, settings, account.label)
    kept = grant.refresh_token or refresh_token
    if kept != refresh_token:
        with transaction(factory) as session:
            replace_refresh_token(session.get(Mailbox, mailbox_id), settings.require_secret_key(), kept)
    ACCESS_TOKENS.keep(mailbox_id, grant, kept)
    log.info("mailbox %s: access token refreshed, valid %d s", mailbox_id, grant.lifetime)
    return grant
