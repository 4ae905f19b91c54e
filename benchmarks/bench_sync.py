"""First sync of a 10,000-message French mailbox against its peers, then a sync with nothing new.

All in one run, on the same Dovecot and mailbox (`seeker_mailbox.py`):

(a) A first sync into a fresh SQLite database, against a bare imapclient fetch of
    `BODY.PEEK[]` of every message (batches of the same size, a warm process) and
    against mbsync's full mirror of every folder into a Maildir; two Carnet figures:
    - as a worker makes it (`carnet run`): a process whose models and pool of
      workers are loaded, the sync alone timed (`sync_warm.py`, a child process);
    - as the one-shot `carnet sync` command started from the shell, interpreter
      start, imports and loading the models included.
(b) a sync with nothing new: `carnet sync` as a whole process against mbsync's
    no-change run (medians of 5), and in a process that has synced before, as
    the worker is (median of 20 passes, in milliseconds).
(e) the peak resident memory of the sync processes of (a), their pool workers,
    and the highest sum of all of them.

    python benchmarks/bench_sync.py [--messages 10000] [--job-share 0.05]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
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


MBSYNC_CONFIG = """IMAPAccount bench
Host {host}
Port {port}
User {user}
Pass {password}
SSLType None
AuthMechs LOGIN

IMAPStore far
Account bench

MaildirStore near
Path {maildir}/
Inbox {maildir}/INBOX
SubFolders Verbatim

Channel mirror
Far :far:
Near :near:
Patterns *
Create Near
Sync Pull
SyncState *
"""


def mbsync_config(server: harness.Dovecot, user: str, folder: Path) -> Path:
    """An mbsync configuration mirroring every folder of `user` into a Maildir under `folder`."""
    (folder / "maildir").mkdir(parents=True)
    config = folder / "mbsyncrc"
    config.write_text(MBSYNC_CONFIG.format(host=server.host, port=server.port, user=user,
                                           password=server.users[user], maildir=folder / "maildir"))
    return config


def mbsync(config: Path) -> float:
    """Seconds of one `mbsync -a` run."""
    started = time.perf_counter()
    subprocess.run(["mbsync", "-q", "-c", str(config), "-a"], check=True, capture_output=True)
    return time.perf_counter() - started


def startup_seconds(env: dict[str, str]) -> float:
    """What a `carnet` process pays before it reads mail: interpreter, imports, the models."""
    code = ("import carnet.cli, carnet.pipeline, carnet.stages, carnet.classify.nlp; "
            "carnet.classify.nlp.pipeline()")
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
    if shutil.which("mbsync") is None:
        parser.exit(2, "bench_sync: mbsync is required (Debian package isync); nothing was measured\n")
    with harness.dovecot() as server, harness.workspace() as data_dir:
        server.add_user("seeker", "secret")
        stats = seed(server, "seeker", args.messages, args.job_share)
        print(f"mailbox: {stats['messages']} messages, {stats['job']} job mail, {stats['bytes'] / 2**20:.0f} MB")
        first = _first_syncs(server, data_dir)
        _print_first(first)
        _print_no_change(data_dir, first["mailbox_id"], first["env"], first["mbsync_config"])


def _first_syncs(server: harness.Dovecot, data_dir: Path) -> dict:
    """Bare fetch, the worker's sync, the one-shot `carnet sync`, bare fetch again, mbsync's mirror."""
    bare_before, read = bare_fetch(server, "seeker")
    warm_url = f"sqlite:///{data_dir / 'warm.db'}"
    warm = harness.run_child([sys.executable, str(HERE / "sync_warm.py"), str(data_dir), warm_url,
                              str(_linked(data_dir, warm_url, server))], harness.environment(data_dir, warm_url))
    url = f"sqlite:///{data_dir / 'carnet.db'}"
    env = harness.environment(data_dir, url)
    mailbox_id = _linked(data_dir, url, server)
    run = harness.run_child([sys.executable, "-m", "carnet", "sync", "--mailbox", str(mailbox_id)], env)
    bare_after, _ = bare_fetch(server, "seeker")
    config = mbsync_config(server, "seeker", data_dir / "mbsync")
    mirror = mbsync(config)
    return {"bare": (bare_before + bare_after) / 2, "bare_runs": (bare_before, bare_after), "read": read,
            "warm": warm, "warm_seconds": float(warm.stdout.split()[0]), "run": run, "mirror": mirror,
            "startup": startup_seconds(env), "mailbox_id": mailbox_id, "env": env, "url": url,
            "data_dir": data_dir, "mbsync_config": config}


def _print_first(first: dict) -> None:
    bare, mirror, warm, run = first["bare"], first["mirror"], first["warm"], first["run"]
    before, after = first["bare_runs"]
    print(f"(a) first sync, side by side ({first['read'] / 2**20:.0f} MB read by the bare fetch):")
    print(f"    bare imapclient fetch of every body  {bare:6.1f} s  ({before:.1f} s, {after:.1f} s)")
    print(f"    mbsync full mirror                    {mirror:6.1f} s")
    for label, seconds in (("carnet, worker (models loaded)", first["warm_seconds"]),
                           ("carnet sync, one-shot from the shell", run.seconds)):
        print(f"    {label:<37} {seconds:6.1f} s  {seconds / bare:.2f}x bare, {seconds / mirror:.2f}x mbsync")
    print(f"    (worker: messages, new, errors: {' '.join(warm.stdout.split()[1:])}; one-shot: "
          f"{run.stdout.strip()}; of the one-shot, {first['startup']:.1f} s is interpreter, imports and models)")
    print(f"(e) peak RSS: worker {warm.peak_rss_mb:.0f} MB (pool workers {warm.workers_peak_mb:.0f} MB each at most, "
          f"all together {warm.total_peak_mb:.0f} MB); one-shot {run.peak_rss_mb:.0f} MB "
          f"(pool workers {run.workers_peak_mb:.0f} MB, all together {run.total_peak_mb:.0f} MB)")


def _print_no_change(data_dir: Path, mailbox_id: int, env: dict[str, str], config: Path) -> None:
    command = [sys.executable, "-m", "carnet", "sync", "--mailbox", str(mailbox_id)]
    carnet_runs = [harness.run_child(command, env).seconds for _ in range(5)]
    mbsync_runs = [mbsync(config) for _ in range(5)]
    carnet, mirror = statistics.median(carnet_runs), statistics.median(mbsync_runs)
    print("(b) nothing new, side by side (medians of 5 whole processes):")
    print(f"    mbsync no-change run                  {mirror * 1000:6.0f} ms")
    print(f"    carnet sync, whole process            {carnet * 1000:6.0f} ms  {carnet / mirror:.2f}x mbsync")
    timings = resync_ms(data_dir, env["CARNET_DATABASE_URL"], mailbox_id)
    print(f"    carnet, in process (as the worker)    {statistics.median(timings):6.0f} ms  "
          f"(median of {len(timings)}, min {min(timings):.0f}, max {max(timings):.0f})")


if __name__ == "__main__":
    main()
