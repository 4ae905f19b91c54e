"""Walking one mailbox's folders over IMAP, read-only: the connection and the folder steps.

Per folder, as `carnet.pipeline` drives it:

    STATUS ──nothing new since the checkpoint──▶ skip (one round trip)
       │ changed
       ▼
    EXAMINE ──▶ UIDVALIDITY (the store decides where to resume) ──▶ UID SEARCH
       ──▶ batches (`ingest.fetch.read_batches`), read one ahead in a thread

A folder deleted between LIST and the end of its walk raises `FolderVanished`:
whether it is gone is asked to the server (LIST), never read from an error's text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import imapclient
from carnet.ingest.fetch import Batch, Envelope, Streamed, examine, new_uids, read_batches, stream_message
from carnet.ingest.folders import Folder
from carnet.ingest.readahead import read_ahead
from imapclient.exceptions import IMAPClientError


class FolderVanished(Exception):
    """The folder was deleted during the pass: nothing to sync there any more."""


@dataclass(frozen=True)
class FolderMark:
    """What the store knows of a folder: where its checkpoint stands, and its UIDVALIDITY changes in a row."""

    uidvalidity: int
    last_uid: int
    resets: int = 0


@dataclass(frozen=True)
class Sizes:
    """How much a batch reads: `batch_size` UIDs; candidates above `whole_fetch_bytes` come as `Partial`."""

    batch_size: int
    whole_fetch_bytes: int


@dataclass
class Connection:
    """A logged-in client and the lock held by whoever uses it: the read-ahead thread, or a stream."""

    client: imapclient.IMAPClient
    lock: threading.Lock = field(default_factory=threading.Lock)

    def listing(self) -> list[tuple[tuple[bytes, ...], bytes | str | None, str]]:
        with self.lock:
            return self.client.list_folders()

    def stream(self, uid: int) -> Streamed:
        """A whole message of the examined folder, in pieces (an oversized evidence message)."""
        with self.lock:
            return stream_message(self.client, uid)

    def has(self, name: str) -> bool:
        with self.lock:
            return self.client.folder_exists(name)


def new_mail(connection: Connection, folder: Folder, mark: FolderMark | None) -> int:
    """How many messages arrived since the checkpoint, as STATUS tells (one round trip): 0 when
    nothing did, and the folder is skipped without EXAMINE and SEARCH.

    A folder never synced, whose UIDVALIDITY changed or that is still counting UIDVALIDITY
    changes counts all its messages, and at least one: it is always examined, so that a stable
    pass resets the count. The figure is an estimate (expunged UIDs count): what the pass
    plans with, never what it records."""
    with _vanishing(connection, folder), connection.lock:
        status = connection.client.folder_status(folder.name, [b"MESSAGES", b"UIDNEXT", b"UIDVALIDITY"])
    uidnext, everything = status.get(b"UIDNEXT"), max(1, int(status.get(b"MESSAGES") or 0))
    if mark is None or mark.resets or status.get(b"UIDVALIDITY") != mark.uidvalidity or uidnext is None:
        return everything
    return max(0, uidnext - 1 - mark.last_uid)


def open_folder(connection: Connection, folder: Folder) -> int:
    """EXAMINE the folder; its UIDVALIDITY."""
    with _vanishing(connection, folder), connection.lock:
        return examine(connection.client, folder.name)


@dataclass(frozen=True)
class NewMail:
    """The examined folder's messages above the checkpoint: how many, and their batches as they are read."""

    count: int
    batches: Iterator[Batch]


@contextmanager
def new_batches(connection: Connection, folder: Folder, last_uid: int, is_candidate: Callable[[Envelope], bool],
                sizes: Sizes) -> Iterator[NewMail]:
    """The examined folder's messages above `last_uid`, batch by batch, read one batch ahead."""
    with _vanishing(connection, folder):
        with connection.lock:
            uids = new_uids(connection.client, last_uid)
        batches = read_batches(connection.client, uids, sizes.batch_size, is_candidate, sizes.whole_fetch_bytes)
        with read_ahead(batches, connection.lock) as ahead:
            yield NewMail(len(uids), ahead)


@contextmanager
def _vanishing(connection: Connection, folder: Folder) -> Iterator[None]:
    """An IMAP error about a folder that LIST no longer shows becomes `FolderVanished`."""
    try:
        yield
    except IMAPClientError as exc:
        if _still_there(connection, folder, exc):
            raise
        raise FolderVanished(folder.name) from exc


def _still_there(connection: Connection, folder: Folder, error: IMAPClientError) -> bool:
    try:
        return connection.has(folder.name)
    except (OSError, IMAPClientError):
        raise error from None
