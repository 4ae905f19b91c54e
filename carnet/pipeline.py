"""One sync pass of one mailbox: mailbox → messages → evidence → logbook.

Error scopes (after OfflineIMAP): a message that fails to parse is recorded and
the pass goes on; a folder that fails (deleted, UIDVALIDITY loop) is logged and
the other folders go on; a mailbox that fails (network, password) backs off or
asks for a new link, and the other mailboxes go on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import imapclient
from classify.triage import is_candidate
from imapclient.exceptions import IMAPClientError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import classify
from classify.evidence import Context
from config.i18n import t
from config.settings import Settings
from ingest.connection import ImapError, connect
from ingest.fetch import Batch, Envelope, examine, new_uids, read_batches
from ingest.folders import Folder, classify_folders
from ingest.message import Message, ParseError, Proof
from ingest.parse import parse_addresses, parse_message
from ingest.verify import prove
from store import leases
from store.db import transaction
from store.mailboxes import account_of, remember_addresses
from store.models import FolderState, Mailbox
from store.recording import Failure, Observed, record_batch

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


@dataclass(frozen=True)
class _Job:
    factory: sessionmaker[Session]
    settings: Settings
    mailbox_id: int
    worker: str
    me: frozenset[str]
    stop: threading.Event
    progress: Progress | None


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
    with transaction(factory) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        account, me = account_of(mailbox, key), mailbox.address_set
    job = _Job(factory, settings, mailbox_id, worker, me, stop or threading.Event(), progress)
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
        _logout(client)
    with transaction(factory) as session:
        leases.release_success(session, session.get(Mailbox, mailbox_id), timedelta(seconds=settings.poll_interval))
    return report


def _fail(job: _Job, report: SyncReport, error: str, retryable: bool) -> SyncReport:
    log.warning("mailbox %s: sync failed: %s", job.mailbox_id, error)
    report.errors.append(error)
    with transaction(job.factory) as session:
        mailbox = session.get(Mailbox, job.mailbox_id)
        leases.release_failure(session, mailbox, error, retryable, job.settings.max_backoff)
    return report


def _sync_folders(job: _Job, client: imapclient.IMAPClient, report: SyncReport) -> None:
    for folder in classify_folders(client.list_folders()):
        if job.stop.is_set():
            return
        try:
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


def _sync_folder(job: _Job, client: imapclient.IMAPClient, folder: Folder, report: SyncReport) -> None:
    status = examine(client, folder.name)
    last_uid = _checkpoint(job, folder, status.uidvalidity)
    uids = new_uids(client, last_uid)
    triage = _triage(folder, job.me)
    for batch in read_batches(client, uids, job.settings.batch_size, triage, job.settings.max_message_bytes):
        observed, failures = _process(job, folder, batch)
        with transaction(job.factory) as session:
            report.new += _commit(job, session, folder, status.uidvalidity, batch, observed, failures)
        read = len(batch.fetched) + batch.skipped + len(batch.too_large)
        report.messages += read
        report.failed += len(failures)
        if job.progress:
            job.progress(read)
        if job.stop.is_set():
            return
    _mark_folder_stable(job, folder.name, status.uidvalidity)


def _checkpoint(job: _Job, folder: Folder, uidvalidity: int) -> int:
    """The folder's last UID, reset when UIDVALIDITY changed (bounded, see settings)."""
    with transaction(job.factory) as session:
        state = _folder_state(session, job.mailbox_id, folder.name)
        if state is None:
            session.add(FolderState(mailbox_id=job.mailbox_id, name=folder.name, role=folder.role,
                                    uidvalidity=uidvalidity, last_uid=0, uidvalidity_resets=0))
            return 0
        if state.uidvalidity == uidvalidity:
            return state.last_uid
        if state.uidvalidity_resets >= job.settings.max_uidvalidity_resets:
            raise FolderError(t("uidvalidity_loop", mailbox=job.mailbox_id, folder=folder.name,
                                count=state.uidvalidity_resets))
        log.info("mailbox %s folder %r: UIDVALIDITY %s -> %s, resync", job.mailbox_id, folder.name,
                 state.uidvalidity, uidvalidity)
        state.uidvalidity, state.last_uid = uidvalidity, 0
        state.uidvalidity_resets += 1
        return 0


def _mark_folder_stable(job: _Job, name: str, uidvalidity: int) -> None:
    with transaction(job.factory) as session:
        state = _folder_state(session, job.mailbox_id, name)
        if state is not None and state.uidvalidity == uidvalidity:
            state.uidvalidity_resets = 0


def _folder_state(session: Session, mailbox_id: int, name: str) -> FolderState | None:
    return session.scalar(select(FolderState).where(FolderState.mailbox_id == mailbox_id, FolderState.name == name))


def _triage(folder: Folder, me: frozenset[str]) -> Callable[[Envelope], bool]:
    def candidate(envelope: Envelope) -> bool:
        sender = next(iter(parse_addresses(envelope.headers.get("from"))), None)
        return is_candidate(envelope.headers.get("subject", ""), sender, envelope.headers, folder.role, me)

    return candidate


def _process(job: _Job, folder: Folder, batch: Batch) -> tuple[list[Observed], list[Failure]]:
    """Parse and classify a batch (pure work, outside any transaction)."""
    parsed: list[tuple[int, bytes, Message]] = []
    failures = [Failure(env.uid, f"message of {env.size} bytes above max_message_bytes") for env in batch.too_large]
    for fetched in batch.fetched:
        try:
            parsed.append((fetched.uid, fetched.raw, parse_message(fetched.raw)))
        except ParseError as exc:
            failures.append(Failure(fetched.uid, str(exc)))
    me = job.me | _own_addresses(folder, [m for _, _, m in parsed])
    contexts = [Context(me=me, folder_role=folder.role)] * len(parsed)
    verdicts = classify.classify_many([m for _, _, m in parsed], contexts, job.settings.evidence_threshold)
    observed = []
    for (uid, raw, message), evidence in zip(parsed, verdicts, strict=True):
        if evidence.is_evidence:
            outgoing = _is_outgoing(folder, message, me)
            proof = Proof() if outgoing else prove(raw, message, job.settings)
            observed.append(Observed(uid, raw, message, evidence, outgoing, proof))
    return observed, failures


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
    return record_batch(session, mailbox, state, batch.last_uid, observed, failures)


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _logout(client: imapclient.IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, IMAPClientError):
        client.shutdown()
