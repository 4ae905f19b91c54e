"""Carnet never changes the seeker's mailbox.

A varied mailbox (seen and unseen, flagged, Sent, Archive, Trash, Junk, a message
above `max_message_bytes` read in parts) is synced through a recording proxy:
the server's folders, UIDs, flags and bytes are the same after as before, and
every command on the wire is a read-only one, every FETCH a BODY.PEEK.
"""

from __future__ import annotations

import re
from pathlib import Path

import mailgen
import synckit
from conftest import ImapAccount
from faultproxy import FaultProxy

#: What a sync may say to the server; anything else (SELECT, STORE, COPY, MOVE,
#: EXPUNGE, APPEND, CLOSE, CREATE, DELETE, RENAME, SUBSCRIBE, ...) fails the test.
READ_ONLY = {"CAPABILITY", "LOGIN", "LIST", "EXAMINE", "STATUS", "UID SEARCH", "UID FETCH", "LOGOUT", "NOOP", "ID"}
_COMMAND = re.compile(r"^(UID [A-Z]+|[A-Z]+)\b")
_FETCH_ITEM = re.compile(r"BODY\.PEEK\[[^\]]*\](?:<\d+\.\d+>)?|RFC822\.SIZE|BODYSTRUCTURE|UID|FLAGS|[^\s()]+")
_SAFE_ITEM = re.compile(r"BODY\.PEEK\[.*|RFC822\.SIZE|BODYSTRUCTURE|UID|FLAGS")


def varied_mailbox() -> list[mailgen.Mail]:
    """Small realistic mail plus Trash and Junk, flagged and unseen mail, and a big application."""
    mails = mailgen.mailbox(60, sample=16, duplicates=2, seed=11)
    corpus = [raw for _, raw in mailgen.corpus()[:6]]
    mails += [mailgen.Mail("Trash", mailgen.with_message_id(raw, f"trash-{i}@example.org"), ("\\Deleted",))
              for i, raw in enumerate(corpus[:3])]
    mails += [mailgen.Mail("Junk", mailgen.with_message_id(raw, f"junk-{i}@example.org"), ("\\Flagged",))
              for i, raw in enumerate(corpus[3:])]
    mails.append(mailgen.Mail("Sent", mailgen.big_application(300_000), ("\\Seen", "$Label1")))
    return mails


def test_a_full_sync_leaves_the_mailbox_exactly_as_it_was(tmp_path: Path, imap_user: ImapAccount) -> None:
    mailgen.seed(imap_user.server, imap_user.user, varied_mailbox())
    before = imap_user.snapshot()
    rt = synckit.runtime(f"sqlite:///{tmp_path / 'carnet.db'}", tmp_path, max_message_bytes=100_000, batch_size=7)
    with FaultProxy(imap_user.host, imap_user.port) as proxy:
        mailbox_id = synckit.link(rt, proxy.host, proxy.port, imap_user.user, imap_user.password)
        report = synckit.sync(rt, mailbox_id)
        resync = synckit.sync(rt, mailbox_id)
        sent = proxy.commands()

    assert report.errors == [] and report.new > 5
    assert resync.errors == [] and resync.messages == 0
    assert imap_user.snapshot() == before
    assert {"Archive", "Trash", "Junk", "Sent"} <= set(before)
    assert any(flags == () for _, entries in before.values() for _, flags, _ in entries)  # unseen mail was there
    used = {_command(line) for line in sent}
    assert used <= READ_ONLY, used - READ_ONLY
    assert {"EXAMINE", "STATUS", "UID FETCH"} <= used  # STATUS: the resync found nothing new
    assert _unsafe_fetch_items(sent) == set()
    assert any("BODYSTRUCTURE" in line for line in sent)  # the big one was read in parts


def _command(line: str) -> str:
    found = _COMMAND.match(line.upper())
    return found.group(1) if found else line[:20]


def _unsafe_fetch_items(lines: list[str]) -> set[str]:
    """FETCH items that could set \\Seen or are not known to be harmless."""
    unsafe = set()
    for line in lines:
        if not line.upper().startswith("UID FETCH"):
            continue
        items = line.split(" ", 3)[3]
        unsafe |= {item for item in _FETCH_ITEM.findall(items.upper()) if not _SAFE_ITEM.fullmatch(item)}
    return unsafe
