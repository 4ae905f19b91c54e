"""Microsoft's device-code flow (RFC 8628) for the command line, through msal.

The seeker opens the address shown on any device, types the code, signs in and
consents; meanwhile msal polls the token endpoint at the interval the server asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import msal
import requests

from carnet.config.settings import Settings
from carnet.oauth.msal_app import msal_app
from carnet.oauth.providers import OAuthProvider
from carnet.oauth.tokens import Grant, TokenEndpointFailed, grant_from


@dataclass(frozen=True)
class DeviceCode:
    """What to show the seeker while the flow waits for them."""

    user_code: str
    verification_uri: str
    expires_in: int
    _app: msal.PublicClientApplication = field(repr=False)
    _flow: dict = field(repr=False)


def start_device_flow(provider: OAuthProvider, settings: Settings, mailbox: str) -> DeviceCode:
    app = msal_app(provider, settings, mailbox)
    try:
        flow = app.initiate_device_flow(scopes=provider.msal_scopes)
    except requests.RequestException as exc:
        raise TokenEndpointFailed("oauth_unreachable", mailbox, type(exc).__name__) from None
    if "user_code" not in flow:
        grant_from(flow, mailbox)  # raises the provider's error
    return DeviceCode(flow["user_code"], flow["verification_uri"], int(flow.get("expires_in", 900)), app, flow)


def wait_device_flow(code: DeviceCode, mailbox: str) -> Grant:
    """Poll until the seeker has consented (or the code expired, or they declined)."""
    try:
        answer = code._app.acquire_token_by_device_flow(code._flow)
    except requests.RequestException as exc:
        raise TokenEndpointFailed("oauth_unreachable", mailbox, type(exc).__name__) from None
    return grant_from(answer, mailbox)
