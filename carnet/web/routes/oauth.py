"""Linking a mailbox with OAuth2 from the web: authorization code with PKCE, and back to Carnet.

`start` sends the browser to the provider with a fresh `state` and PKCE challenge;
what the callback needs (state, PKCE verifier, the address to link) travels in a
cookie sealed with Fernet under CARNET_SECRET_KEY, so the browser can neither read
nor forge it, bound to the seeker's account and web session and valid ten
minutes. `callback` checks all that, trades the code for a grant, logs in to the
mailbox with the access token exactly as `carnet link --oauth` does, and stores
the grant's refresh token encrypted. A refusal is one sentence; nothing is stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Annotated

from cryptography.fernet import Fernet, InvalidToken
from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from carnet.config.providers import LoginKind, Provider, providers
from carnet.config.settings import Settings
from carnet.ingest.connection import Account, ImapError, connect
from carnet.oauth.authcode import begin, finish
from carnet.oauth.providers import OAuthNotConfigured, OAuthProvider, configured, provider_for
from carnet.oauth.tokens import GrantRevoked
from carnet.store.mailboxes import link_mailbox
from carnet.web.auth import SeekerOnly, not_found
from carnet.web.cookies import SESSION_COOKIE, delete_cookie, set_cookie
from carnet.web.deps import Database
from carnet.web.templating import render, templates

router = APIRouter()

PENDING_COOKIE = "carnet_oauth"
PENDING_SECONDS = 600


def oauth_ready(request: Request, provider: Provider) -> bool:
    """Whether the link form of `provider` may offer its OAuth2 sign-in (the operator set a client up)."""
    settings: Settings = request.app.state.runtime.settings
    return provider.oauth is not None and bool(settings.secret_key) and any(
        kind.value == provider.oauth for kind in configured(settings))


templates.env.globals["oauth_ready"] = oauth_ready


@router.post("/boite/oauth/{oauth}/start")
def start(account: SeekerOnly, request: Request, oauth: str, key: Annotated[str, Form()] = "",
          username: Annotated[str, Form()] = "") -> Response:
    settings: Settings = request.app.state.runtime.settings
    identity, mail = _provider(settings, oauth), _mail_provider(key, oauth)
    username = username.strip()
    if not username:
        return _error(request, mail, "link_oauth_missing_address")
    imap = _imap(mail, username)
    redirect_uri = str(request.url_for("oauth_callback", oauth=oauth))
    try:
        started = begin(identity, settings, redirect_uri, username, imap.label)
    except ImapError as exc:
        return _error(request, mail, _message_key(exc), exc)
    pending = {"oauth": oauth, "key": key, "username": username, "flow": started.pending,
               "account": account.id, "session": _session_tag(request)}
    response = RedirectResponse(started.url, status_code=303)
    set_cookie(response, request, PENDING_COOKIE, _seal(settings, pending), max_age=PENDING_SECONDS)
    return response


@router.get("/boite/oauth/{oauth}/callback", name="oauth_callback")
def callback(account: SeekerOnly, request: Request, db: Database, oauth: str) -> Response:
    settings: Settings = request.app.state.runtime.settings
    identity = _provider(settings, oauth)
    pending = _unseal(settings, request.cookies.get(PENDING_COOKIE))
    if not pending or (pending["oauth"], pending["account"], pending["session"]) != (
            oauth, account.id, _session_tag(request)):
        return _error(request, identity.mail, "link_oauth_state")
    mail = _mail_provider(pending["key"], oauth)
    imap = _imap(mail, pending["username"])
    try:
        grant = finish(identity, settings, pending["flow"], dict(request.query_params), imap.label)
        if not grant.refresh_token:
            raise GrantRevoked("oauth_no_refresh", imap.label)
        connect(replace(imap, password=grant.access_token), settings.timeout, settings.ca_file).logout()
    except ImapError as exc:
        return _error(request, mail, _message_key(exc), exc)
    link_mailbox(db, settings.require_secret_key(), imap, account.seeker.name,
                 (identity.kind.value, grant.refresh_token))
    response = RedirectResponse("/boite?done=linked", status_code=303)
    delete_cookie(response, request, PENDING_COOKIE)
    return response


def _provider(settings: Settings, oauth: str) -> OAuthProvider:
    """The configured identity provider; an unknown or unconfigured one answers 404, like any absent page."""
    try:
        return provider_for(settings, oauth)
    except OAuthNotConfigured:
        raise not_found() from None


def _mail_provider(key: str, oauth: str) -> Provider:
    """The mail provider whose form this is; it must sign in through `oauth`."""
    mail = providers().get(key)
    if mail is None or mail.oauth != oauth or LoginKind.OAUTH not in mail.logins:
        raise not_found()
    return mail


def _imap(mail: Provider, username: str) -> Account:
    return Account(mail.host, mail.port, mail.security, username, "", LoginKind.OAUTH)


def _message_key(exc: ImapError) -> str:
    """The page's sentence for a failure: OAuth's own, a refused token, or the link form's."""
    if exc.key.startswith("oauth_"):
        return f"link_{exc.key}"
    return "link_oauth_auth_failed" if exc.key == "auth_failed" else f"link_{exc.key}"


def _error(request: Request, mail: Provider, message: str, exc: ImapError | None = None) -> Response:
    return render(request, "oauth_error.html", status_code=400, active="boite", provider=mail, error=message,
                  error_mailbox=exc.mailbox if exc else "", error_detail=exc.detail if exc else "")


def _session_tag(request: Request) -> str:
    return hashlib.sha256((request.cookies.get(SESSION_COOKIE) or "").encode()).hexdigest()[:32]


def _seal(settings: Settings, pending: dict) -> str:
    return Fernet(settings.require_secret_key().encode()).encrypt(json.dumps(pending).encode()).decode()


def _unseal(settings: Settings, sealed: str | None) -> dict | None:
    if not sealed:
        return None
    try:
        return json.loads(Fernet(settings.require_secret_key().encode()).decrypt(sealed.encode(), PENDING_SECONDS))
    except (InvalidToken, ValueError):
        return None
