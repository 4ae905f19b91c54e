"""`carnet run` processes for scale-out tests, and the sync intervals their logs record.

Each worker logs `sync start|end mailbox=<id> worker=<name>` with a UTC timestamp
(see `carnet.worker`); from those lines the tests rebuild who held which mailbox
when, and check that no two intervals of one mailbox overlap.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from clikit import carnet_argv, carnet_env

_SYNC_LINE = re.compile(
    r"^(?P<at>\S+Z) INFO carnet\.worker: sync (?P<edge>start|end) mailbox=(?P<mailbox>\d+) "
    r"worker=(?P<worker>\S+)(?: outcome=(?P<outcome>\w+))?$"
)
WAIT = 180.0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Poll `condition` until it holds; fail the test naming `what` if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(0.05)


@dataclass
class Interval:
    """One sync of one mailbox by one worker; `end` is None while it runs (or if the worker died)."""

    mailbox: int
    worker: str
    start: datetime
    end: datetime | None = None
    outcome: str | None = None


class WorkerProcess:
    """`python -m carnet run` with its log (stdout and stderr) in a file."""

    def __init__(self, log_path: Path, env: Mapping[str, str]) -> None:
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                carnet_argv("run"), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=carnet_env(env)
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def intervals(self) -> list[Interval]:
        """The syncs this worker logged, in order; an unfinished one last, with no end."""
        intervals: list[Interval] = []
        running: dict[int, Interval] = {}
        for match in filter(None, map(_SYNC_LINE.match, self.log().splitlines())):
            mailbox, at = int(match["mailbox"]), _timestamp(match["at"])
            if match["edge"] == "start":
                running[mailbox] = Interval(mailbox, match["worker"], at)
                intervals.append(running[mailbox])
            else:
                interval = running.pop(mailbox)
                interval.end, interval.outcome = at, match["outcome"]
        return intervals

    def name(self) -> str:
        """The worker's name, from its first logged sync."""
        return self.intervals()[0].worker

    def pause(self) -> None:
        """SIGSTOP, and wait until the kernel says it is stopped: from then on it does nothing."""
        os.kill(self.pid, signal.SIGSTOP)
        wait_until(lambda: _state(self.pid) in ("T", "t"), f"worker {self.pid} to stop")

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=WAIT)

    def terminate(self) -> int:
        """SIGTERM, then its exit status once it has finished."""
        self.process.terminate()
        return self.process.wait(timeout=WAIT)


def _timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _state(pid: int) -> str:
    """The process state letter from /proc (after the parenthesised command name)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def overlaps(intervals: list[Interval]) -> list[tuple[Interval, Interval]]:
    """Pairs of intervals of one mailbox that overlap; an unfinished interval never ends."""
    found = []
    by_mailbox: dict[int, list[Interval]] = {}
    for interval in intervals:
        by_mailbox.setdefault(interval.mailbox, []).append(interval)
    for group in by_mailbox.values():
        group.sort(key=lambda i: i.start)
        for before, after in pairwise(group):
            if before.end is None or after.start < before.end:
                found.append((before, after))
    return found
