"""Settings, database and language, opened once per command."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from carnet.config.i18n import set_language
from carnet.config.settings import Settings, load_settings
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


def open_runtime(settings: Settings | None = None) -> Runtime:
    """Load settings, create the data folder, open and upgrade the database."""
    settings = settings or load_settings()
    set_language(settings.lang)
    prepare_data_dir(settings.data_dir)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return Runtime(settings, engine, session_factory(engine))


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
