"""One sync pass of one mailbox: folders → batches → parse → classify → prove → record.

The stages are functions of their own modules: the folder walk in `ingest.walk`,
where a folder resumes in `store.checkpoint`, parse, classify and prove in
`carnet.stages` (parse and classify in a pool of processes for a large folder,
`carnet.pool`), recording in `store.recording`. This module wires them and opens
every transaction of a pass. The classifier (its tables, spaCy, the model) is
imported only when a folder has new mail: a pass that finds nothing stays light.

Error scopes (after OfflineIMAP): a message that fails to parse is recorded and
the pass goes on; a folder that fails (deleted, UIDVALIDITY loop) is logged and
the other folders go on; a mailbox that fails (network, password) backs off or
asks for a new link, and the other mailboxes go on. Folder errors do not back the
mailbox off, but they stay in `Mailbox.last_error` until a pass without them.

A pass must give the same logbook however often it is interrupted and resumed
(the crash tests prove it): messages are processed in UID order, and the seeker's
addresses learned from the Sent folder are re-read after every committed batch,
so a resumed pass knows exactly what an uninterrupted one knew at that point.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from imapclient.exceptions import IMAPClientError
from sqlalchemy.orm import Session, sessionmaker

from carnet.config.i18n import t
from carnet.config.settings import Settings
from carnet.connecting import connect_mailbox
from carnet.ingest.connection import Account, ImapError, close
from carnet.ingest.fetch import Batch, Envelope
from carnet.ingest.folders import Folder, FolderRole, classify_folders
from carnet.ingest.verify import ProofPolicy
from carnet.ingest.walk import Connection, FolderMark, FolderVanished, Sizes, new_batches, new_mail, open_folder
from carnet.store import checkpoint, leases
from carnet.store.checkpoint import FolderError
from carnet.store.db import transaction
from carnet.store.mailboxes import account_of, remember_addresses
from carnet.store.models import Mailbox
from carnet.store.recording import Failure, Observed, record_batch
from carnet.store.secrets import SecretError

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


class LeaseLost(Exception):
    """Another worker took the mailbox over (our lease expired): stop at once."""


@dataclass
class SyncReport:
    mailbox_id: int
    messages: int = 0
    new: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Pass:
    """What one pass knows from start to end; nothing in it changes."""

    factory: sessionmaker[Session]
    settings: Settings
    mailbox_id: int
    worker: str
    stop: threading.Event
    progress: Progress | None

    @property
    def policy(self) -> ProofPolicy:
        return ProofPolicy.of(self.settings)


def sync_mailbox(factory: sessionmaker[Session], settings: Settings, mailbox_id: int, worker: str,
                 stop: threading.Event | None = None, progress: Progress | None = None) -> SyncReport:
    """Sync one leased mailbox and release its lease with the outcome."""
    run = _Pass(factory, settings, mailbox_id, worker, stop or threading.Event(), progress)
    report = SyncReport(mailbox_id)
    try:
        account, me = _account(run)
        connection = Connection(connect_mailbox(factory, settings, mailbox_id, account))
    except SecretError as exc:
        return _fail(run, report, f"mailbox {mailbox_id}: {exc}", True)
    except ImapError as exc:
        return _fail(run, report, str(exc), exc.retryable)
    try:
        _sync_folders(run, connection, me, report)
    except LeaseLost:
        report.errors.append(f"mailbox {mailbox_id}: lease lost to another worker")
        return report
    except (TimeoutError, OSError, IMAPClientError) as exc:
        return _fail(run, report, t("server_error", mailbox=account.label, detail=_reason(exc)), True)
    finally:
        close(connection.client)
    return _release(run, report)


def _sync_folders(run: _Pass, connection: Connection, me: frozenset[str], report: SyncReport) -> None:
    """Folders in sync order (sent first); a folder's error is reported and the others go on.

    STATUS of every folder first: when the pass has much new mail, the pool's workers load
    their models while the first folders are fetched, instead of after."""
    with transaction(run.factory) as session:
        marks = checkpoint.folder_marks(session, run.mailbox_id)
    changed = [(folder, new) for folder, new in _new_mail(run, connection, marks) if new]
    if not changed:
        return
    from carnet import pool

    if sum(new for _, new in changed) >= pool.POOL_MIN_MESSAGES:
        pool.start()
    for folder, _ in changed:
        if run.stop.is_set():
            return
        try:
            me = _sync_folder(run, connection, folder, me, report)
        except FolderError as exc:
            log.warning("mailbox %s folder %r: %s", run.mailbox_id, folder.name, exc)
            report.errors.append(str(exc))
        except FolderVanished:
            log.info("mailbox %s folder %r vanished during the pass", run.mailbox_id, folder.name)


def _new_mail(run: _Pass, connection: Connection, marks: dict[str, FolderMark]) -> Iterator[tuple[Folder, int]]:
    """Each folder of the listing, in sync order, with how much new mail STATUS shows in it."""
    for folder in classify_folders(connection.listing()):
        try:
            yield folder, new_mail(connection, folder, marks.get(folder.name))
        except FolderVanished:
            log.info("mailbox %s folder %r vanished during the pass", run.mailbox_id, folder.name)


def _sync_folder(run: _Pass, connection: Connection, folder: Folder, me: frozenset[str],
                 report: SyncReport) -> frozenset[str]:
    """Record the folder's new messages batch by batch; the seeker's addresses as they are after it.

    `me` is rebound after each recorded batch; triage (in the read-ahead thread) and
    the pool read it through `addresses`, as last recorded."""
    from carnet import pool, stages

    def addresses() -> frozenset[str]:
        return me

    uidvalidity = open_folder(connection, folder)
    with transaction(run.factory) as session:
        point = checkpoint.resume(session, run.mailbox_id, folder, uidvalidity)
    last_uid = checkpoint.guard(point, run.settings.max_uidvalidity_resets, run.mailbox_id, folder)
    sizes = Sizes(run.settings.batch_size, run.settings.whole_fetch_bytes)
    with new_batches(connection, folder, last_uid, _triage(folder, addresses), sizes) as new:
        reads = pool.read_batches(new.batches, new.count, addresses, folder.role, run.settings.evidence_threshold)
        for batch, read in reads:
            observed = [stages.prove(item, run.policy, connection.stream) for item in read.evidence]
            with transaction(run.factory) as session:
                recorded, me = _record(run, session, folder, uidvalidity, batch, observed, read.failures)
            _count(run, report, batch, recorded, len(read.failures))
            if run.stop.is_set():
                break
    return me


def _record(run: _Pass, session: Session, folder: Folder, uidvalidity: int, batch: Batch,
            observed: list[Observed], failures: list[Failure]) -> tuple[int, frozenset[str]]:
    """Record a batch with its checkpoint, if the lease still holds; (new entries, the seeker's addresses)."""
    if not leases.renew(session, run.mailbox_id, run.worker, timedelta(seconds=run.settings.lease_seconds)):
        raise LeaseLost()
    mailbox = session.get(Mailbox, run.mailbox_id)
    state = checkpoint.state_for_batch(session, run.mailbox_id, folder, uidvalidity)
    if folder.role is FolderRole.SENT:
        remember_addresses(mailbox, {item.message.sender.email for item in observed if item.message.sender})
    return record_batch(session, mailbox, state, batch.last_uid, observed, failures), mailbox.address_set


def _triage(folder: Folder, me: Callable[[], frozenset[str]]) -> Callable[[Envelope], bool]:
    """Triage of the folder's envelopes, with the seeker's addresses as last committed."""
    from carnet.stages import triage

    return lambda envelope: triage(envelope.headers, folder.role, me())


def _account(run: _Pass) -> tuple[Account, frozenset[str]]:
    with transaction(run.factory) as session:
        mailbox = session.get(Mailbox, run.mailbox_id)
        return account_of(mailbox, run.settings.require_secret_key()), mailbox.address_set


def _count(run: _Pass, report: SyncReport, batch: Batch, new: int, failed: int) -> None:
    read = len(batch.fetched) + batch.skipped + len(batch.partial)
    report.messages += read
    report.new += new
    report.failed += failed
    if run.progress:
        run.progress(read)


def _release(run: _Pass, report: SyncReport) -> SyncReport:
    """A pass cut short by a stop request is due again at once, for the folders it did not reach."""
    interval = timedelta(seconds=0 if run.stop.is_set() else run.settings.poll_interval)
    with transaction(run.factory) as session:
        mailbox = session.get(Mailbox, run.mailbox_id)
        if leases.release_success(session, mailbox, interval, run.worker):
            mailbox.last_error = "\n".join(report.errors)[:2000] or None  # folder errors, shown until fixed
    return report


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _fail(run: _Pass, report: SyncReport, error: str, retryable: bool) -> SyncReport:
    log.warning("mailbox %s: sync failed: %s", run.mailbox_id, error)
    report.errors.append(error)
    with transaction(run.factory) as session:
        mailbox = session.get(Mailbox, run.mailbox_id)
        leases.release_failure(session, mailbox, error, retryable, run.settings.max_backoff, run.worker)
    return report
