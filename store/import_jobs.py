"""Mailbox files uploaded on the web, queued for a worker: the web app never imports (nor syncs) itself.

A job is claimed like a mailbox: a compare-and-set of its status and an expiring
lease, so two workers never run the same import, and a dead worker's job is
taken over when its lease runs out (the import resumes at its checkpoints).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from carnet.store.models import ImportJob
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportFailure(StrEnum):
    """Why an uploaded file could not be imported, as the seeker's page says it (`ImportJob.error`)."""

    NOT_A_MAILBOX = "not_a_mailbox"
    UNREADABLE = "unreadable"
    INTERNAL = "internal"


def queue_import(session: Session, seeker_id: int, file_name: str, path: str, size: int) -> ImportJob:
    job = ImportJob(seeker_id=seeker_id, file_name=file_name[:255], path=path, size=size,
                    status=ImportStatus.QUEUED, messages=0, new=0, failed=0, created_at=datetime.now(UTC))
    session.add(job)
    session.flush()
    return job


def _claimable(now: datetime) -> ColumnElement[bool]:
    expired = (ImportJob.status == ImportStatus.RUNNING) & (ImportJob.lease_expires_at < now)
    return or_(ImportJob.status == ImportStatus.QUEUED, expired)


def claim_import(session: Session, worker: str, lease: timedelta) -> int | None:
    """Lease the oldest waiting job to `worker`; its id, or None when none waits."""
    now = datetime.now(UTC)
    query = select(ImportJob.id).where(_claimable(now)).order_by(ImportJob.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job_id = session.scalar(query)
    if job_id is None:
        return None
    claimed = session.execute(
        update(ImportJob).where(ImportJob.id == job_id, _claimable(now))
        .values(status=ImportStatus.RUNNING, lease_owner=worker, lease_expires_at=now + lease),
        execution_options={"synchronize_session": "fetch"})
    return job_id if claimed.rowcount == 1 else None


def finish_import(job: ImportJob, messages: int, new: int, failed: int, error: str | None = None) -> None:
    job.status = ImportStatus.FAILED if error else ImportStatus.DONE
    job.messages, job.new, job.failed, job.error = messages, new, failed, error
    job.lease_owner, job.lease_expires_at, job.finished_at = None, None, datetime.now(UTC)


def requeue_import(job: ImportJob) -> None:
    job.status, job.lease_owner, job.lease_expires_at = ImportStatus.QUEUED, None, None


def seeker_import_jobs(session: Session, seeker_id: int) -> list[ImportJob]:
    """The seeker's uploads, newest first."""
    return list(session.scalars(select(ImportJob).where(ImportJob.seeker_id == seeker_id)
                                .order_by(ImportJob.id.desc())))
