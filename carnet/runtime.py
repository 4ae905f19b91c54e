"""Settings, database and language, opened once per command."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from carnet.config.i18n import set_language, t
from carnet.config.settings import Settings, SettingsError, load_settings
from carnet.store.db import make_engine, session_factory, upgrade


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]


def prepare_data_dir(path: Path) -> None:
    """The data folder holds secrets: private to its owner (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


class DatabaseUnavailable(SettingsError):
    """CARNET_DATABASE_URL cannot be parsed or its server cannot be reached; the message names where."""


def open_runtime(settings: Settings | None = None) -> Runtime:
    """Load settings, create the data folder, open and upgrade the database."""
    settings = settings or load_settings()
    set_language(settings.lang)
    prepare_data_dir(settings.data_dir)
    return Runtime(settings, (engine := open_database(settings.database_url)), session_factory(engine))


def open_database(url: str) -> Engine:
    """The upgraded database at `url`, or one sentence naming the setting and where it points."""
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise DatabaseUnavailable(t("database_url_malformed")) from exc
    try:
        upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailable(t("database_unreachable", where=database_place(url))) from exc
    return engine


def database_place(url: str) -> str:
    """host:port/database of `url` (or the SQLite file), never its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return f"{parsed.host or 'localhost'}:{parsed.port or _DEFAULT_PORTS.get(parsed.get_backend_name(), '?')}" + (
        f"/{parsed.database}" if parsed.database else "")


_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


def worker_name(prefix: str = "worker") -> str:
    return f"{prefix}-{socket.gethostname()}-{os.getpid()}"


def is_dead_local_worker(name: str | None) -> bool:
    """True when `name` is a worker name of this machine whose process no longer exists."""
    prefix, _, pid = (name or "").rpartition("-")
    if not pid.isdigit() or not prefix.endswith("-" + socket.gethostname()):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
