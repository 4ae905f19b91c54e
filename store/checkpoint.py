"""Where a folder's sync resumes: its checkpoint and the UIDVALIDITY policy.

The checkpoint (the last UID whose messages are recorded) only moves in the
transaction that records those messages (`store.recording.record_batch`). When
the server changes a folder's UIDVALIDITY its UIDs mean other messages: the
folder is read again from UID 0 (content identity prevents doubles). A server
that changes it at every pass would make every pass a full resync, so only
`max_resets` passes in a row may find it changed; past that the folder stops
with an error, and resumes by itself once the server keeps it stable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from carnet.config.i18n import t
from carnet.ingest.folders import Folder
from carnet.ingest.walk import FolderMark
from carnet.store.models import FolderState
from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


class FolderError(Exception):
    """A folder cannot be synced now; the others go on."""


@dataclass(frozen=True)
class Resume:
    """Where a folder's pass starts, and how many passes in a row found its UIDVALIDITY changed."""

    last_uid: int
    resets: int


def folder_marks(session: Session, mailbox_id: int) -> dict[str, FolderMark]:
    """Every known folder's checkpoint, by name."""
    states = session.scalars(select(FolderState).where(FolderState.mailbox_id == mailbox_id))
    return {s.name: FolderMark(s.uidvalidity, s.last_uid, s.uidvalidity_resets) for s in states}


def resume(session: Session, mailbox_id: int, folder: Folder, uidvalidity: int) -> Resume:
    """The folder's checkpoint for the UIDVALIDITY just examined; a new or changed one starts at 0.

    The new UIDVALIDITY is written even past the bound (see `guard`), so a folder that
    became stable resumes at the next pass."""
    state = folder_state(session, mailbox_id, folder.name)
    if state is None:
        session.add(FolderState(mailbox_id=mailbox_id, name=folder.name, role=folder.role,
                                uidvalidity=uidvalidity, last_uid=0, uidvalidity_resets=0))
        return Resume(0, 0)
    if state.uidvalidity == uidvalidity:
        state.uidvalidity_resets = 0
        return Resume(state.last_uid, 0)
    log.info("mailbox %s folder %r: UIDVALIDITY %s -> %s, resync", mailbox_id, state.name,
             state.uidvalidity, uidvalidity)
    state.uidvalidity, state.last_uid = uidvalidity, 0
    state.uidvalidity_resets += 1
    return Resume(0, state.uidvalidity_resets)


def guard(point: Resume, max_resets: int, mailbox_id: int, folder: Folder) -> int:
    """The UID to resume after, or a `FolderError` when UIDVALIDITY changed too many passes in a row."""
    if point.resets > max_resets:
        raise FolderError(t("uidvalidity_loop", mailbox=mailbox_id, folder=folder.name, count=point.resets))
    return point.last_uid


def state_for_batch(session: Session, mailbox_id: int, folder: Folder, uidvalidity: int) -> FolderState:
    """The folder's row a batch is recorded against; an error when its UIDVALIDITY moved meanwhile."""
    state = folder_state(session, mailbox_id, folder.name)
    if state is None or state.uidvalidity != uidvalidity:
        raise FolderError(f"folder {folder.name!r} changed during the pass")
    return state


def folder_state(session: Session, mailbox_id: int, name: str) -> FolderState | None:
    return session.scalar(select(FolderState).where(FolderState.mailbox_id == mailbox_id, FolderState.name == name))
