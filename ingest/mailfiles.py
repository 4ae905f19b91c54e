"""Mailbox files as folders of messages: an mbox (Google Takeout, Thunderbird), a Maildir, `.eml` files.

What `carnet import` reads instead of an IMAP server. Each source is one or more
`FileFolder`s, each a sequence of messages (`Fetched`, with CRLF line ends) numbered
1, 2, … in a stable order; the numbers are their UIDs, and `uidvalidity` is a fingerprint
of the folder as it is on disk (a changed file numbers its messages anew).

An mbox is read in chunks: one message is in memory at a time, never the file.
Its "From " separator lines are dropped and mboxrd's `>From ` quoting undone.
Google Takeout prepends `X-GM-THRID` and `X-Gmail-Labels` to every message; they
are read and removed, so the bytes kept are the message as Gmail stored it, and
the labels split the file into two folders read in two passes: the sent messages
first, then the others, as a sync reads Sent first. Line ends become CRLF, as an
IMAP server serves a message (and as DKIM signed it): the same message has the
same SHA-256 whether it is imported or synced.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from carnet.ingest.fetch import Fetched
from carnet.ingest.folders import FolderRole, FolderTable, folder_role, folder_table

#: Takeout's own headers, prepended to each message of its mbox (folded lines included).
_TAKEOUT_PREFIX = re.compile(rb"(?:(?:X-GM-THRID|X-Gmail-Labels):[^\n]*\n(?:[ \t][^\n]*\n)*)+", re.IGNORECASE)
_LABELS = re.compile(rb"X-Gmail-Labels:([^\n]*\n(?:[ \t][^\n]*\n)*)", re.IGNORECASE)
_MBOXRD_QUOTED = re.compile(rb"(?m)^>(>*From )")
_CHUNK = 1 << 20
_LABEL_ORDER = (FolderRole.SENT, FolderRole.INBOX, FolderRole.ARCHIVE, FolderRole.JUNK, FolderRole.TRASH)
_MAILDIR_PARTS = ("cur", "new")
_MBOX_BYTES_PER_MESSAGE = 50_000


class NotAMailbox(Exception):
    """The path is no mbox, Maildir or folder of `.eml` files; `str()` says what it is."""


@dataclass(frozen=True)
class FileFolder:
    name: str
    role: FolderRole | None
    uidvalidity: int
    messages: Callable[[], Iterator[Fetched]]
    count: int  #: how many messages it holds (an mbox's is estimated from its size)


def mail_folders(path: Path) -> list[FileFolder]:
    """The folders of an mbox file, a Maildir (with its Maildir++ subfolders), a folder of `.eml` files or one."""
    table = folder_table()
    if path.is_file() and path.suffix.lower() == ".eml" and not _starts_as_mbox(path):
        return _eml_folders(path.parent, [path], table)  # one message saved from a mail program
    if path.is_file():
        return _mbox_folders(path, table)
    if not path.is_dir():
        raise NotAMailbox(f"{path}: no such file or folder")
    if all((path / part).is_dir() for part in _MAILDIR_PARTS):
        return _maildir_folders(path, table)
    emls = sorted(p for p in path.rglob("*.eml") if p.is_file())
    if emls:
        return _eml_folders(path, emls, table)
    mboxes = [p for p in sorted(path.rglob("*")) if p.is_file() and _starts_as_mbox(p)]
    if not mboxes:
        raise NotAMailbox(f"{path}: neither an mbox file, a Maildir (cur/, new/), a folder of .eml files "
                          "nor a folder of mbox files (Thunderbird's)")
    return [folder for mbox in mboxes for folder in _mbox_folders(mbox, table)]


def _starts_as_mbox(path: Path) -> bool:
    """Thunderbird keeps each folder as an mbox file beside `.msf` indexes: the files that start as mboxes."""
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def _role(name: str, table: FolderTable) -> FolderRole | None:
    return folder_role(name, (), "/", table)


def _fingerprint(*parts: object) -> int:
    """A UIDVALIDITY from what identifies a folder's state on disk (31 bits, never 0)."""
    digest = hashlib.sha256(repr(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") % (2**31 - 1) + 1


# -- mbox ------------------------------------------------------------------------------------


def _mbox_folders(path: Path, table: FolderTable) -> list[FileFolder]:
    """One folder, named after the file (Thunderbird's `Sent`); a Takeout mbox is read in two passes,
    its sent messages first, as a sync reads the Sent folder before the others."""
    labelled = _check_mbox(path)
    stat = path.stat()
    uidvalidity = _fingerprint(path.name, stat.st_size, stat.st_mtime_ns)
    count = stat.st_size // _MBOX_BYTES_PER_MESSAGE
    if not labelled:
        role = _role(path.stem if path.suffix.lower() == ".mbox" else path.name, table)
        if role in table.skip:
            return []
        return [FileFolder(path.name, role, uidvalidity, lambda: _mbox_messages(path, table), count)]

    def sent(role: FolderRole | None) -> bool:
        return role is FolderRole.SENT

    def others(role: FolderRole | None) -> bool:  # a message only in skipped views (drafts…) is never synced
        return role is not FolderRole.SENT and role not in table.skip

    return [FileFolder(f"{path.name} [sent]", FolderRole.SENT, uidvalidity,
                       lambda: _mbox_messages(path, table, sent), count),
            FileFolder(path.name, None, uidvalidity, lambda: _mbox_messages(path, table, others), count)]


def _check_mbox(path: Path) -> bool:
    """Whether the mbox is Google Takeout's (its messages carry X-Gmail-Labels); NotAMailbox if no mbox."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head.startswith(b"From "):
        raise NotAMailbox(f"{path}: not an mbox file (it does not start with a \"From \" line)")
    first = head.split(b"\n", 1)[1] if b"\n" in head else b""
    return bool(_TAKEOUT_PREFIX.match(first)) and b"x-gmail-labels:" in first[:4096].lower()


def _mbox_messages(path: Path, table: FolderTable,
                   wanted: Callable[[FolderRole | None], bool] | None = None) -> Iterator[Fetched]:
    """The file's messages in order, numbered from 1; with `wanted`, only those whose labels' role it accepts."""
    with path.open("rb") as handle:
        for number, chunk in enumerate(_split_mbox(handle), start=1):
            labels, body = _takeout_labels(chunk)
            role = _labels_role(labels, table) if labels is not None else None
            if wanted is None or wanted(role):
                yield Fetched(number, canonical(_unquote(body)))


def _split_mbox(handle: BinaryIO) -> Iterator[bytes]:
    """Each message's bytes between two "From " separator lines, read in chunks: one message in memory.

    A separator is a line starting "From " after a blank line (or the file's first line)."""
    buffer = handle.read(_CHUNK)
    while b"\n" not in buffer and (more := handle.read(_CHUNK)):
        buffer += more
    start = search = buffer.find(b"\n") + 1 if b"\n" in buffer else len(buffer)
    while True:
        found = buffer.find(b"\nFrom ", search)
        line_end = buffer.find(b"\n", found + 1) if found >= 0 else -1
        if line_end >= 0:
            search = found + 1
            if buffer[found - 1:found] == b"\n" or buffer[found - 2:found] == b"\n\r":
                yield _without_blank_end(buffer[start:found + 1])
                start = search = line_end + 1
            continue
        more = handle.read(_CHUNK)
        if not more:
            break
        rescan = found if found >= 0 else max(start, len(buffer) - 6)
        buffer, search, start = buffer[start:] + more, rescan - start, 0
    if start < len(buffer):
        yield _without_blank_end(buffer[start:])


def _without_blank_end(chunk: bytes) -> bytes:
    """The blank line before the next "From " belongs to the file, not to the message."""
    for blank in (b"\r\n\r\n", b"\n\n"):
        if chunk.endswith(blank):
            return chunk[:-len(blank) // 2]
    return chunk


def _unquote(body: bytes) -> bytes:
    """mboxrd: a body line ">From " (any number of ">") was written with one ">" more."""
    return _MBOXRD_QUOTED.sub(rb"\1", body) if b">From " in body else body


def _takeout_labels(chunk: bytes) -> tuple[list[str] | None, bytes]:
    """Takeout's labels and the message without Takeout's prepended headers."""
    prefix = _TAKEOUT_PREFIX.match(chunk)
    if not prefix:
        return None, chunk
    found = _LABELS.search(prefix.group(0))
    labels = None
    if found:
        text = " ".join(found.group(1).decode("utf-8", "replace").split())
        labels = [label.strip().strip('"') for label in text.split(",") if label.strip()]
    return labels, chunk[prefix.end():]


def _labels_role(labels: list[str], table: FolderTable) -> FolderRole | None:
    """The role Gmail's labels give: sent first, then inbox…; a message only in skipped views keeps that."""
    roles = {role for role in (_role(label, table) for label in labels) if role is not None}
    return next((role for role in _LABEL_ORDER if role in roles), next(iter(sorted(roles)), None))


def canonical(raw: bytes) -> bytes:
    """A message file's bytes with CRLF line ends (a lone CR is left as it is)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


# -- Maildir and .eml files -----------------------------------------------------------------------


def _maildir_folders(root: Path, table: FolderTable) -> list[FileFolder]:
    """The root is INBOX; `.Sent`, `.Archives.2024`… are its Maildir++ subfolders."""
    folders = [_files_folder("INBOX", FolderRole.INBOX, _maildir_files(root))]
    for sub in sorted(p for p in root.iterdir() if p.name.startswith(".") and p.is_dir()):
        if all((sub / part).is_dir() for part in _MAILDIR_PARTS):
            name = sub.name[1:].replace(".", "/")
            folders.append(_files_folder(name, _role(name, table), _maildir_files(sub)))
    return [folder for folder in folders if folder.role not in table.skip]


def _maildir_files(folder: Path) -> list[Path]:
    """Messages in a stable order: by the unique part of their name (flags after ':2,' change)."""
    files = [p for part in _MAILDIR_PARTS for p in (folder / part).iterdir() if p.is_file()]
    return sorted(files, key=lambda p: p.name.split(":2,", 1)[0])


def _eml_folders(root: Path, emls: list[Path], table: FolderTable) -> list[FileFolder]:
    """Each folder holding `.eml` files is a folder; its name (e.g. `Sent`) gives its role."""
    by_folder: dict[Path, list[Path]] = {}
    for eml in emls:
        by_folder.setdefault(eml.parent, []).append(eml)
    folders = []
    for parent, files in sorted(by_folder.items()):
        name = "." if parent == root else parent.relative_to(root).as_posix()
        folders.append(_files_folder(name, _role(parent.name, table) if parent != root else None, files))
    return [folder for folder in folders if folder.role not in table.skip]


def _files_folder(name: str, role: FolderRole | None, files: list[Path]) -> FileFolder:
    identity = [(p.name.split(":2,", 1)[0], _size(p)) for p in files]

    def messages() -> Iterator[Fetched]:
        for number, path in enumerate(files, start=1):
            try:
                raw = path.read_bytes()
            except OSError:  # vanished or unreadable: recorded and counted as a broken message
                raw = b""
            yield Fetched(number, canonical(raw))

    return FileFolder(name, role, _fingerprint(name, identity), messages, len(files))


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return -1
