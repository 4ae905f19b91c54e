"""Bad input never stops a sync: the real-world MIME corpus through Dovecot, and huge messages.

Every message of the shared MIME corpus (1,357 real messages from 17 parser
projects' test suites, much of it malformed on purpose), plus a few hostile
ones, is appended to a test user's INBOX and Sent, and one sync on SQLite must
read them all without an error, record exactly the unparseable candidates in
`parse_failures` (folder, UID, reason) and report counts that agree with the
database. Messages of 50 MB
and of 10,000 MIME parts go through parse + classify in a subprocess whose peak
memory is measured (`benchmarks/bench_memory.py --child`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import imapclient
import pytest
import synckit
from carnet.classify.triage import is_candidate
from carnet.ingest.fetch import fetch_bodies, fetch_envelopes, parse_headers
from carnet.ingest.message import ParseError
from carnet.ingest.parse import parse_addresses, parse_message
from carnet.store.db import transaction
from carnet.store.models import Event, FolderState, ParseFailure
from conftest import ImapAccount
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
MIME_CORPUS = ROOT.parent / "shared" / "corpus" / "mime"
CORPUS_FILES = sorted(p for p in MIME_CORPUS.rglob("*") if p.is_file() and p.suffix not in (".md", ".tsv"))
FOLDERS = {"INBOX": "inbox", "Sent": "sent"}
#: Besides the corpus, in both folders: a blank message, and a reply to an application
#: nested 1,000 messages deep (beyond Python's recursion limit: read as far as the limit).
UNPARSEABLE = (
    b" \r\n\r\n \r\n",
    b"From: RH <rh@acme.fr>\r\nSubject: Votre candidature\r\n" + b"Content-Type: message/rfc822\r\n\r\n" * 1000,
)
#: Header lines that once made header decoding raise (a non-ASCII charset name, a NUL in
#: an RFC 2231 charset): triage decodes fetched headers, so each failed the whole pass.
HOSTILE_HEADERS = (
    b"Subject: =?\xffoi8-r?q?candidature?=",
    b"Content-Type: text/plain; charset*=utf\x00-8''x",
    b"From: =?x-unknown?b?////?= <rh@acme.fr>",
    b"Subject: =?utf-8?q?caf=E9=?= =?\xc3\xa9?b?AA==?=",
)
SYNC_SECONDS = 900  # against hangs only: a pass takes about a minute
HUGE_SECONDS = 120
RSS_BOUND_MB = 400

Appended = dict[str, dict[int, str]]  # folder -> uid -> name of the message


def test_the_mime_corpus_is_there() -> None:
    assert len(CORPUS_FILES) >= 1350, f"expected the shared MIME corpus at {MIME_CORPUS}"


@pytest.mark.slow
def test_the_mime_corpus_syncs_end_to_end(tmp_path: Path, imap_user: ImapAccount) -> None:
    appended, refused = append_all(imap_user, _messages())
    assert not refused, f"Dovecot refused {len(refused)} messages: {refused}"
    expected = expected_failures(imap_user, appended)
    assert expected, "the mailbox must hold unparseable candidates, or the test proves nothing"
    rt = synckit.runtime(f"sqlite:///{tmp_path / 'carnet.db'}", tmp_path / "data")
    mailbox_id = synckit.link(rt, imap_user.host, imap_user.port, imap_user.user, imap_user.password)

    started = time.monotonic()
    report = synckit.sync(rt, mailbox_id)
    elapsed = time.monotonic() - started

    assert elapsed < SYNC_SECONDS, f"the sync took {elapsed:.0f} s"
    assert not report.errors
    failures, events, checkpoints = _stored(rt.factory, mailbox_id)
    assert {(f, uid) for f, uid, _ in failures} == set(expected)
    assert all(reason == expected[(f, uid)] for f, uid, reason in failures)
    assert report.messages == sum(len(uids) for uids in appended.values())
    assert (report.failed, report.new) == (len(failures), events)
    assert checkpoints == {folder: max(uids) for folder, uids in appended.items()}
    again = synckit.sync(rt, mailbox_id)
    assert (again.messages, again.new, again.failed, again.errors) == (0, 0, 0, [])


def _messages() -> Iterator[tuple[str, str, bytes]]:
    """(folder, name, bytes): the corpus spread over INBOX and Sent, then the unparseable ones in both."""
    for index, path in enumerate(CORPUS_FILES):
        yield ("INBOX", "Sent")[index % 2], str(path.relative_to(MIME_CORPUS)), path.read_bytes()
    for index, raw in enumerate(UNPARSEABLE):
        for folder in FOLDERS:
            yield folder, f"unparseable-{index}", raw
    for index, header in enumerate(HOSTILE_HEADERS):
        for folder in FOLDERS:
            yield folder, f"hostile-{index}", _with_header(header)


def _with_header(header: bytes) -> bytes:
    return b"From: RH <rh@acme.fr>\r\n" + header + b"\r\nMIME-Version: 1.0\r\n\r\nBonjour, entretien demain ?\r\n"


@pytest.mark.parametrize("header", HOSTILE_HEADERS)
def test_hostile_headers_stop_neither_triage_nor_parsing(header: bytes) -> None:
    raw = _with_header(header)
    assert parse_addresses(parse_headers(raw)["from"])[0].email == "rh@acme.fr"
    assert parse_message(raw).sender.email == "rh@acme.fr"


def append_all(account: ImapAccount, messages: Iterator[tuple[str, str, bytes]]) -> tuple[Appended, dict[str, str]]:
    """APPEND one by one, so that a refused message is named with the server's reason."""
    appended: Appended = {folder: {} for folder in FOLDERS}
    refused: dict[str, str] = {}
    with account.server.client(account.user) as imap:
        for folder, name, raw in messages:
            try:
                answer = imap.append(folder, raw)
            except imapclient.exceptions.IMAPClientError as exc:
                refused[name] = str(exc)
                continue
            uid = int(answer.decode().split("APPENDUID", 1)[1].split("]", 1)[0].split()[1])
            appended[folder][uid] = name
    return appended, refused


def expected_failures(account: ImapAccount, appended: Appended) -> dict[tuple[str, int], str]:
    """(folder, uid) -> reason of every message triage lets through and parsing refuses.

    Computed from the bytes and headers Dovecot serves (it may rewrite line ends),
    read-only, the way the sync reads them; the seeker has no known address yet.
    """
    expected = {}
    with account.server.client(account.user) as imap:
        for folder, role in FOLDERS.items():
            imap.select_folder(folder, readonly=True)
            uids = sorted(appended[folder])
            wanted = [env.uid for env in fetch_envelopes(imap, uids) if _candidate(env.headers, role)]
            for fetched in fetch_bodies(imap, wanted):
                try:
                    parse_message(fetched.raw)
                except ParseError as exc:
                    expected[(folder, fetched.uid)] = str(exc)
    return expected


def _candidate(headers: dict[str, str], role: str) -> bool:
    sender = next(iter(parse_addresses(headers.get("from"))), None)
    return is_candidate(headers.get("subject", ""), sender, headers, role, frozenset())


def _stored(factory, mailbox_id: int) -> tuple[list[tuple[str, int, str]], int, dict[str, int]]:
    """Parse failures (folder, uid, reason), the number of events, and each folder's last UID."""
    with transaction(factory) as session:
        failures = session.execute(
            select(ParseFailure.folder, ParseFailure.uid, ParseFailure.reason).where(
                ParseFailure.mailbox_id == mailbox_id)).all()
        events = session.scalar(select(func.count(Event.id))) or 0
        states = session.execute(select(FolderState.name, FolderState.last_uid).where(
            FolderState.mailbox_id == mailbox_id)).all()
    return [tuple(row) for row in failures], events, {name: uid for name, uid in states if name in FOLDERS}


# -- huge messages: parse + classify in a subprocess, peak memory measured ---------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("shape", "expected_text", "expected_attachment"),
    [
        ("attachment-50mb", "candidature", "cv-portfolio.pdf"),
        ("text-50mb", "candidature", None),
        ("parts-10000", "partie 0 ", None),
        ("nested-5000", "", None),
    ],
)
def test_huge_messages_are_parsed_and_classified_with_bounded_memory(
    shape: str, expected_text: str, expected_attachment: str | None
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_memory.py"), "--child", shape],
        capture_output=True, text=True, timeout=HUGE_SECONDS * 2, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.splitlines()[-1])
    assert figures["peak_rss_mb"] <= RSS_BOUND_MB, figures
    assert figures["seconds"] <= HUGE_SECONDS, figures
    assert expected_text in figures["text_start"].lower(), figures
    if expected_attachment:
        assert expected_attachment in figures["attachments"], figures
