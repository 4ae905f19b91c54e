"""One sync pass of one mailbox: mailbox → messages → evidence → logbook.

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
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

import imapclient
from imapclient.exceptions import IMAPClientError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from carnet import classify
from carnet.classify.evidence import Context, Evidence
from carnet.classify.triage import is_candidate
from carnet.config.i18n import t
from carnet.config.settings import Settings
from carnet.ingest.authresults import trusted_results
from carnet.ingest.connection import ImapError, close, connect
from carnet.ingest.dkim_check import DkimCheck
from carnet.ingest.fetch import Batch, Envelope, Partial, Streamed, examine, new_uids, read_batches, stream_message
from carnet.ingest.folders import Folder, classify_folders
from carnet.ingest.message import Message, ParseError, Proof
from carnet.ingest.parse import parse_addresses, parse_message
from carnet.ingest.readahead import read_ahead
from carnet.ingest.verify import level_of, prove
from carnet.store import leases
from carnet.store.db import transaction
from carnet.store.mailboxes import account_of, remember_addresses
from carnet.store.models import FolderState, Mailbox
from carnet.store.recording import Failure, Observed, record_batch
from carnet.store.secrets import SecretError

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


class LeaseLost(Exception):
    """Another worker took the mailbox over (our lease expired): stop at once."""


class FolderError(Exception):
    """A folder cannot be synced now; the others go on."""


@dataclass
class SyncReport:
    mailbox_id: int
    messages: int = 0
    new: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Addresses:
    """The seeker's addresses as last committed; updated after every batch."""

    current: frozenset[str]


@dataclass(frozen=True)
class _Job:
    factory: sessionmaker[Session]
    settings: Settings
    mailbox_id: int
    worker: str
    me: _Addresses
    stop: threading.Event
    progress: Progress | None
    #: Held by whoever uses the connection: the read-ahead thread, or a stream of an oversized message.
    imap: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class _Read:
    """A parsed message; for a `Partial`, `raw` is its reduced form (header and text parts)."""

    uid: int
    raw: bytes
    message: Message
    partial: Partial | None = None


def sync_mailbox(
    factory: sessionmaker[Session],
    settings: Settings,
    mailbox_id: int,
    worker: str,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync one leased mailbox and release its lease with the outcome."""
    report = SyncReport(mailbox_id)
    key = settings.require_secret_key()
    job = _Job(factory, settings, mailbox_id, worker, _Addresses(frozenset()), stop or threading.Event(), progress)
    try:
        with transaction(factory) as session:
            mailbox = session.get(Mailbox, mailbox_id)
            account, job.me.current = account_of(mailbox, key), mailbox.address_set
    except SecretError as exc:
        return _fail(job, report, f"mailbox {mailbox_id}: {exc}", True)
    try:
        client = connect(account, settings.timeout, settings.ca_file)
    except ImapError as exc:
        return _fail(job, report, str(exc), exc.retryable)
    try:
        _sync_folders(job, client, report)
    except LeaseLost:
        report.errors.append(f"mailbox {mailbox_id}: lease lost to another worker")
        return report
    except (TimeoutError, OSError, IMAPClientError) as exc:
        return _fail(job, report, t("server_error", mailbox=account.label, detail=_reason(exc)), True)
    finally:
        close(client)
    # A pass cut short by a stop request is due again at once, for the folders it did not reach.
    interval = timedelta(seconds=0 if job.stop.is_set() else settings.poll_interval)
    with transaction(factory) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        if leases.release_success(session, mailbox, interval, worker):
            mailbox.last_error = "\n".join(report.errors)[:2000] or None  # folder errors, shown until fixed
    return report


def _fail(job: _Job, report: SyncReport, error: str, retryable: bool) -> SyncReport:
    log.warning("mailbox %s: sync failed: %s", job.mailbox_id, error)
    report.errors.append(error)
    with transaction(job.factory) as session:
        mailbox = session.get(Mailbox, job.mailbox_id)
        leases.release_failure(session, mailbox, error, retryable, job.settings.max_backoff, job.worker)
    return report


def _sync_folders(job: _Job, client: imapclient.IMAPClient, report: SyncReport) -> None:
    with transaction(job.factory) as session:
        known = {state.name: state for state in session.scalars(
            select(FolderState).where(FolderState.mailbox_id == job.mailbox_id))}
    for folder in classify_folders(client.list_folders()):
        if job.stop.is_set():
            return
        try:
            if not _unchanged(client, folder, known.get(folder.name)):
                _sync_folder(job, client, folder, report)
        except FolderError as exc:
            log.warning("mailbox %s folder %r: %s", job.mailbox_id, folder.name, exc)
            report.errors.append(str(exc))
        except imapclient.exceptions.IMAPClientError as exc:
            if not _is_missing_folder(exc):
                raise
            log.info("mailbox %s folder %r vanished during the pass", job.mailbox_id, folder.name)


def _is_missing_folder(exc: Exception) -> bool:
    text = str(exc).lower()
    return "nonexistent" in text or "doesn't exist" in text or "does not exist" in text


def _unchanged(client: imapclient.IMAPClient, folder: Folder, state: FolderState | None) -> bool:
    """STATUS says nothing arrived since the checkpoint: one round trip instead of EXAMINE and SEARCH.

    A folder still counting UIDVALIDITY changes is always examined, so that a stable
    pass resets the count."""
    if state is None or state.uidvalidity_resets:
        return False
    status = client.folder_status(folder.name, [b"UIDNEXT", b"UIDVALIDITY"])
    uidnext = status.get(b"UIDNEXT")
    return status.get(b"UIDVALIDITY") == state.uidvalidity and uidnext is not None and uidnext - 1 <= state.last_uid


def _sync_folder(job: _Job, client: imapclient.IMAPClient, folder: Folder, report: SyncReport) -> None:
    uidvalidity = examine(client, folder.name)
    last_uid = _checkpoint(job, folder, uidvalidity)
    uids = new_uids(client, last_uid)
    triage = _triage(folder, job.me)
    batches = read_batches(client, uids, job.settings.batch_size, triage, job.settings.whole_fetch_bytes)
    with read_ahead(batches, job.imap) as ahead:
        for batch in ahead:
            _sync_batch(job, client, folder, uidvalidity, batch, report)
            if job.stop.is_set():
                return


def _sync_batch(job: _Job, client: imapclient.IMAPClient, folder: Folder, uidvalidity: int, batch: Batch,
                report: SyncReport) -> None:
    """Process and commit one batch; its bytes are freed on return, before the next is read."""
    observed, failures = _process(job, client, folder, batch)
    with transaction(job.factory) as session:
        report.new += _commit(job, session, folder, uidvalidity, batch, observed, failures)
    read = len(batch.fetched) + batch.skipped + len(batch.partial)
    report.messages += read
    report.failed += len(failures)
    if job.progress:
        job.progress(read)


def _checkpoint(job: _Job, folder: Folder, uidvalidity: int) -> int:
    """The folder's last UID; 0 when UIDVALIDITY changed, which is allowed a bounded
    number of passes in a row (a server that changes it every time would otherwise
    make every pass a full resync). The new UIDVALIDITY is committed even past the
    bound, so the folder resumes by itself once the server keeps it stable."""
    with transaction(job.factory) as session:
        state = _folder_state(session, job.mailbox_id, folder.name)
        if state is None:
            session.add(FolderState(mailbox_id=job.mailbox_id, name=folder.name, role=folder.role,
                                    uidvalidity=uidvalidity, last_uid=0, uidvalidity_resets=0))
            return 0
        resets = _observe_uidvalidity(job, state, uidvalidity)
        last_uid = state.last_uid
    if resets > job.settings.max_uidvalidity_resets:
        raise FolderError(t("uidvalidity_loop", mailbox=job.mailbox_id, folder=folder.name, count=resets))
    return last_uid


def _observe_uidvalidity(job: _Job, state: FolderState, uidvalidity: int) -> int:
    """Count the passes in a row that found UIDVALIDITY changed; a stable one resets the count."""
    if state.uidvalidity == uidvalidity:
        state.uidvalidity_resets = 0
        return 0
    log.info("mailbox %s folder %r: UIDVALIDITY %s -> %s, resync", job.mailbox_id, state.name,
             state.uidvalidity, uidvalidity)
    state.uidvalidity, state.last_uid = uidvalidity, 0
    state.uidvalidity_resets += 1
    return state.uidvalidity_resets


def _folder_state(session: Session, mailbox_id: int, name: str) -> FolderState | None:
    return session.scalar(select(FolderState).where(FolderState.mailbox_id == mailbox_id, FolderState.name == name))


def _triage(folder: Folder, me: _Addresses) -> Callable[[Envelope], bool]:
    def candidate(envelope: Envelope) -> bool:
        sender = next(iter(parse_addresses(envelope.headers.get("from"))), None)
        return is_candidate(envelope.headers.get("subject", ""), sender, envelope.headers, folder.role, me.current)

    return candidate


def _process(job: _Job, client: imapclient.IMAPClient, folder: Folder,
             batch: Batch) -> tuple[list[Observed], list[Failure]]:
    """Parse and classify a batch, in UID order (pure work, outside any transaction)."""
    reads, failures = _parse(batch)
    me = job.me.current | _own_addresses(folder, [read.message for read in reads])
    contexts = [Context(me=me, folder_role=folder.role)] * len(reads)
    verdicts = classify.classify_many([read.message for read in reads], contexts, job.settings.evidence_threshold)
    observed = [_observe(job, client, folder, read, evidence, me)
                for read, evidence in zip(reads, verdicts, strict=True) if evidence.is_evidence]
    return observed, failures


def _parse(batch: Batch) -> tuple[list[_Read], list[Failure]]:
    reads: list[_Read] = []
    failures: list[Failure] = []
    items = [(f.uid, f.raw, None) for f in batch.fetched] + [(p.uid, p.reduced, p) for p in batch.partial]
    for uid, raw, partial in sorted(items, key=lambda item: item[0]):
        try:
            message = parse_message(raw)
        except ParseError as exc:
            failures.append(Failure(uid, str(exc)))
            continue
        if partial is not None:
            message = replace(message, size=partial.size, attachments=message.attachments + partial.attachments)
        reads.append(_Read(uid, raw, message, partial))
    return reads, failures


def _observe(job: _Job, client: imapclient.IMAPClient, folder: Folder, read: _Read, evidence: Evidence,
             me: frozenset[str]) -> Observed:
    """An evidence message with its proof; an oversized one is now streamed whole."""
    outgoing = _is_outgoing(folder, read.message, me)
    if read.partial is None:
        proof = Proof() if outgoing else prove(read.raw, read.message, job.settings)
        return Observed(read.uid, read.raw, read.message, evidence, outgoing, proof)
    with job.imap:
        whole = stream_message(client, read.uid)
    message = replace(read.message, sha256=whole.sha256, size=whole.size)
    proof = Proof() if outgoing else _streamed_proof(read.raw, whole, message, job.settings)
    return Observed(read.uid, b"", message, evidence, outgoing, proof, compressed=whole.compressed)


def _streamed_proof(reduced: bytes, whole: Streamed, message: Message, settings: Settings) -> Proof:
    """DKIM over the whole bytes when they fit `max_message_bytes` in memory, else the provider's results."""
    if whole.size <= settings.max_message_bytes:
        return prove(zlib.decompress(whole.compressed), message, settings)
    return _header_proof(reduced, message, settings)


def _header_proof(raw: bytes, message: Message, settings: Settings) -> Proof:
    """For a very large message only the provider's results are read: DKIM would need it whole in memory."""
    provider = trusted_results(raw, settings.trusted_authserv_ids)
    domains = (message.sender.domain if message.sender else None,)
    level = level_of(DkimCheck("none"), False, provider, domains)
    return Proof(level=level, auth_results=provider.header if provider else None)


def _own_addresses(folder: Folder, messages: list[Message]) -> frozenset[str]:
    if folder.role != "sent":
        return frozenset()
    return frozenset(m.sender.email for m in messages if m.sender)


def _is_outgoing(folder: Folder, message: Message, me: frozenset[str]) -> bool:
    return folder.role == "sent" or (message.sender is not None and message.sender.email in me)


def _commit(job: _Job, session: Session, folder: Folder, uidvalidity: int, batch: Batch,
            observed: list[Observed], failures: list[Failure]) -> int:
    if not leases.renew(session, job.mailbox_id, job.worker, timedelta(seconds=job.settings.lease_seconds)):
        raise LeaseLost()
    mailbox = session.get(Mailbox, job.mailbox_id)
    state = _folder_state(session, job.mailbox_id, folder.name)
    if state is None or state.uidvalidity != uidvalidity:
        raise FolderError(f"folder {folder.name!r} changed during the pass")
    if folder.role == "sent":
        remember_addresses(mailbox, {item.message.sender.email for item in observed if item.message.sender})
    job.me.current = mailbox.address_set
    return record_batch(session, mailbox, state, batch.last_uid, observed, failures)


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
