"""`carnet sync`: one pass over chosen mailboxes now, with progress on a terminal."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from carnet.pipeline import SyncReport, sync_mailbox
from carnet.runtime import Runtime, is_dead_local_worker, worker_name
from carnet.store import leases
from carnet.store.db import transaction
from carnet.store.models import Mailbox


def sync_now(runtime: Runtime, mailbox_ids: list[int], show_progress: bool = False) -> list[SyncReport]:
    worker = worker_name("sync")
    lease = timedelta(seconds=runtime.settings.lease_seconds)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   transient=True) if show_progress else None
    reports = []
    with bar or nullcontext():
        for mailbox_id in mailbox_ids:
            reports.append(_sync_one(runtime, mailbox_id, worker, lease, bar))
    return reports


def _sync_one(runtime: Runtime, mailbox_id: int, worker: str, lease: timedelta, bar: Progress | None) -> SyncReport:
    with transaction(runtime.factory) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        if mailbox is None:
            return SyncReport(mailbox_id, errors=[f"mailbox {mailbox_id}: unknown"])
        dead = mailbox.lease_owner if is_dead_local_worker(mailbox.lease_owner) else None
        if not leases.claim_one(session, mailbox_id, worker, lease, dead_owner=dead):
            return SyncReport(mailbox_id, errors=[f"mailbox {mailbox_id}: being synced by {mailbox.lease_owner}"])
        label = f"{mailbox.username}@{mailbox.host}"
    progress = None
    if bar is not None:
        task = bar.add_task(label, total=None)

        def progress(count: int) -> None:
            bar.advance(task, count)

    return sync_mailbox(runtime.factory, runtime.settings, mailbox_id, worker, progress=progress)
