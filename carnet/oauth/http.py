"""HTTP sessions to token endpoints, with the same TLS policy as IMAP.

Certificates are verified against the system's CAs plus `CARNET_CA_FILE` (the
IMAP connection's `tls_context`), TLS 1.2 at least.
"""

from __future__ import annotations

import requests
from authlib.integrations.requests_client import OAuth2Session
from requests.adapters import HTTPAdapter

from carnet.config.settings import Settings
from carnet.ingest.connection import tls_context
from carnet.oauth.providers import OAuthProvider


class _TlsAdapter(HTTPAdapter):
    def __init__(self, ca_file: str | None) -> None:
        self._context = tls_context(ca_file)
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)


def _secure(session: requests.Session, settings: Settings) -> requests.Session:
    session.mount("https://", _TlsAdapter(settings.ca_file))
    session.trust_env = False  # no ~/.netrc credentials or REQUESTS_CA_BUNDLE from the environment
    return session


def http_session(settings: Settings) -> requests.Session:
    """A plain session (msal's `http_client`)."""
    return _secure(requests.Session(), settings)


def oauth_session(provider: OAuthProvider, settings: Settings, redirect_uri: str | None = None) -> OAuth2Session:
    """An authlib client of `provider`: PKCE S256; the secret in the body when there is one."""
    session = OAuth2Session(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        token_endpoint_auth_method="client_secret_post" if provider.client_secret else "none",
        scope=provider.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    return _secure(session, settings)
