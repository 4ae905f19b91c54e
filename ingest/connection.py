"""Opening an IMAP connection: security modes, certificate checks, typed errors.

Errors carry a scope, after OfflineIMAP: `AuthenticationFailed` is never retried
(the mailbox needs a new link), `ConnectionFailed` is retried with backoff.
Messages name the mailbox and the cause, never the password.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from enum import StrEnum

import imapclient
from carnet.config.i18n import t
from carnet.config.providers import LoginKind
from imapclient.exceptions import IMAPClientError, LoginError


class Security(StrEnum):
    """How the connection is protected; stored as these strings (`Mailbox.security`)."""

    SSL = "ssl"
    STARTTLS = "starttls"
    #: Refused for anything but a loopback address.
    PLAIN = "plain"


SECURITY_MODES = tuple(Security)
DEFAULT_PORTS = {Security.SSL: 993, Security.STARTTLS: 143, Security.PLAIN: 143}


class ImapError(Exception):
    """Base of connection errors; `str()` is a one-line message for the user."""

    retryable = True

    def __init__(self, key: str, mailbox: str, detail: str = "") -> None:
        super().__init__(key, mailbox, detail)
        self.key = key
        self.mailbox = mailbox
        self.detail = detail

    def __str__(self) -> str:
        return t(self.key, mailbox=self.mailbox, detail=self.detail)


class AuthenticationFailed(ImapError):
    retryable = False


class ConnectionFailed(ImapError):
    pass


class TlsFailed(ConnectionFailed):
    pass


class InsecureRefused(ImapError):
    retryable = False


@dataclass(frozen=True)
class Account:
    """Where a mailbox is and how to log in to it.

    `password` is what is presented at login: the password for `LoginKind.PASSWORD`,
    an OAuth2 access token for `LoginKind.OAUTH` (SASL OAUTHBEARER when the server
    offers it, else XOAUTH2).
    """

    host: str
    port: int
    security: str
    username: str
    password: str = field(repr=False)
    login: LoginKind = LoginKind.PASSWORD

    @property
    def label(self) -> str:
        return f"{self.username}@{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    """True when every address the host resolves to is a loopback address."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Certificates and host names verified; `ca_file` adds a private CA."""
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def connect(account: Account, timeout: float = 30.0, ca_file: str | None = None) -> imapclient.IMAPClient:
    """A logged-in client, or an ImapError naming the mailbox and the cause."""
    if account.security not in SECURITY_MODES:
        raise InsecureRefused("bad_security", account.label, repr(account.security))
    if account.security == Security.PLAIN and not is_loopback(account.host):
        raise InsecureRefused("plain_refused", account.label)
    client = _open(account, timeout, ca_file)
    try:
        _login(client, account)
    except LoginError as exc:
        close(client)
        raise AuthenticationFailed("auth_failed", account.label) from exc
    except (OSError, IMAPClientError) as exc:
        close(client)
        raise ConnectionFailed("login_lost", account.label, _reason(exc)) from exc
    return client


def _login(client: imapclient.IMAPClient, account: Account) -> None:
    """LOGIN, or AUTHENTICATE PLAIN (UTF-8) when the credentials are not ASCII: LOGIN cannot carry them.

    A refused access token raises LoginError, like a refused password."""
    if account.login is LoginKind.OAUTH:
        _bearer_login(client, account)
    elif (account.username + account.password).isascii():
        client.login(account.username, account.password)
    else:
        client.plain_login(account.username, account.password)


def _bearer_login(client: imapclient.IMAPClient, account: Account) -> None:
    """OAUTHBEARER (RFC 7628) where CAPABILITY offers it, else XOAUTH2 (Gmail's and Outlook's)."""
    if client.has_capability("AUTH=OAUTHBEARER"):
        client.oauthbearer_login(account.username, account.password)
    else:
        client.oauth2_login(account.username, account.password)


def _open(account: Account, timeout: float, ca_file: str | None) -> imapclient.IMAPClient:
    # Loading the system's CA store takes tens of milliseconds: only when TLS is used.
    context = tls_context(ca_file) if account.security != Security.PLAIN else None
    try:
        client = imapclient.IMAPClient(
            account.host,
            port=account.port,
            ssl=account.security == Security.SSL,
            ssl_context=context,
            timeout=timeout,
        )
        if account.security == Security.STARTTLS:
            client.starttls(context)
    except ssl.SSLCertVerificationError as exc:
        raise TlsFailed("tls_untrusted", account.label, str(exc.verify_message)) from exc
    except ssl.SSLError as exc:
        raise TlsFailed("tls_failed", account.label, _reason(exc)) from exc
    except socket.gaierror as exc:
        raise ConnectionFailed("unknown_host", account.label, _reason(exc)) from exc
    except (OSError, IMAPClientError) as exc:
        raise ConnectionFailed("unreachable", account.label, _reason(exc)) from exc
    return client


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def close(client: imapclient.IMAPClient) -> None:
    """LOGOUT, or drop the socket when the server no longer answers."""
    try:
        client.logout()
    except (OSError, IMAPClientError):
        client.shutdown()
