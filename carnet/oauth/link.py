"""Linking from the command line: Microsoft by device code, Google by a loopback redirect."""

from __future__ import annotations

from collections.abc import Callable

from carnet.config.i18n import t
from carnet.config.providers import LoginKind
from carnet.config.settings import Settings
from carnet.ingest.connection import DEFAULT_PORTS, Account
from carnet.oauth.device import start_device_flow, wait_device_flow
from carnet.oauth.loopback import loopback_grant
from carnet.oauth.providers import OAuthKind, OAuthProvider
from carnet.oauth.tokens import Grant, GrantRevoked


def oauth_account(provider: OAuthProvider, user: str, host: str | None = None, port: int | None = None,
                  security: str = "ssl") -> Account:
    """The mailbox to link: the provider's IMAP server unless `host` names another (no token yet)."""
    if host is None:
        mail = provider.mail
        return Account(mail.host, mail.port, mail.security, user, "", LoginKind.OAUTH)
    return Account(host, port or DEFAULT_PORTS[security], security, user, "", LoginKind.OAUTH)


def interactive_grant(provider: OAuthProvider, settings: Settings, account: Account,
                      show: Callable[[str], None]) -> Grant:
    """Ask the seeker's consent; a grant without a refresh token is refused (the worker needs one)."""
    if provider.kind is OAuthKind.MICROSOFT:
        code = start_device_flow(provider, settings, account.label)
        show(t("oauth_device_prompt", user=account.username, url=code.verification_uri, code=code.user_code,
               minutes=code.expires_in // 60))
        grant = wait_device_flow(code, account.label)
    else:
        grant = loopback_grant(provider, settings, account.username,
                               lambda url: show(t("oauth_browser_prompt", user=account.username, url=url)),
                               account.label)
    if not grant.refresh_token:
        raise GrantRevoked("oauth_no_refresh", account.label)
    return grant
