"""Folder roles: SPECIAL-USE flags first, then a table of localized names."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files


class FolderRole(StrEnum):
    """What a folder holds; stored as these strings (`FolderState.role`)."""

    INBOX = "inbox"
    SENT = "sent"
    DRAFTS = "drafts"
    TRASH = "trash"
    JUNK = "junk"
    ARCHIVE = "archive"
    ALL = "all"
    FLAGGED = "flagged"
    IMPORTANT = "important"


#: The SPECIAL-USE flags (RFC 6154) are the roles' names: \\Sent, \\Drafts, …
_SPECIAL_USE = {f"\\{role}".encode(): role for role in FolderRole if role is not FolderRole.INBOX}


@dataclass(frozen=True)
class Folder:
    name: str
    role: FolderRole | None


@dataclass(frozen=True)
class FolderTable:
    roles: dict[str, FolderRole]
    skip: frozenset[FolderRole]


@cache
def folder_table() -> FolderTable:
    """The localized-names table from `config/folders.toml`."""
    data = tomllib.loads((files("carnet.config") / "folders.toml").read_text(encoding="utf-8"))
    roles = {name.casefold(): FolderRole(role) for role, names in data["roles"].items() for name in names}
    return FolderTable(roles=roles, skip=frozenset(FolderRole(role) for role in data["skip"]))


def folder_role(name: str, flags: Iterable[bytes], delimiter: str | None, table: FolderTable) -> FolderRole | None:
    """The role of one folder: announced SPECIAL-USE wins, else its name."""
    for flag in flags:
        role = _SPECIAL_USE.get(flag.lower())
        if role:
            return role
    if name.upper() == "INBOX":
        return FolderRole.INBOX
    leaf = name.rsplit(delimiter, 1)[-1] if delimiter else name
    return table.roles.get(name.casefold()) or table.roles.get(leaf.casefold())


def classify_folders(
    listing: Iterable[tuple[tuple[bytes, ...], bytes | str | None, str]],
    table: FolderTable | None = None,
) -> list[Folder]:
    """Selectable folders to sync, from an IMAP LIST answer, with their roles."""
    table = table or folder_table()
    folders = []
    for flags, delimiter, name in listing:
        if any(flag.lower() in (b"\\noselect", b"\\nonexistent") for flag in flags):
            continue
        sep = delimiter.decode() if isinstance(delimiter, bytes) else delimiter
        role = folder_role(name, flags, sep, table)
        if role not in table.skip:
            folders.append(Folder(name=name, role=role))
    return sorted(folders, key=_sync_order)


def _sync_order(folder: Folder) -> tuple[int, str]:
    """Sent first: replies link to applications, so applications should be known first."""
    order = {FolderRole.SENT: 0, FolderRole.INBOX: 1}.get(folder.role, 2)
    return order, folder.name
