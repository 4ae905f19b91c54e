"""`carnet run`: the scheduled worker.

APScheduler ticks every `tick_interval` seconds (`max_instances=1`, coalescing),
and each tick claims due mailboxes through leases in the database, so any number
of workers on any number of machines can share one PostgreSQL database.
SIGTERM/SIGINT set a stop flag: the current batch is committed, then it exits.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from carnet.pipeline import sync_mailbox
from carnet.runtime import Runtime, worker_name
from config.i18n import t
from store import leases
from store.db import transaction
from store.models import Mailbox

log = logging.getLogger(__name__)

CLAIM_LIMIT = 5


def tick(runtime: Runtime, worker: str, stop: threading.Event) -> int:
    """Claim due mailboxes and sync them one after the other; return how many."""
    done = 0
    lease = timedelta(seconds=runtime.settings.lease_seconds)
    while not stop.is_set():
        with transaction(runtime.factory) as session:
            claimed = leases.claim_due(session, worker, lease, CLAIM_LIMIT)
        if not claimed:
            return done
        for position, mailbox_id in enumerate(claimed):
            if stop.is_set():
                _release_unstarted(runtime, claimed[position:], worker)
                return done
            _sync_safely(runtime, mailbox_id, worker, stop)
            done += 1
    return done


def _sync_safely(runtime: Runtime, mailbox_id: int, worker: str, stop: threading.Event) -> None:
    """A bug in one mailbox's pass must not kill the worker: log it and go on."""
    try:
        report = sync_mailbox(runtime.factory, runtime.settings, mailbox_id, worker, stop=stop)
    except Exception:
        log.exception("mailbox %s: unexpected error during sync", mailbox_id)
        with transaction(runtime.factory) as session:
            mailbox = session.get(Mailbox, mailbox_id)
            leases.release_failure(session, mailbox, "internal error, see the worker log", True,
                                   runtime.settings.max_backoff)
        return
    log.info("mailbox %s: %s read, %s new, %s failed, %s errors", mailbox_id, report.messages, report.new,
             report.failed, len(report.errors))


def _release_unstarted(runtime: Runtime, mailbox_ids: list[int], worker: str) -> None:
    with transaction(runtime.factory) as session:
        for mailbox_id in mailbox_ids:
            leases.release_lease(session, mailbox_id, worker)


def run_worker(runtime: Runtime, worker: str | None = None, stop: threading.Event | None = None) -> None:
    """Run until stopped; returns after the current batch when SIGTERM/SIGINT arrives."""
    worker = worker or worker_name()
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    scheduler = BackgroundScheduler()
    scheduler.add_job(tick, "interval", args=(runtime, worker, stop), seconds=runtime.settings.tick_interval,
                      max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
    scheduler.start()
    log.info(t("worker_started", worker=worker))
    stop.wait()
    scheduler.shutdown(wait=True)
    log.info(t("worker_stopped"))


