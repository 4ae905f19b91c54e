"""The authorization-code flow with PKCE (S256): Microsoft's through msal, Google's through authlib.

`begin` gives the address to send the browser to and what to keep, server side,
until it comes back (state, PKCE verifier); `finish` checks the state and trades
the code for a grant. The web app and the command line's loopback redirect use both.
"""

from __future__ import annotations

import hmac
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError

from carnet.config.settings import Settings
from carnet.oauth.http import oauth_session
from carnet.oauth.msal_app import msal_app
from carnet.oauth.providers import OAuthKind, OAuthProvider
from carnet.oauth.tokens import Grant, GrantRevoked, TokenEndpointFailed, grant_from


@dataclass(frozen=True)
class Started:
    """`url` for the browser; `pending` (JSON-serialisable, secret) to keep until the callback."""

    url: str
    pending: dict


def begin(provider: OAuthProvider, settings: Settings, redirect_uri: str, login_hint: str, mailbox: str) -> Started:
    if provider.kind is OAuthKind.MICROSOFT:
        app = msal_app(provider, settings, mailbox)
        with warnings.catch_warnings():
            # msal recommends response_mode=form_post; but a cross-site POST back would not carry the
            # seeker's SameSite=Lax session cookie. The code in the query is single-use and PKCE-bound,
            # and the callback answers with a redirect at once.
            warnings.filterwarnings("ignore", "response_mode='form_post' is recommended", UserWarning)
            flow = app.initiate_auth_code_flow(provider.msal_scopes, redirect_uri=redirect_uri, login_hint=login_hint)
        return Started(flow["auth_uri"], flow)
    verifier = generate_token(64)
    session = oauth_session(provider, settings, redirect_uri)
    url, state = session.create_authorization_url(
        provider.authorize_url, code_verifier=verifier, login_hint=login_hint, **provider.authorize_params)
    return Started(url, {"state": state, "code_verifier": verifier, "redirect_uri": redirect_uri})


def finish(provider: OAuthProvider, settings: Settings, pending: Mapping, params: Mapping[str, str],
           mailbox: str) -> Grant:
    """The grant for the code in the callback's `params`; a refused consent or a wrong state fails typed."""
    if not hmac.compare_digest(str(params.get("state", "")), str(pending.get("state", ""))):
        raise GrantRevoked("oauth_state", mailbox)
    if params.get("error"):
        raise GrantRevoked("oauth_declined", mailbox, str(params["error"]))
    try:
        if provider.kind is OAuthKind.MICROSOFT:
            answer = msal_app(provider, settings, mailbox).acquire_token_by_auth_code_flow(dict(pending), dict(params))
        else:
            answer = _google_code(provider, settings, pending, params)
    except OAuthError as exc:
        answer = {"error": exc.error, "error_description": exc.description}
    except (requests.RequestException, ValueError) as exc:
        raise TokenEndpointFailed("oauth_unreachable", mailbox, type(exc).__name__) from None
    return grant_from(answer, mailbox)


def _google_code(provider: OAuthProvider, settings: Settings, pending: Mapping, params: Mapping[str, str]) -> dict:
    session = oauth_session(provider, settings, pending["redirect_uri"])
    try:
        return dict(session.fetch_token(provider.token_url, code=params.get("code", ""),
                                        code_verifier=pending["code_verifier"], timeout=settings.timeout))
    finally:
        session.close()
