"""(c) Idle mailboxes polled per second by one worker: nothing new anywhere.

200 mailboxes (a few messages each) are linked and synced once; then all are
made due again and one worker tick (`carnet.worker.tick`: claim through leases,
sync, release) goes over them; the figure is mailboxes per second.

    python benchmarks/bench_idle.py [--mailboxes 200] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import threading
import time
from datetime import UTC, datetime

import harness
from carnet.store.db import transaction
from carnet.store.models import Mailbox
from seeker_mailbox import mailbox
from sqlalchemy import update

from carnet.worker import tick


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=200)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    sample = [mail for mail in mailbox(20, 0.1, seed=3)]
    with harness.dovecot() as server, harness.workspace() as data_dir:
        url = harness.create_pg_database() if args.database == "postgresql" else f"sqlite:///{data_dir / 'c.db'}"
        try:
            rt = harness.runtime(data_dir, url)
            for number in range(args.mailboxes):
                user = f"idle{number}"
                server.add_user(user, "secret")
                for folder in ("INBOX", "Sent"):
                    server.append_many(user, folder, [m.raw for m in sample if m.folder == folder])
                harness.link(rt, server, user)
            stop = threading.Event()
            first = tick(rt, "bench-worker", stop)
            with transaction(rt.factory) as session:
                session.execute(update(Mailbox).values(next_due_at=datetime.now(UTC)))
            started = time.perf_counter()
            polled = tick(rt, "bench-worker", stop)
            elapsed = time.perf_counter() - started
            rt.engine.dispose()
        finally:
            if args.database == "postgresql":
                harness.drop_pg_database(url)
    print(f"(c) idle polling, one worker, {args.database}: {polled} mailboxes in {elapsed:.2f} s = "
          f"{polled / elapsed:.0f} mailboxes/s (first pass synced {first})")


if __name__ == "__main__":
    main()
