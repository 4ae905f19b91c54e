"""Web benchmarks on PostgreSQL, against one real `carnet serve` process.

    python benchmarks/bench_web.py [--seconds 60] [--users 50] [--repeat 30]

(f) a seeker's logbook page (`/journal`) with 2,000 entries: median time of
    `--repeat` requests, one at a time (targets: ≤ 150 ms);
(g) a counsellor's list (`/conseiller`) of 500 consented seekers: median time,
    and the number of SQL statements the page runs (target: ≤ 200 ms);
(h) `--users` signed-in people (four in five seekers, one in five counsellors)
    browsing their pages for `--seconds` with no pause between requests:
    errors, requests per second, latency percentiles (target: no error).

The data (web_data.py) is written straight into a fresh PostgreSQL database:
French employers and positions, about 30 entries for each of 500 seekers and
2,000 for one; then ANALYZE, as autovacuum would after such a load. Times
are measured by the client over loopback, so they include HTTP and the
client's share of the machine's two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from cryptography.fernet import Fernet
from psycopg import sql
from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import web_data  # noqa: E402
from carnet.store.accounts import HASHER  # noqa: E402
from carnet.store.counsellor import consented_seekers  # noqa: E402
from carnet.store.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from carnet.store.models import Account, Consent, Seeker  # noqa: E402

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=5"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
PASSWORD = "mot de passe du banc d'essai"
SEEKERS = 500
ENTRIES_EACH = 30
BIG_LOGBOOK = 2_000
LOAD_COUNSELLORS = 10
TODAY = datetime.now(UTC).date()


@dataclass
class People:
    """Who signs in during the benchmark, and what each may look at."""

    big_seeker: str = ""
    main_counsellor: str = ""
    seekers: dict[str, list[int]] = field(default_factory=dict)  # email → own event ids
    counsellors: dict[str, dict[int, list[int]]] = field(default_factory=dict)  # email → seeker id → event ids


# -- the database --------------------------------------------------------------------------


def create_database() -> str:
    name = f"carnet_bench_web_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def seed(url: str) -> People:
    """Accounts (one argon2id hash shared by all: the password is the same), consents, logbooks."""
    engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    people, password_hash, rng = People(), HASHER.hash(PASSWORD), random.Random(2026)
    with transaction(factory) as session:
        counsellors = [_account(session, f"conseiller{n}@francetravail.example", f"Conseiller {n}", "counsellor",
                                password_hash) for n in range(LOAD_COUNSELLORS + 1)]
        people.main_counsellor = counsellors[0].email
        big = _seeker_account(session, "lea.martin@example.fr", "Léa Martin", password_hash)
        web_data.write_logbook(session, big.seeker_id, web_data.plan(rng, BIG_LOGBOOK, TODAY),
                               last_sync_at=datetime.now(UTC))
        people.big_seeker = big.email
    for index in range(SEEKERS):
        with transaction(factory) as session:
            _small_seeker(session, rng, index, counsellors, password_hash, people)
    engine.dispose()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("ANALYZE")  # what autovacuum does within a minute of a bulk load
    return people


def _account(session, email: str, name: str, role: str, password_hash: str, seeker_id: int | None = None) -> Account:
    account = Account(email=email, name=name, role=role, password_hash=password_hash, seeker_id=seeker_id,
                      created_at=datetime.now(UTC))
    session.add(account)
    session.flush()
    return account


def _seeker_account(session, email: str, name: str, password_hash: str) -> Account:
    seeker = Seeker(name=name, created_at=datetime.now(UTC))
    session.add(seeker)
    session.flush()
    return _account(session, email, name, "seeker", password_hash, seeker.id)


def _small_seeker(session, rng: random.Random, index: int, counsellors: list[Account], password_hash: str,
                  people: People) -> None:
    """One of the 500: its logbook (5 % need a new link, 10 % silent for months), consents to the main
    counsellor and to one of the others."""
    account = _seeker_account(session, f"demandeur{index}@example.fr", web_data.seeker_name(index), password_hash)
    end = TODAY - timedelta(days=rng.randint(45, 200)) if index % 10 == 3 else TODAY
    status = "needs_relink" if index % 20 == 7 else "active"
    web_data.write_logbook(session, account.seeker_id, web_data.plan(rng, ENTRIES_EACH, end), status,
                           datetime.now(UTC) - timedelta(minutes=rng.randint(1, 300)))
    session.execute(insert(Consent), [
        {"seeker_id": account.seeker_id, "counsellor_id": counsellors[0].id, "granted_at": datetime.now(UTC)},
        {"seeker_id": account.seeker_id, "counsellor_id": counsellors[1 + index % LOAD_COUNSELLORS].id,
         "granted_at": datetime.now(UTC)}])
    events = web_data.event_ids(session, account.seeker_id)
    if index < 4 * 50:
        people.seekers[account.email] = events
    people.counsellors.setdefault(counsellors[1 + index % LOAD_COUNSELLORS].email, {})[account.seeker_id] = events


# -- the server ----------------------------------------------------------------------------


def start_server(url: str, data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "CARNET_DATABASE_URL": url, "CARNET_DATA_DIR": str(data_dir), "CARNET_CONFIG": os.devnull,
           "CARNET_SECRET_KEY": Fernet.generate_key().decode()}
    process = subprocess.Popen([sys.executable, "-m", "carnet", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).text == "ok":
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"carnet serve did not start: {process.stderr.read().decode()[-2000:]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signed_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    client.get("/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf": client.cookies.get("carnet_csrf")})
    if response.status_code != 303:
        raise SystemExit(f"cannot sign in as {email}: {response.status_code}")
    return client


# -- (f) and (g): one page, one request at a time ----------------------------------------------


def median_page(client: httpx.Client, path: str, repeat: int) -> tuple[float, float, int]:
    """Median and 90th percentile (ms) of `repeat` requests after 3 warm-ups, and the page's size."""
    for _ in range(3):
        client.get(path)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
    return statistics.median(times), _percentile(times, 90), len(response.content)


def list_statements(url: str, email: str) -> tuple[int, float]:
    """SQL statements and in-process time (ms, median of 10) of the counsellor's list query alone."""
    engine = make_engine(url)
    factory = session_factory(engine)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    times = []
    with factory() as session:
        counsellor_id = session.query(Account.id).filter(Account.email == email).scalar()
        for _ in range(10):
            statements.clear()
            started = time.perf_counter()
            rows = consented_seekers(session, counsellor_id)
            times.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    assert len(rows) == SEEKERS, len(rows)
    return len(statements), statistics.median(times)


# -- (h): many people at once ---------------------------------------------------------------------


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    by_page: Counter = field(default_factory=Counter)


def seeker_pages(events: list[int], rng: random.Random) -> tuple[str, str]:
    """(what, path): a page a seeker looks at."""
    return rng.choice([("journal", "/journal"), ("journal verified", "/journal?preuve=verified"),
                       ("entry", f"/journal/entree/{rng.choice(events)}"), ("metrics", "/bilan"),
                       ("mailboxes", "/boite"), ("sharing", "/partage"), ("export", "/export")])


def counsellor_pages(seekers: dict[int, list[int]], rng: random.Random) -> tuple[str, str]:
    """(what, path): a page a counsellor looks at, about one of the seekers who granted access."""
    seeker = rng.choice(list(seekers))
    return rng.choice([("counsellor list", "/conseiller"), ("seeker journal", f"/conseiller/{seeker}"),
                       ("seeker verified", f"/conseiller/{seeker}?preuve=verified"),
                       ("seeker entry", f"/conseiller/{seeker}/entree/{rng.choice(seekers[seeker])}")])


async def browse(client: httpx.AsyncClient, pick, until: float, load: Load, rng: random.Random) -> None:
    while time.monotonic() < until:
        what, path = pick(rng)
        started = time.perf_counter()
        try:
            response = await client.get(path)
            status = response.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        load.latencies.append((time.perf_counter() - started) * 1000)
        load.by_page[what] += 1
        if status != 200:
            load.errors[f"{what} {status}"] += 1


async def crowd(base: str, people: People, users: int, seconds: float) -> tuple[Load, float]:
    counsellors = list(people.counsellors.items())[: max(1, users // 5)]
    seekers = list(people.seekers.items())[: users - len(counsellors)]
    cookies = [signed_in(base, email).cookies for email, _ in seekers + counsellors]
    load, rng = Load(), random.Random(7)
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    clients = [httpx.AsyncClient(base_url=base, cookies=jar, timeout=60, limits=limits) for jar in cookies]
    picks = [lambda r, e=events: seeker_pages(e, r) for _, events in seekers] + \
            [lambda r, s=mine: counsellor_pages(s, r) for _, mine in counsellors]
    started = time.monotonic()
    await asyncio.gather(*(browse(c, p, started + seconds, load, random.Random(rng.random()))
                           for c, p in zip(clients, picks, strict=True)))
    elapsed = time.monotonic() - started
    for client in clients:
        await client.aclose()
    return load, elapsed


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# -- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    name, data_dir = create_database(), Path(tempfile.mkdtemp(prefix="carnet-bench-web-"))
    url = PG_URL.format(name=name)
    try:
        started = time.perf_counter()
        people = seed(url)
        print(f"seeded {SEEKERS + 1} seekers, {SEEKERS * ENTRIES_EACH + BIG_LOGBOOK:,} entries, "
              f"{LOAD_COUNSELLORS + 1} counsellors in {time.perf_counter() - started:.0f} s (PostgreSQL)")
        process, base = start_server(url, data_dir)
        try:
            report(base, url, people, args)
        finally:
            process.terminate()
            process.wait(timeout=30)
    finally:
        drop_database(name)
        shutil.rmtree(data_dir, ignore_errors=True)


def report(base: str, url: str, people: People, args: argparse.Namespace) -> None:
    median, p90, size = median_page(signed_in(base, people.big_seeker), "/journal", args.repeat)
    print(f"(f) /journal, {BIG_LOGBOOK:,} entries: median {median:.0f} ms, p90 {p90:.0f} ms "
          f"({size / 1024:.0f} KB of HTML; target ≤ 150 ms)")
    median, p90, size = median_page(signed_in(base, people.main_counsellor), "/conseiller", args.repeat)
    statements, in_process = list_statements(url, people.main_counsellor)
    print(f"(g) /conseiller, {SEEKERS} consented seekers: median {median:.0f} ms, p90 {p90:.0f} ms "
          f"({size / 1024:.0f} KB); the list query alone: {statements} SQL statement(s), "
          f"{in_process:.0f} ms in process (target ≤ 200 ms)")
    load, elapsed = asyncio.run(crowd(base, people, args.users, args.seconds))
    count = len(load.latencies)
    print(f"(h) {args.users} people browsing for {elapsed:.0f} s on one carnet serve: {count:,} requests, "
          f"{sum(load.errors.values())} error(s), {count / elapsed:.0f} requests/s; latency p50 "
          f"{_percentile(load.latencies, 50):.0f} ms, p90 {_percentile(load.latencies, 90):.0f} ms, "
          f"p99 {_percentile(load.latencies, 99):.0f} ms, max {max(load.latencies):.0f} ms")
    if load.errors:
        print("    errors: " + ", ".join(f"{key} ×{n}" for key, n in load.errors.most_common(10)))
    print("    pages: " + ", ".join(f"{key} {n}" for key, n in load.by_page.most_common()))


if __name__ == "__main__":
    main()
