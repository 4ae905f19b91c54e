"""Typed settings from a TOML file and the environment, validated at start.

Precedence: environment (`CARNET_*`) over the config file over defaults. The
config file is `CARNET_CONFIG` when set, else `carnet.toml` in the data folder.
Every validation failure raises `SettingsError` with one line that names the
setting and says how to fix it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from carnet.config.i18n import t
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "CARNET_"


class SettingsError(ValueError):
    """A setting is missing or wrong; the message names it and the fix."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str | None = None
    evidence_threshold: float = 0.5
    batch_size: int = 200
    poll_interval: int = 300
    tick_interval: int = 15
    lease_seconds: int = 300
    max_backoff: int = 3600
    timeout: float = 30.0
    max_message_bytes: int = 25_000_000
    whole_fetch_bytes: int = 262_144
    max_uidvalidity_resets: int = 3
    trusted_authserv_ids: tuple[str, ...] = ("mx.google.com", "outlook.com", "mx.microsoft.com")
    dns_servers: tuple[str, ...] = field(default=())
    lang: str = "fr"
    ca_file: str | None = None
    #: OAuth2 clients registered by the operator; a provider with no client id is not offered.
    microsoft_client_id: str | None = None
    microsoft_tenant: str = "common"
    microsoft_authority: str = "https://login.microsoftonline.com"
    google_client_id: str | None = None
    google_client_secret: str | None = field(default=None, repr=False)
    #: The largest mailbox file a seeker may upload on the web to be imported.
    max_upload_bytes: int = 2 * 1024**3

    def require_secret_key(self) -> str:
        """The encryption key, or a SettingsError saying how to set one."""
        if not self.secret_key:
            raise SettingsError(t("settings_secret_key_missing"))
        return self.secret_key


_INTS = {"batch_size", "poll_interval", "tick_interval", "lease_seconds", "max_backoff",
         "max_message_bytes", "whole_fetch_bytes", "max_uidvalidity_resets", "max_upload_bytes"}
_FLOATS = {"evidence_threshold", "timeout"}
_LISTS = {"trusted_authserv_ids", "dns_servers"}
_OAUTH = {"microsoft_client_id", "microsoft_tenant", "microsoft_authority", "google_client_id",
          "google_client_secret"}


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "carnet"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read, merge and validate settings; raise SettingsError on the first bad one."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("CARNET_DATA_DIR") or default_data_dir()).expanduser()
    values = _read_file(Path(env.get("CARNET_CONFIG") or data_dir / "carnet.toml"))
    known = {f.name for f in fields(Settings)}
    for key in list(values):
        if key not in known:
            raise SettingsError(t("settings_unknown", setting=key, known=", ".join(sorted(known))))
    for name in known:
        if ENV_PREFIX + name.upper() in env:
            values[name] = env[ENV_PREFIX + name.upper()]
    values["data_dir"] = data_dir
    values.setdefault("database_url", f"sqlite:///{data_dir / 'carnet.db'}")
    return _check_oauth(Settings(**{name: _convert(name, value) for name, value in values.items()}))


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(t("settings_file_unreadable", path=path, detail=exc)) from exc
    return dict(data.get("carnet", data))


def _convert(name: str, value: Any) -> Any:
    env_name = ENV_PREFIX + name.upper()
    if name in _INTS:
        return _number(name, env_name, value, int, minimum=1)
    if name in _FLOATS:
        number = _number(name, env_name, value, float, minimum=0)
        if name == "evidence_threshold" and number > 1:
            raise SettingsError(t("settings_above_one", name=env_name, value=repr(value)))
        return number
    if name in _LISTS:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise SettingsError(t("settings_not_a_list", name=env_name, value=repr(value)))
        return tuple(str(item).strip() for item in items if str(item).strip())
    if name == "database_url":
        return _database_url(str(value))
    if name == "ca_file" and value is not None and not Path(str(value)).is_file():
        raise SettingsError(t("settings_ca_file", name=env_name, value=repr(value)))
    if name in _OAUTH and value is not None:
        return _oauth_value(name, env_name, str(value).strip())
    if name == "lang" and str(value) not in ("fr", "en"):
        raise SettingsError(t("settings_language", name=env_name, value=repr(value)))
    return value if name == "data_dir" else (str(value) if value is not None else None)


def _oauth_value(name: str, env_name: str, value: str) -> str | None:
    """OAuth settings: an authority is an https URL, a tenant one path segment; empty means unset."""
    if name == "microsoft_authority" and not re.fullmatch(r"https://[^/\s]+/?", value):
        raise SettingsError(t("settings_authority", name=env_name, value=repr(value)))
    if name == "microsoft_tenant" and not re.fullmatch(r"[\w.-]+", value):
        raise SettingsError(t("settings_tenant", name=env_name, value=repr(value)))
    if any(c.isspace() for c in value):
        raise SettingsError(t("settings_spaces", name=env_name))
    return value.rstrip("/") or None


def _check_oauth(settings: Settings) -> Settings:
    """Google's token endpoint refuses a client without its secret: both or neither."""
    if bool(settings.google_client_id) != bool(settings.google_client_secret):
        missing = "CARNET_GOOGLE_CLIENT_SECRET" if settings.google_client_id else "CARNET_GOOGLE_CLIENT_ID"
        raise SettingsError(t("settings_google_pair", name=missing))
    return settings


def _number(name: str, env_name: str, value: Any, kind: type, minimum: float) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise SettingsError(t("settings_whole_number" if kind is int else "settings_number",
                              name=env_name, value=repr(value))) from None
    if number < minimum:
        raise SettingsError(t("settings_below", name=env_name, value=repr(value), minimum=minimum))
    return number


def _database_url(value: str) -> str:
    """The URL as given; its password is never repeated in an error."""
    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise SettingsError(t("database_url_malformed")) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(t("database_backend_unsupported", backend=url.get_backend_name()))
    return value
