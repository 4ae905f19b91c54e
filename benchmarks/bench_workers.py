"""(d) Throughput of 1, 2 and 3 workers sharing one PostgreSQL database.

60 mailboxes of N messages each (5 % job mail) are linked in a fresh database;
W worker processes (each `carnet.worker.tick` until nothing is due, as `carnet
run` ticks) start together, and the figure is the time until every mailbox is
synced, and its speed-up over one worker; each count runs `--repeat` times and
the median counts (a run of a few seconds is at the mercy of anything else the
machine does). The machine's CPU count bounds the speed-up: Dovecot and
PostgreSQL run on the same cores, so the mean number of busy cores is printed
too (one worker keeping 1.1 of 2 cores busy caps two workers near 1.8x).

    python benchmarks/bench_workers.py [--mailboxes 60] [--messages 300] [--workers 1 2 3] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import threading
import time
from pathlib import Path

import harness
from seeker_mailbox import mailbox


def work(data_dir: Path, url: str, name: str, start: multiprocessing.synchronize.Event) -> int:
    """One worker process: wait for the start, then tick until nothing is due."""
    from carnet.worker import tick

    rt = harness.runtime(data_dir, url)
    import carnet.classify.nlp

    carnet.classify.nlp.pipeline()  # a running worker has its models loaded
    start.wait()
    done = tick(rt, name, threading.Event())
    rt.engine.dispose()
    return done


def busy_cores() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine so far (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def run(server: harness.Dovecot, users: list[str], data_dir: Path,
        workers: int) -> tuple[float, list[int], float]:
    """Seconds until every mailbox is synced, mailboxes per worker, and the machine's mean busy cores."""
    url = harness.create_pg_database()
    try:
        rt = harness.runtime(data_dir, url)
        for user in users:
            harness.link(rt, server, user)
        rt.engine.dispose()
        context = multiprocessing.get_context("spawn")
        start = context.Manager().Event()
        with context.Pool(workers) as pool:
            results = [pool.apply_async(work, (data_dir, url, f"w{n}", start)) for n in range(workers)]
            time.sleep(8)  # let every worker load its models
            started, (busy_before, total_before) = time.perf_counter(), busy_cores()
            start.set()
            done = [result.get() for result in results]
            busy_after, total_after = busy_cores()
            busy = (busy_after - busy_before) / (total_after - total_before) * (os.cpu_count() or 1)
            return time.perf_counter() - started, done, busy
    finally:
        harness.drop_pg_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=60)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with harness.dovecot() as server, harness.workspace() as data_dir:
        users = []
        for number in range(args.mailboxes):
            user = f"seeker{number}"
            server.add_user(user, "secret")
            mails = list(mailbox(args.messages, 0.05, seed=number))
            for folder in ("INBOX", "Sent"):
                server.append_many(user, folder, [m.raw for m in mails if m.folder == folder])
            users.append(user)
        baseline = None
        for workers in args.workers:
            runs = [run(server, users, data_dir, workers) for _ in range(args.repeat)]
            seconds, done, busy = sorted(runs)[len(runs) // 2]
            baseline = baseline or seconds
            print(f"(d) {workers} worker(s), PostgreSQL: {args.mailboxes} mailboxes x {args.messages} messages in "
                  f"{seconds:.1f} s (median of {' / '.join(f'{r[0]:.1f}' for r in runs)}), speed-up "
                  f"{baseline / seconds:.2f}x (mailboxes per worker {done}; {busy:.2f} of {os.cpu_count()} CPUs "
                  "busy: workers, Dovecot and PostgreSQL)")


if __name__ == "__main__":
    main()
