"""OAuth2 identity providers (`config/oauth.toml`) joined with the operator's client settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from carnet.config.i18n import t
from carnet.config.providers import Provider, providers
from carnet.config.settings import Settings, SettingsError

#: Scopes msal adds by itself and refuses to be given.
MSAL_RESERVED_SCOPES = frozenset({"openid", "profile", "offline_access"})


class OAuthKind(StrEnum):
    MICROSOFT = "microsoft"
    GOOGLE = "google"


class OAuthNotConfigured(SettingsError):
    """The operator has not registered a client with this provider: its sign-in is not offered."""


@dataclass(frozen=True)
class OAuthProvider:
    kind: OAuthKind
    name: str
    client_id: str
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    mail: Provider
    device_url: str | None = None
    authority: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    authorize_params: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)

    @property
    def msal_scopes(self) -> list[str]:
        return [scope for scope in self.scopes if scope not in MSAL_RESERVED_SCOPES]


@cache
def _table() -> MappingProxyType[str, dict]:
    return MappingProxyType(tomllib.loads((files("carnet.config") / "oauth.toml").read_text(encoding="utf-8")))


def _client(settings: Settings, kind: OAuthKind) -> tuple[str | None, str | None]:
    if kind is OAuthKind.MICROSOFT:
        return settings.microsoft_client_id, None
    return settings.google_client_id, settings.google_client_secret


def _provider(settings: Settings, kind: OAuthKind, client_id: str, secret: str | None) -> OAuthProvider:
    row = _table()[kind.value]
    authority = f"{settings.microsoft_authority}/{settings.microsoft_tenant or 'common'}"
    fill = {"authority": settings.microsoft_authority, "tenant": settings.microsoft_tenant or "common"}
    return OAuthProvider(
        kind=kind,
        name=row["name"],
        client_id=client_id,
        client_secret=secret,
        authorize_url=row["authorize_url"].format(**fill),
        token_url=row["token_url"].format(**fill),
        device_url=row["device_url"].format(**fill) if "device_url" in row else None,
        authority=authority if kind is OAuthKind.MICROSOFT else None,
        scopes=tuple(row["scopes"]),
        authorize_params=MappingProxyType(dict(row.get("authorize_params", {}))),
        mail=providers()[row["mail_provider"]],
    )


def configured(settings: Settings) -> dict[OAuthKind, OAuthProvider]:
    """The providers the operator has a client for, in the table's order; empty when none."""
    found = {}
    for kind in OAuthKind:
        client_id, secret = _client(settings, kind)
        if client_id:
            found[kind] = _provider(settings, kind, client_id, secret)
    return found


def provider_for(settings: Settings, key: str) -> OAuthProvider:
    """The configured provider named `key`, or OAuthNotConfigured saying which setting is missing."""
    try:
        kind = OAuthKind(key)
    except ValueError:
        raise OAuthNotConfigured(t("oauth_unknown", provider=key, known=", ".join(OAuthKind))) from None
    provider = configured(settings).get(kind)
    if provider is None:
        raise OAuthNotConfigured(t(f"oauth_not_configured_{kind.value}"))
    return provider
