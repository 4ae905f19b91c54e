"""msal's public client for Microsoft, on our HTTP session and the configured authority."""

from __future__ import annotations

import msal
import requests

from carnet.config.settings import Settings
from carnet.oauth.http import http_session
from carnet.oauth.providers import OAuthProvider
from carnet.oauth.tokens import TokenEndpointFailed


def msal_app(provider: OAuthProvider, settings: Settings, mailbox: str) -> msal.PublicClientApplication:
    """msal reads the authority's OpenID configuration here: an unreachable authority fails now.

    Instance discovery is off: it asks login.microsoftonline.com whether the
    authority is Microsoft's, which also refuses the sovereign clouds' test set-ups.
    """
    try:
        return msal.PublicClientApplication(
            provider.client_id,
            authority=provider.authority,
            http_client=http_session(settings),
            instance_discovery=False,
            timeout=settings.timeout,
        )
    except (ValueError, requests.RequestException) as exc:
        raise TokenEndpointFailed("oauth_unreachable", mailbox, type(exc).__name__) from None
