"""`carnet run`: the scheduled worker.

APScheduler ticks every `tick_interval` seconds (`max_instances=1`, coalescing),
and each tick claims due mailboxes through leases in the database, so any number
of workers on any number of machines can share one PostgreSQL database.

A tick claims one mailbox at a time and syncs it at once: a lease never waits in
a queue behind other syncs, where it could expire and be claimed by another
worker. While a sync runs, a heartbeat renews its lease; the pipeline also
renews it with each batch it commits, and stops if it was lost. A killed worker
renews nothing, so its lease expires and another worker takes the mailbox over.

Each sync is logged as `sync start mailbox=<id> worker=<name>` and
`sync end mailbox=<id> worker=<name> outcome=<ok|errors|failed>`, with UTC
timestamps, so who held which mailbox when can be audited from the logs.
SIGTERM/SIGINT set a stop flag: the current batch is committed, then it exits.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from types import TracebackType

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import SQLAlchemyError

from carnet.config.i18n import t
from carnet.pipeline import sync_mailbox
from carnet.runtime import Runtime, worker_name
from carnet.store import leases
from carnet.store.db import transaction
from carnet.store.models import Mailbox
from carnet.store.secrets import SecretError

log = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s.%(msecs)03dZ %(levelname)s %(name)s: %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


def tick(runtime: Runtime, worker: str, stop: threading.Event) -> int:
    """Claim due mailboxes one at a time and sync each; return how many."""
    done = 0
    lease = timedelta(seconds=runtime.settings.lease_seconds)
    while not stop.is_set():
        with transaction(runtime.factory) as session:
            claimed = leases.claim_due(session, worker, lease, limit=1)
        if not claimed:
            return done + _import_upload(runtime, worker)
        _sync_safely(runtime, claimed[0], worker, stop)
        done += 1
    return done


def _import_upload(runtime: Runtime, worker: str) -> int:
    """One file a seeker uploaded on the web, imported once no mailbox is due (the web never imports)."""
    from carnet.importing import run_queued_import

    try:
        return int(run_queued_import(runtime.factory, runtime.settings, worker))
    except SQLAlchemyError:
        log.exception("import of an uploaded file: database error; the job is taken again when its lease expires")
        return 0


def _sync_safely(runtime: Runtime, mailbox_id: int, worker: str, stop: threading.Event) -> None:
    """Sync one claimed mailbox; whatever goes wrong there, the worker goes on."""
    log.info("sync start mailbox=%s worker=%s", mailbox_id, worker)
    outcome = "failed"
    try:
        with _Heartbeat(runtime, mailbox_id, worker):
            report = sync_mailbox(runtime.factory, runtime.settings, mailbox_id, worker, stop=stop)
    except SecretError as exc:
        log.error("mailbox %s: %s", mailbox_id, exc)
        _release_failed(runtime, mailbox_id, worker, str(exc))
    except Exception:
        log.exception("mailbox %s: unexpected error during sync", mailbox_id)
        _release_failed(runtime, mailbox_id, worker, t("sync_internal_error"))
    else:
        outcome = "errors" if report.errors else "ok"
        log.info(
            "mailbox %s: %s read, %s new, %s failed, %s errors",
            mailbox_id,
            report.messages,
            report.new,
            report.failed,
            len(report.errors),
        )
    log.info("sync end mailbox=%s worker=%s outcome=%s", mailbox_id, worker, outcome)


def _release_failed(runtime: Runtime, mailbox_id: int, worker: str, error: str) -> None:
    """Back the mailbox off (if this worker still holds it) so the others are not held up."""
    try:
        with transaction(runtime.factory) as session:
            mailbox = session.get(Mailbox, mailbox_id)
            if mailbox is not None:
                leases.release_failure(session, mailbox, error, True, runtime.settings.max_backoff, worker)
    except SQLAlchemyError:
        log.exception("mailbox %s: cannot record the failure; the lease will expire", mailbox_id)


class _Heartbeat:
    """Renews a mailbox's lease every third of its length while a sync runs.

    The pipeline renews only when it commits a batch; connecting, listing folders,
    loading the language model or a large batch can take longer than that.
    """

    def __init__(self, runtime: Runtime, mailbox_id: int, worker: str) -> None:
        self._runtime, self._mailbox_id, self._worker = runtime, mailbox_id, worker
        self._lease = timedelta(seconds=runtime.settings.lease_seconds)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{mailbox_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._done.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._done.wait(self._lease.total_seconds() / 3):
            if not self._renew():
                log.warning(
                    "mailbox %s: lease lost by %s; the pipeline stops at its next batch", self._mailbox_id, self._worker
                )
                return

    def _renew(self) -> bool:
        """False only when the lease is gone; a database hiccup is retried at the next beat."""
        try:
            with transaction(self._runtime.factory) as session:
                return leases.renew(session, self._mailbox_id, self._worker, self._lease)
        except SQLAlchemyError as exc:
            log.warning("mailbox %s: lease renewal failed (%s)", self._mailbox_id, type(exc).__name__)
            return True


def configure_logging(level: int = logging.INFO) -> None:
    """Timestamped UTC lines on stderr, unless the embedding program set up logging."""
    if logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    formatter = logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT)
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logging.basicConfig(level=level, handlers=[handler])
    # Its INFO and WARNING lines repeat at every tick ("job executed", "skipped: a tick is running").
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def run_worker(runtime: Runtime, worker: str | None = None, stop: threading.Event | None = None) -> None:
    """Run until stopped; returns after the current batch when SIGTERM/SIGINT arrives."""
    configure_logging()
    worker = worker or worker_name()
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    scheduler = BackgroundScheduler()
    scheduler.add_job(
        tick,
        "interval",
        args=(runtime, worker, stop),
        seconds=runtime.settings.tick_interval,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    log.info(t("worker_started", worker=worker))
    stop.wait()
    scheduler.shutdown(wait=True)
    log.info(t("worker_stopped"))
