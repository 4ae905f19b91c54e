"""`carnet import`: mailbox files through the same stages as a sync, into the seeker's import mailbox.

    folders (ingest.mailfiles) → batches (triaged as a sync triages) → parse → classify
    (carnet.pool, carnet.stages) → prove → record (store.recording, checkpoint in the
    batch's transaction)

Only the source differs from `carnet.pipeline`: files instead of IMAP, each
folder's messages numbered in a stable order as UIDs are. Folders go in the
sync's order, sent first. Direction comes from the folder (a Maildir's `.Sent`,
Thunderbird's `Sent` file, a Takeout mbox's messages labelled `Sent`, read in a
first pass), else from the seeker's addresses (`--me`, and the senders of their
sent mail). A broken message is recorded as a parse failure and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session, sessionmaker

from carnet import pool, stages
from carnet.config.settings import Settings
from carnet.ingest.fetch import MAX_BATCH_BYTES, TRIAGE_HEADERS, Batch, Fetched, parse_headers
from carnet.ingest.folders import Folder, FolderRole
from carnet.ingest.mailfiles import FileFolder, NotAMailbox, mail_folders
from carnet.ingest.verify import ProofPolicy
from carnet.runtime import worker_name
from carnet.store import checkpoint, leases
from carnet.store.db import transaction
from carnet.store.import_jobs import ImportFailure, claim_import, finish_import, requeue_import
from carnet.store.imports import import_mailbox
from carnet.store.mailboxes import remember_addresses
from carnet.store.models import ImportJob, Mailbox, Seeker
from carnet.store.recording import record_batch

log = logging.getLogger(__name__)

Advance = Callable[[int], None]
_TRIAGE_NAMES = frozenset(name.lower() for name in TRIAGE_HEADERS.split())


class ImportBusy(Exception):
    """Another import of the same seeker is running."""


@dataclass
class ImportReport:
    mailbox_id: int
    folders: int = 0
    messages: int = 0
    new: int = 0
    failed: int = 0


@dataclass
class _Seeker:
    """The seeker's addresses as last recorded (a batch of the sent folder adds its senders)."""

    recorded: frozenset[str]

    def current(self) -> frozenset[str]:
        return self.recorded


def import_path(factory: sessionmaker[Session], settings: Settings, path: Path, seeker: str,
                me: frozenset[str] = frozenset(), progress: Advance | None = None,
                worker: str | None = None) -> ImportReport:
    """Import every folder of `path` for `seeker`; raises `NotAMailbox` before recording anything.

    The seeker's import mailbox is leased to `worker` meanwhile: two imports for one seeker never interleave."""
    folders = sorted(mail_folders(path), key=_sync_order)
    worker = worker or worker_name("import")
    with transaction(factory) as session:
        mailbox = import_mailbox(session, seeker, frozenset(a.lower() for a in me))
        mailbox_id, addresses = mailbox.id, _Seeker(mailbox.address_set)
        if not leases.claim_one(session, mailbox_id, worker, timedelta(seconds=settings.lease_seconds)):
            raise ImportBusy(f"seeker {seeker!r}: another import is running ({mailbox.lease_owner})")
    report = ImportReport(mailbox_id)
    try:
        for folder in folders:
            _import_folder(factory, settings, mailbox_id, folder, addresses, report, progress, worker)
            report.folders += 1
    finally:
        with transaction(factory) as session:
            leases.release_success(session, session.get(Mailbox, mailbox_id), timedelta(0), worker)
    return report


def _sync_order(folder: FileFolder) -> tuple[int, str]:
    return {FolderRole.SENT: 0, FolderRole.INBOX: 1}.get(folder.role, 2), folder.name


def _import_folder(factory: sessionmaker[Session], settings: Settings, mailbox_id: int, file_folder: FileFolder,
                   addresses: _Seeker, report: ImportReport, progress: Advance | None, worker: str) -> None:
    folder = Folder(file_folder.name, file_folder.role)
    with transaction(factory) as session:
        # A changed file is a new UIDVALIDITY: read again from the start, content identity prevents doubles.
        last = checkpoint.resume(session, mailbox_id, folder, file_folder.uidvalidity).last_uid
    policy = ProofPolicy.of(settings)
    batches = _batches(file_folder, last, addresses, settings.batch_size)
    for batch, read in pool.read_batches(batches, file_folder.count, addresses.current, folder.role,
                                         settings.evidence_threshold):
        observed = [stages.prove(item, policy) for item in read.evidence]
        with transaction(factory) as session:
            if not leases.renew(session, mailbox_id, worker, timedelta(seconds=settings.lease_seconds)):
                raise ImportBusy(f"mailbox {mailbox_id}: the import's lease was lost")
            mailbox = session.get(Mailbox, mailbox_id)
            state = checkpoint.state_for_batch(session, mailbox_id, folder, file_folder.uidvalidity)
            if folder.role is FolderRole.SENT:
                remember_addresses(mailbox, {o.message.sender.email for o in observed if o.message.sender})
            report.new += record_batch(session, mailbox, state, batch.last_uid, observed, read.failures)
            addresses.recorded = mailbox.address_set
        count = len(batch.fetched) + batch.skipped
        report.messages += count
        report.failed += len(read.failures)
        if progress:
            progress(count)


def _batches(folder: FileFolder, after: int, addresses: _Seeker, size: int) -> Iterator[Batch]:
    """The folder's messages past the checkpoint, triaged on their headers, in batches of `size` messages."""
    fetched: list[Fetched] = []
    skipped = held = 0
    last = after
    for message in folder.messages():
        if message.uid <= after:
            continue
        last = message.uid
        if not message.raw.strip() or _candidate(folder, message, addresses):  # an empty file fails to parse: counted
            fetched.append(message)
            held += len(message.raw)
        else:
            skipped += 1
        if len(fetched) + skipped >= size or held >= MAX_BATCH_BYTES:
            yield Batch(last, fetched, skipped, [])
            fetched, skipped, held = [], 0, 0
    if fetched or skipped:
        yield Batch(last, fetched, skipped, [])


def _candidate(folder: FileFolder, message: Fetched, addresses: _Seeker) -> bool:
    """The sync's triage, on the same header fields."""
    headers = {name: value for name, value in parse_headers(_header(message.raw)).items() if name in _TRIAGE_NAMES}
    return stages.triage(headers, folder.role, addresses.current())


def _header(raw: bytes) -> bytes:
    end = raw.find(b"\r\n\r\n")
    return raw if end < 0 else raw[:end + 2]



@contextmanager
def progress_bar(show: bool, label: str) -> Iterator[Advance | None]:
    """A progress bar on stderr, as `carnet sync` draws it, when `show` (a terminal); else nothing."""
    if not show:
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda count: bar.advance(task, count)


def run_queued_import(factory: sessionmaker[Session], settings: Settings, worker: str) -> bool:
    """Import one file uploaded on the web, if one waits (`carnet run` calls this); False when none did.

    The file is deleted once imported, whatever the outcome: only evidence stays, in the database."""
    lease = timedelta(seconds=settings.lease_seconds)
    with transaction(factory) as session:
        job_id = claim_import(session, worker, lease)
        if job_id is None:
            return False
        job = session.get(ImportJob, job_id)
        path, seeker = Path(job.path), session.get(Seeker, job.seeker_id).name
    log.info("import start job=%s worker=%s", job_id, worker)
    report, error = None, None
    try:
        report = import_path(factory, settings, path, seeker, worker=f"{worker}-import-{job_id}")
    except ImportBusy:  # the seeker's own `carnet import` is running: this one waits its turn
        with transaction(factory) as session:
            requeue_import(session.get(ImportJob, job_id))
        return True
    except NotAMailbox as exc:
        log.warning("import job %s: %s", job_id, exc)
        error = ImportFailure.NOT_A_MAILBOX
    except OSError as exc:
        log.warning("import job %s: cannot read the file (%s)", job_id, type(exc).__name__)
        error = ImportFailure.UNREADABLE
    except Exception:  # a bug must not make the job come back forever: it fails, the worker goes on
        log.exception("import job %s: unexpected error", job_id)
        error = ImportFailure.INTERNAL
    with transaction(factory) as session:
        job = session.get(ImportJob, job_id)
        finish_import(job, report.messages if report else 0, report.new if report else 0,
                      report.failed if report else 0, error)
    path.unlink(missing_ok=True)
    log.info("import end job=%s worker=%s outcome=%s", job_id, worker, "failed" if error else "ok")
    return True
