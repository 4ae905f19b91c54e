"""What the sync benchmarks share: a throwaway Dovecot, a Carnet runtime, timed child commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from carnet.config.settings import load_settings  # noqa: E402
from carnet.ingest.connection import Account  # noqa: E402
from carnet.store import leases  # noqa: E402
from carnet.store.db import transaction  # noqa: E402
from carnet.store.mailboxes import link_mailbox  # noqa: E402

from carnet.demo.dovecot import Dovecot  # noqa: E402
from carnet.pipeline import SyncReport, sync_mailbox  # noqa: E402
from carnet.runtime import Runtime, open_runtime  # noqa: E402

# In the environment, so that worker processes (spawned, re-importing this module) share the key.
SECRET_KEY = os.environ.setdefault("CARNET_BENCH_SECRET_KEY", Fernet.generate_key().decode())
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=5"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@contextmanager
def dovecot() -> Iterator[Dovecot]:
    """A plaintext Dovecot on loopback in a folder of its own, removed afterwards."""
    folder = tempfile.mkdtemp(prefix="carnet-bench-")
    Path(folder).chmod(0o755)
    try:
        with Dovecot(folder) as server:
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def workspace() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="carnet-bench-data-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def environment(data_dir: Path, database_url: str) -> dict[str, str]:
    """The variables a `carnet` command of the benchmark runs with."""
    return {**os.environ, "CARNET_DATA_DIR": str(data_dir), "CARNET_DATABASE_URL": database_url,
            "CARNET_SECRET_KEY": SECRET_KEY, "CARNET_CONFIG": os.devnull, "CARNET_LANG": "en"}


def runtime(data_dir: Path, database_url: str, **overrides: object) -> Runtime:
    return open_runtime(replace(load_settings(environment(data_dir, database_url)), **overrides))


def link(rt: Runtime, server: Dovecot, user: str) -> int:
    """Store a mailbox of `server` (plaintext, loopback), due at once."""
    with transaction(rt.factory) as session:
        account = Account(server.host, server.port, "plain", user, server.users[user])
        return link_mailbox(session, rt.settings.require_secret_key(), account, user).id


def sync(rt: Runtime, mailbox_id: int, worker: str = "bench") -> SyncReport:
    """One pass as `carnet sync` makes it: claim the lease, then sync."""
    with transaction(rt.factory) as session:
        leases.claim_one(session, mailbox_id, worker, timedelta(seconds=rt.settings.lease_seconds))
    return sync_mailbox(rt.factory, rt.settings, mailbox_id, worker)


@dataclass(frozen=True)
class Run:
    """A finished child command: wall time, its own peak RSS, its worker processes' highest peak,
    the highest sum of the resident memory of the child and all its descendants, and its output."""

    seconds: float
    peak_rss_mb: float
    stdout: str
    workers_peak_mb: float = 0.0
    total_peak_mb: float = 0.0


def run_child(argv: list[str], env: Mapping[str, str]) -> Run:
    """Run a command to its end; its wall time and peak resident memory.

    The peak is the child's own VmHWM, polled while it runs: wait4's ru_maxrss
    would also count the parent's memory at fork time, which Linux carries over.
    The child's descendants (a pool of worker processes) are polled too.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=dict(env), stdout=out, stderr=err, text=True)
        peak_kb, workers_kb, total_kb = 0, 0, 0
        while (finished := os.waitpid(process.pid, os.WNOHANG))[0] == 0:
            peak_kb = max(peak_kb, _status_kb(process.pid, "VmHWM:"))
            descendants = _descendants(process.pid)
            workers_kb = max([workers_kb, *(_status_kb(pid, "VmHWM:") for pid in descendants)])
            total_kb = max(total_kb, sum(_status_kb(pid, "VmRSS:") for pid in [process.pid, *descendants]))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(finished[1])
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{argv} failed ({process.returncode}): {err.read()[-2000:]}")
        return Run(seconds, round(peak_kb / 1024, 1), out.read(), round(workers_kb / 1024, 1),
                   round(total_kb / 1024, 1))


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith(field)), 0)
    except (FileNotFoundError, ProcessLookupError):
        return 0


def _descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc/<pid>/task/*/children."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as children:
                kids = [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        for kid in kids:
            found += [kid, *_descendants(kid)]
    return found


def create_pg_database() -> str:
    """A fresh PostgreSQL database (127.0.0.1:5432, user postgres); its SQLAlchemy URL."""
    import uuid

    import psycopg
    from psycopg import sql

    name = f"carnet_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return PG_URL.format(name=name)


def drop_pg_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
