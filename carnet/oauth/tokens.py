"""Grants and access tokens: token responses read, refreshed before expiry, kept in memory only.

An access token never reaches the database, a file or a log line: `AccessTokens`
holds the current one of each mailbox in this process and refreshes it when less
than a quarter of its life (at most five minutes) is left. A refused refresh
(`invalid_grant`: consent withdrawn, password changed, grant expired) is an
authentication failure, never retried; an unreachable token endpoint is a network
failure, retried with backoff.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import requests
from authlib.integrations.base_client import OAuthError

from carnet.config.settings import Settings
from carnet.ingest.connection import AuthenticationFailed, ConnectionFailed
from carnet.oauth.http import oauth_session
from carnet.oauth.providers import OAuthProvider

REFRESH_MARGIN = 300.0


class GrantRevoked(AuthenticationFailed):
    """The provider refuses the stored grant: the seeker must link the mailbox again."""


class TokenEndpointFailed(ConnectionFailed):
    """The provider could not be reached, or answered with an error that may pass."""


@dataclass(frozen=True)
class Grant:
    """What a token endpoint granted; `expires_at` is on `time.monotonic()`'s clock."""

    access_token: str = field(repr=False)
    expires_at: float
    lifetime: float
    refresh_token: str | None = field(default=None, repr=False)

    def fresh(self, now: float | None = None) -> bool:
        """Still usable for a whole sync: more than the refresh margin of its life is left."""
        now = time.monotonic() if now is None else now
        return self.expires_at - now > min(REFRESH_MARGIN, self.lifetime / 4)


def grant_from(response: Mapping[str, object], mailbox: str, now: float | None = None) -> Grant:
    """A token endpoint's JSON answer as a Grant; its `error` as a typed failure."""
    error = response.get("error")
    if error:
        raise _failure(str(error), str(response.get("error_description") or ""), mailbox)
    if not response.get("access_token"):
        raise TokenEndpointFailed("oauth_refused", mailbox, "no access_token in the answer")
    lifetime = float(response.get("expires_in") or 3600)
    now = time.monotonic() if now is None else now
    refresh = response.get("refresh_token")
    return Grant(str(response["access_token"]), now + lifetime, lifetime, str(refresh) if refresh else None)


def _failure(error: str, description: str, mailbox: str) -> Exception:
    # invalid_grant is RFC 6749's code for a refresh token that no longer works, whatever the reason.
    if error == "invalid_grant":
        return GrantRevoked("oauth_revoked", mailbox, error)
    first_line = description.splitlines()[0] if description else ""
    return TokenEndpointFailed("oauth_refused", mailbox, f"{error}: {first_line}")


def refresh(provider: OAuthProvider, refresh_token: str, settings: Settings, mailbox: str) -> Grant:
    """Exchange a refresh token for a new access token (and, with Microsoft, a new refresh token)."""
    session = oauth_session(provider, settings)
    try:
        answer = session.refresh_token(provider.token_url, refresh_token=refresh_token, timeout=settings.timeout)
    except OAuthError as exc:
        raise _failure(exc.error or "", exc.description or "", mailbox) from None
    except (requests.RequestException, ValueError) as exc:
        raise TokenEndpointFailed("oauth_unreachable", mailbox, type(exc).__name__) from None
    finally:
        session.close()
    return grant_from(answer, mailbox)


@dataclass
class _Held:
    grant: Grant
    refresh_token: str


class AccessTokens:
    """Each mailbox's current access token in this process, refreshed when it runs low."""

    def __init__(self) -> None:
        self._held: dict[int, _Held] = {}
        self._lock = threading.Lock()

    def current(self, mailbox_id: int, refresh_token: str) -> Grant | None:
        """The held token, if it is still fresh and was got with this refresh token's grant."""
        with self._lock:
            held = self._held.get(mailbox_id)
        if held is None or held.refresh_token != refresh_token or not held.grant.fresh():
            return None
        return held.grant

    def keep(self, mailbox_id: int, grant: Grant, refresh_token: str) -> None:
        """Hold `grant`; `refresh_token` is the one now stored for the mailbox."""
        with self._lock:
            self._held[mailbox_id] = _Held(grant, refresh_token)

    def forget(self, mailbox_id: int) -> None:
        with self._lock:
            self._held.pop(mailbox_id, None)

    def forget_all(self) -> None:
        with self._lock:
            self._held.clear()


#: The process's tokens: the worker and `carnet sync` share them across passes.
ACCESS_TOKENS = AccessTokens()
