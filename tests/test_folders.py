"""Folder roles from SPECIAL-USE first, then localized names."""

from __future__ import annotations

from carnet.ingest.folders import classify_folders


def roles(listing):
    return {folder.name: folder.role for folder in classify_folders(listing)}


def test_special_use_wins_over_the_name() -> None:
    found = roles([((b"\\HasNoChildren", b"\\Sent"), b"/", "Éléments envoyés"), ((), b"/", "INBOX")])
    assert found == {"Éléments envoyés": "sent", "INBOX": "inbox"}


def test_localized_names_without_special_use() -> None:
    listing = [
        ((), b"/", "Sent Items"),
        ((), b".", "INBOX.Messages envoyés"),
        ((b"\\HasNoChildren",), b"/", "[Gmail]/Sent Mail"),
        ((), b"/", "Corbeille"),
        ((), b"/", "Candidatures"),
    ]
    assert roles(listing) == {
        "Sent Items": "sent",
        "INBOX.Messages envoyés": "sent",
        "[Gmail]/Sent Mail": "sent",
        "Corbeille": "trash",
        "Candidatures": None,
    }


def test_drafts_all_mail_and_unselectable_folders_are_not_synced() -> None:
    listing = [
        ((b"\\Drafts",), b"/", "Brouillons"),
        ((b"\\All",), b"/", "[Gmail]/All Mail"),
        ((b"\\Noselect",), b"/", "[Gmail]"),
        ((), b"/", "[Gmail]/Important"),
        ((), b"/", "INBOX"),
    ]
    assert roles(listing) == {"INBOX": "inbox"}


def test_sent_folders_come_first() -> None:
    listing = [((), b"/", "INBOX"), ((), b"/", "Archives"), ((b"\\Sent",), b"/", "Sent")]
    assert [f.name for f in classify_folders(listing)] == ["Sent", "INBOX", "Archives"]
