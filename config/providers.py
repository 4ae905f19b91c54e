"""The mail providers table (`providers.toml`): presets for linking a mailbox.

The command line and the web form read the same table, so a preset (host, port,
security, how to log in, what the seeker must do first) is written once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType


class LoginKind(StrEnum):
    PASSWORD = "password"
    OAUTH = "oauth"


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    host: str
    port: int
    security: str
    logins: tuple[LoginKind, ...]
    oauth: str | None
    domains: tuple[str, ...]
    sent: tuple[str, ...]
    steps: MappingProxyType[str, tuple[str, ...]]

    def steps_in(self, lang: str) -> tuple[str, ...]:
        """The steps in `lang`, French when that language has none."""
        return self.steps.get(lang) or self.steps["fr"]


def _provider(key: str, row: dict) -> Provider:
    steps = {lang: tuple(row.get(f"steps_{lang}", ())) for lang in ("fr", "en")}
    return Provider(
        key=key,
        name=row["name"],
        host=row["host"],
        port=int(row["port"]),
        security=row["security"],
        logins=tuple(LoginKind(kind) for kind in row["login"]),
        oauth=row.get("oauth"),
        domains=tuple(row.get("domains", ())),
        sent=tuple(row.get("sent", ())),
        steps=MappingProxyType(steps),
    )


@cache
def providers() -> MappingProxyType[str, Provider]:
    """Every provider by key, in the table's order (`other` last)."""
    data = tomllib.loads((files("carnet.config") / "providers.toml").read_text(encoding="utf-8"))
    return MappingProxyType({key: _provider(key, row) for key, row in data.items()})


def for_address(address: str) -> Provider | None:
    """The provider an address's domain suggests, if the table knows it."""
    domain = address.rpartition("@")[2].strip().lower()
    return next((p for p in providers().values() if domain in p.domains), None)
