"""Reading one folder, read-only: status, new UIDs, triage, then whole messages.

Per folder (after nylas' sync engine):

    EXAMINE ──▶ UIDVALIDITY changed? ──yes──▶ restart from UID 0 (content identity
       │                                        prevents doubles)
       no
       ▼
    UID SEARCH last_uid+1:* ──▶ batches of N UIDs ──▶ FETCH headers + size
       ──▶ triage ──▶ FETCH BODY.PEEK[] of candidates ──▶ caller records the batch
       and its checkpoint in one transaction

Only EXAMINE and BODY.PEEK are used: the server's flags never change.
"""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import imapclient

from ingest.parse import decode_header_value

TRIAGE_HEADERS = (
    "FROM TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO REFERENCES LIST-ID LIST-UNSUBSCRIBE "
    "PRECEDENCE AUTO-SUBMITTED X-AUTO-RESPONSE-SUPPRESS CONTENT-TYPE"
)
_HEADER_ITEM = f"BODY.PEEK[HEADER.FIELDS ({TRIAGE_HEADERS})]"
_HEADER_KEY = f"BODY[HEADER.FIELDS ({TRIAGE_HEADERS})]".encode()


@dataclass(frozen=True)
class FolderStatus:
    uidvalidity: int
    uidnext: int | None
    highestmodseq: int | None
    exists: int


@dataclass(frozen=True)
class Envelope:
    """The headers triage reads, decoded, lower-case names."""

    uid: int
    size: int
    headers: dict[str, str]


@dataclass(frozen=True)
class Fetched:
    uid: int
    raw: bytes


@dataclass(frozen=True)
class Batch:
    """One batch of a folder: the candidates' bytes, and the highest UID it covers."""

    last_uid: int
    fetched: list[Fetched]
    skipped: int
    too_large: list[Envelope]


def examine(client: imapclient.IMAPClient, folder: str) -> FolderStatus:
    """Select a folder read-only (EXAMINE)."""
    info = client.select_folder(folder, readonly=True)
    return FolderStatus(
        uidvalidity=int(info[b"UIDVALIDITY"]),
        uidnext=int(info[b"UIDNEXT"]) if b"UIDNEXT" in info else None,
        highestmodseq=int(info[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in info else None,
        exists=int(info.get(b"EXISTS", 0)),
    )


def new_uids(client: imapclient.IMAPClient, last_uid: int) -> list[int]:
    """UIDs above the checkpoint; `n:*` also returns the last message, hence the filter."""
    return sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)


def read_batches(
    client: imapclient.IMAPClient,
    uids: Sequence[int],
    batch_size: int,
    is_candidate: Callable[[Envelope], bool],
    max_bytes: int,
) -> Iterator[Batch]:
    """Yield the folder's new messages batch by batch; nothing is dropped silently.

    Non-candidates are read (headers) and forgotten; candidates above `max_bytes`
    are returned apart so the caller can record why they were not downloaded.
    """
    for start in range(0, len(uids), batch_size):
        chunk = list(uids[start : start + batch_size])
        envelopes = fetch_envelopes(client, chunk)
        wanted = [env for env in envelopes if is_candidate(env)]
        small = [env.uid for env in wanted if env.size <= max_bytes]
        yield Batch(
            last_uid=chunk[-1],
            fetched=fetch_bodies(client, small),
            skipped=len(envelopes) - len(wanted),
            too_large=[env for env in wanted if env.size > max_bytes],
        )


def fetch_envelopes(client: imapclient.IMAPClient, uids: Sequence[int]) -> list[Envelope]:
    if not uids:
        return []
    response = client.fetch(uids, [_HEADER_ITEM, "RFC822.SIZE"])
    envelopes = []
    for uid in sorted(response):
        data = response[uid]
        raw = data.get(_HEADER_KEY) or b""
        envelopes.append(Envelope(uid=uid, size=int(data.get(b"RFC822.SIZE", 0)), headers=parse_headers(raw)))
    return envelopes


def parse_headers(raw: bytes) -> dict[str, str]:
    parsed = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    return {name.lower(): " ".join(decode_header_value(str(value)).split()) for name, value in parsed.items()}


def fetch_bodies(client: imapclient.IMAPClient, uids: Sequence[int]) -> list[Fetched]:
    if not uids:
        return []
    response = client.fetch(uids, ["BODY.PEEK[]"])
    return [Fetched(uid=uid, raw=response[uid].get(b"BODY[]") or b"") for uid in sorted(response)]
