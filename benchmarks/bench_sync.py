"""First sync of a 10,000-message mailbox against a bare fetch of every body, then a resync.

(a) A first sync into a fresh SQLite database, against a bare imapclient fetch of
    `BODY.PEEK[]` of every message of the same mailbox, in batches of the same
    size, in this run (the bare fetch runs in a warm process too); two ratios:
    - as a worker makes it (`carnet run`): a process whose models are loaded, the
      sync alone timed (`sync_warm.py`, a child process);
    - as the one-shot `carnet sync` command, interpreter start, imports and
      loading spaCy included (printed apart).
(b) a no-change resync, in a process that has synced before (as the worker is):
    the median of 20 passes, in milliseconds.
(e) the peak resident memory of each of the two sync processes of (a).

    python benchmarks/bench_sync.py [--messages 10000] [--job-share 0.05]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import harness
import imapclient
from seeker_mailbox import mailbox

BATCH = 200
HERE = Path(__file__).resolve().parent


def seed(server: harness.Dovecot, user: str, total: int, job_share: float) -> Counter[str]:
    """Append the generated mailbox (MULTIAPPEND per folder); counts of messages and bytes."""
    folders: dict[str, list[bytes]] = {}
    stats: Counter[str] = Counter()
    for mail in mailbox(total, job_share):
        folders.setdefault(mail.folder, []).append(mail.raw)
        stats["messages"] += 1
        stats["job"] += mail.job
        stats["bytes"] += len(mail.raw)
    for folder, messages in folders.items():
        server.append_many(user, folder, messages)
    return stats


def bare_fetch(server: harness.Dovecot, user: str) -> tuple[float, int]:
    """Seconds to download every body of every folder, read-only; bytes read."""
    started = time.perf_counter()
    read = 0
    client = imapclient.IMAPClient(server.host, server.port, ssl=False, timeout=60)
    client.login(user, server.users[user])
    for _flags, _delimiter, folder in client.list_folders():
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        for start in range(0, len(uids), BATCH):
            response = client.fetch(uids[start : start + BATCH], ["BODY.PEEK[]"])
            read += sum(len(data[b"BODY[]"]) for data in response.values())
    client.logout()
    return time.perf_counter() - started, read


def startup_seconds(env: dict[str, str]) -> float:
    """What every `carnet` process pays before it reads mail: interpreter, imports, spaCy."""
    code = "import carnet.cli, carnet.pipeline, classify.nlp; classify.nlp.pipeline()"
    return harness.run_child([sys.executable, "-c", code], env).seconds


def resync_ms(data_dir, database_url: str, mailbox_id: int, passes: int = 20) -> list[float]:
    rt = harness.runtime(data_dir, database_url)
    harness.sync(rt, mailbox_id)  # warm: connections, imports, tables
    timings = []
    for _ in range(passes):
        started = time.perf_counter()
        report = harness.sync(rt, mailbox_id)
        timings.append((time.perf_counter() - started) * 1000)
        assert report.messages == 0 and not report.errors, report
    rt.engine.dispose()
    return timings


def _linked(data_dir: Path, url: str, server: harness.Dovecot) -> int:
    """The seeker's mailbox linked in the database at `url`; its id."""
    rt = harness.runtime(data_dir, url)
    mailbox_id = harness.link(rt, server, "seeker")
    rt.engine.dispose()
    return mailbox_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--job-share", type=float, default=0.05)
    args = parser.parse_args()
    with harness.dovecot() as server, harness.workspace() as data_dir:
        server.add_user("seeker", "secret")
        stats = seed(server, "seeker", args.messages, args.job_share)
        print(f"mailbox: {stats['messages']} messages, {stats['job']} job mail, {stats['bytes'] / 2**20:.0f} MB")
        bare_before, read = bare_fetch(server, "seeker")
        warm_url = f"sqlite:///{data_dir / 'warm.db'}"
        warm = harness.run_child([sys.executable, str(HERE / "sync_warm.py"), str(data_dir), warm_url,
                                  str(_linked(data_dir, warm_url, server))], harness.environment(data_dir, warm_url))
        url = f"sqlite:///{data_dir / 'carnet.db'}"
        env = harness.environment(data_dir, url)
        mailbox_id = _linked(data_dir, url, server)
        run = harness.run_child([sys.executable, "-m", "carnet", "sync", "--mailbox", str(mailbox_id)], env)
        bare_after, _ = bare_fetch(server, "seeker")
        startup = startup_seconds(env)
        bare = (bare_before + bare_after) / 2
        warm_seconds = float(warm.stdout.split()[0])
        print(f"(a) bare fetch of every body: {bare:.1f} s ({bare_before:.1f} s, {bare_after:.1f} s; "
              f"{read / 2**20:.0f} MB)")
        print(f"(a) worker (models loaded): {warm_seconds:.1f} s, ratio carnet/bare {warm_seconds / bare:.2f}x "
              f"(messages, new, errors: {' '.join(warm.stdout.split()[1:])})")
        print(f"(a) one-shot carnet sync: {run.seconds:.1f} s (of which {startup:.1f} s process start and spaCy); "
              f"ratio carnet/bare {run.seconds / bare:.2f}x; {run.stdout.strip()}")
        timings = resync_ms(data_dir, url, mailbox_id)
        print(f"(b) no-change resync: median {statistics.median(timings):.0f} ms "
              f"(min {min(timings):.0f}, max {max(timings):.0f}, {len(timings)} passes)")
        print(f"(e) peak RSS: worker {warm.peak_rss_mb:.0f} MB, one-shot carnet sync {run.peak_rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
