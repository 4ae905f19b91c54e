"""Parse and classify batches in a pool of processes while the reader fetches and the main thread records.

A first sync is CPU-bound on parse + classify; one Python process uses one
core. The pool keeps `workers` batches in flight (one per core) while the
read-ahead thread fetches the next and the main thread proves and records the
one before: results come back in batch order, and each batch's checkpoint is
still committed only with its evidence, after the batches before it.

The seeker's addresses (`me`) change only when a batch of their sent folder is
recorded, so that folder goes one batch at a time (each sees the addresses the
one before left); any other folder is read `workers` batches ahead.

The pool starts when a pass has much new mail (`POOL_MIN_MESSAGES` new messages,
`start`, its workers loading their models while the first folders are fetched) or
at the first large folder, and lives as long as the process: `carnet run` warms
its workers' models once. Once it runs, every folder with new mail goes through
it: its workers cost nothing more to start, and the calling process need not load
the models.
A worker leaves when the process that started it is gone, even killed: it
would otherwise wait forever on a queue it holds both ends of.
Until a pool runs, a smaller folder is read in the calling process, where starting workers would
cost more than it saves. Workers are started with `forkserver`, never `fork`:
the parent holds threads, sockets and database connections. The fork server
loads the models once (`carnet.preload`), and each worker is forked with them.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from carnet import stages
from carnet.ingest.fetch import Batch
from carnet.ingest.folders import FolderRole

POOL_MIN_MESSAGES = 1000
PARENT_POLL_SECONDS = 1.0

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def workers() -> int:
    """One worker per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def read_batches(batches: Iterable[Batch], count: int, me: Callable[[], frozenset[str]],
                 folder_role: str | None, threshold: float) -> Iterator[tuple[Batch, stages.Read]]:
    """Each batch with what parse and classify learned of it, in order.

    `count` is how many new messages the folder has; `me()` the seeker's addresses as
    last recorded."""
    if count < (POOL_MIN_MESSAGES if _pool is None else 1):
        for batch in batches:
            yield batch, stages.read(stages.raws(batch), me(), folder_role, threshold)
        return
    ahead = 0 if folder_role is FolderRole.SENT else workers()
    yield from _in_pool(_shared_pool(), batches, ahead, lambda b: (stages.raws(b), me(), folder_role, threshold))


def _in_pool(pool: ProcessPoolExecutor, batches: Iterable[Batch], ahead: int,
             arguments: Callable[[Batch], tuple[object, ...]]) -> Iterator[tuple[Batch, stages.Read]]:
    """At most `ahead` batches submitted beyond the one being handed back; the rest cancelled on exit."""
    pending: deque[tuple[Batch, Future[stages.Read]]] = deque()
    try:
        for batch in batches:
            pending.append((batch, pool.submit(stages.read, *arguments(batch))))
            while len(pending) > ahead:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    except BrokenProcessPool:
        _discard(pool)  # a worker died (killed, out of memory): the next folder starts a new pool
        raise
    finally:
        for _, future in pending:
            future.cancel()


def start() -> list[Future[int]]:
    """Start the pool's workers now, without waiting for them: each is ready when its future is done."""
    pool = _shared_pool()
    return [pool.submit(os.getpid) for _ in range(workers())]


def warm() -> None:
    """Start the pool now and wait until every worker is ready (a benchmark's warm worker)."""
    for future in start():
        future.result()


def _shared_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["carnet.preload"])
            _pool = ProcessPoolExecutor(workers(), mp_context=context, initializer=_warm, initargs=(os.getpid(),))
            atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _warm(parent: int) -> None:
    """Leave with `parent`; have the tables and models loaded before the first batch (forked from
    the fork server, which loaded them, a worker has them already)."""
    threading.Thread(target=_follow, args=(parent,), name="carnet-pool-parent", daemon=True).start()
    from carnet import preload

    preload.load()


def _follow(parent: int) -> None:
    """Exit as soon as `parent` is gone (a PermissionError: another user's process took its number)."""
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        try:
            os.kill(parent, 0)
        except (ProcessLookupError, PermissionError):
            os._exit(0)
