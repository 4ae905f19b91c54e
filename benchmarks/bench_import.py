"""`carnet import` of a Takeout mbox against `carnet sync` of the same messages served by Dovecot.

The 10,000-message mailbox of `seeker_mailbox.py` is appended to Dovecot and
written as Google Takeout writes an mbox (X-GM-THRID and X-Gmail-Labels first,
LF line ends, mboxrd quoting). Both one-shot commands run as child processes, each
into a fresh SQLite database, side by side in one run (interpreter start and
models included in both); wall time, the peak RSS of the command, of its pool
workers, and of all of them together; the ratio import/sync.

    python benchmarks/bench_import.py [--messages 10000] [--job-share 0.05] [--rounds 2]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

import harness
from seeker_mailbox import mailbox

FOLDER_LABELS = {"INBOX": "Inbox", "Sent": "Sent"}


def seed_and_write(server: harness.Dovecot, user: str, mbox: Path, total: int, job_share: float) -> tuple[int, int]:
    """Append every message to Dovecot and to the mbox; (messages, mbox bytes)."""
    folders: dict[str, list[bytes]] = {}
    count = 0
    with mbox.open("wb") as out:
        for index, mail in enumerate(mailbox(total, job_share)):
            folders.setdefault(mail.folder, []).append(mail.raw)
            labels = f"Opened,{FOLDER_LABELS.get(mail.folder, mail.folder)}".encode()
            body = re.sub(rb"(?m)^(>*From )", rb">\1", mail.raw.replace(b"\r\n", b"\n"))
            out.write(b"From 17%016d@xxx Mon Jan 06 09:00:00 +0000 2025\n" % index)
            out.write(b"X-GM-THRID: 17%016d\nX-Gmail-Labels: %s\n" % (index, labels))
            out.write(body + (b"" if body.endswith(b"\n") else b"\n") + b"\n")
            count += 1
    for folder, messages in folders.items():
        server.append_many(user, folder, messages)
    return count, mbox.stat().st_size


def sync_once(server: harness.Dovecot, data_dir: Path, name: str) -> harness.Run:
    url = f"sqlite:///{data_dir / f'{name}.db'}"
    rt = harness.runtime(data_dir, url)
    mailbox_id = harness.link(rt, server, "seeker")
    rt.engine.dispose()
    return harness.run_child([sys.executable, "-m", "carnet", "sync", "--mailbox", str(mailbox_id)],
                             harness.environment(data_dir, url))


def import_once(mbox: Path, data_dir: Path, name: str) -> harness.Run:
    url = f"sqlite:///{data_dir / f'{name}.db'}"
    return harness.run_child([sys.executable, "-m", "carnet", "import", str(mbox), "--seeker", "Léa Martin"],
                             harness.environment(data_dir, url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--job-share", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with harness.dovecot() as server, harness.workspace() as data_dir:
        server.add_user("seeker", "secret")
        mbox = data_dir / "Takeout.mbox"
        count, size = seed_and_write(server, "seeker", mbox, args.messages, args.job_share)
        print(f"mailbox: {count} messages; mbox {size / 2**20:.0f} MB")
        syncs, imports = [], []
        for round_ in range(args.rounds):  # alternated, so that neither always runs on a warmer machine
            syncs.append(sync_once(server, data_dir, f"sync{round_}"))
            imports.append(import_once(mbox, data_dir, f"import{round_}"))
        _print(syncs, imports)


def _print(syncs: list[harness.Run], imports: list[harness.Run]) -> None:
    sync_s = statistics.median(run.seconds for run in syncs)
    import_s = statistics.median(run.seconds for run in imports)
    print(f"carnet sync (one-shot, Dovecot on loopback)  {sync_s:6.1f} s  runs: "
          f"{', '.join(f'{r.seconds:.1f}' for r in syncs)}")
    print(f"carnet import (one-shot, Takeout mbox)       {import_s:6.1f} s  runs: "
          f"{', '.join(f'{r.seconds:.1f}' for r in imports)}")
    print(f"import / sync: {import_s / sync_s:.2f}x (target <= 1.2x)")
    for label, runs in (("sync", syncs), ("import", imports)):
        print(f"peak RSS {label}: command {max(r.peak_rss_mb for r in runs):.0f} MB, pool workers "
              f"{max(r.workers_peak_mb for r in runs):.0f} MB each at most, all together "
              f"{max(r.total_peak_mb for r in runs):.0f} MB (target <= 400 MB)")
    print(f"sync said: {syncs[-1].stdout.strip()}")
    print(f"import said: {imports[-1].stdout.strip()}")


if __name__ == "__main__":
    main()
