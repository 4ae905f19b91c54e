"""Fetch the next batch while the current one is parsed, classified and committed.

Over a real link most of a first sync is waiting for the server; over loopback
it is the server's CPU. Either way a reader thread that keeps one batch ahead
hides that wait behind the pure work on the batch before it. At most two
batches are held: the one being processed and the one being read.

The IMAP connection is shared: the thread holds `lock` while it advances the
batch iterator (every FETCH happens there), and whoever else uses the connection
in the meantime (streaming an oversized evidence message) takes the same lock.
An error in the thread is raised in the consumer when it reaches that point, so
every batch read before the error is still processed and committed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

_POLL_SECONDS = 0.1
_AHEAD = 2


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class _End:
    pass


_DONE = _End()


@dataclass
class _Reader(Generic[T]):
    items: Iterator[T]
    lock: threading.Lock
    handoff: queue.Queue[T | _Failed | _End]
    slots: threading.Semaphore
    cancelled: threading.Event

    def run(self) -> None:
        try:
            while self._slot():
                with self.lock:
                    item = next(self.items, _DONE)
                self._put(item)
                if item is _DONE:
                    return
        except BaseException as error:  # handed to the consumer, which raises it
            self._put(_Failed(error))

    def _slot(self) -> bool:
        while not self.cancelled.is_set():
            if self.slots.acquire(timeout=_POLL_SECONDS):
                return True
        return False

    def _put(self, item: T | _Failed | _End) -> None:
        while not self.cancelled.is_set():
            try:
                self.handoff.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue


@contextmanager
def read_ahead(items: Iterator[T], lock: threading.Lock) -> Iterator[Iterator[T]]:
    """`items`, advanced one step ahead in a thread; the thread is stopped and joined on exit,
    so the connection is free again (and may be closed) once the block is left."""
    reader = _Reader(items, lock, queue.Queue(maxsize=_AHEAD), threading.Semaphore(_AHEAD), threading.Event())
    thread = threading.Thread(target=reader.run, name="carnet-read-ahead", daemon=True)
    thread.start()
    try:
        yield _consume(reader)
    finally:
        reader.cancelled.set()
        thread.join()


def _consume(reader: _Reader[T]) -> Iterator[T]:
    while True:
        item = reader.handoff.get()
        if isinstance(item, _End):
            return
        if isinstance(item, _Failed):
            raise item.error
        yield item
        reader.slots.release()
