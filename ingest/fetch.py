"""Reading one folder, read-only: status, new UIDs, triage, then whole messages.

Per folder (after nylas' sync engine):

    EXAMINE ──▶ UIDVALIDITY changed? ──yes──▶ restart from UID 0 (content identity
       │                                        prevents doubles)
       no
       ▼
    UID SEARCH last_uid+1:* ──▶ batches of N UIDs ──▶ FETCH headers + size
       ──▶ triage ──▶ FETCH BODY.PEEK[] of candidates ──▶ caller records the batch
       and its checkpoint in one transaction

A batch holds at most `batch_size` UIDs and about `MAX_BATCH_BYTES` of candidate
bytes, so memory stays bounded whatever the mailbox holds. A candidate above
`max_bytes` is never read whole at once: its header, BODYSTRUCTURE and text parts
are enough to classify it (`Partial`), and only if it is evidence does the
caller stream it (`stream_message`) in `CHUNK_BYTES` pieces, hashing and
compressing as the pieces come, so its SHA-256 is that of the whole message.

Only EXAMINE and BODY.PEEK are used: the server's flags never change.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import re
import zlib
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass

import imapclient
from carnet.ingest.message import Attachment
from carnet.ingest.parse import decode_header_value
from imapclient.response_types import BodyData

#: What `classify.triage` reads, and nothing more: every byte is read for every message of the
#: mailbox, and the client lexes the echoed field list of every FETCH answer.
TRIAGE_HEADERS = "FROM SUBJECT IN-REPLY-TO REFERENCES LIST-ID LIST-UNSUBSCRIBE PRECEDENCE"
_HEADER_ITEM = f"BODY.PEEK[HEADER.FIELDS ({TRIAGE_HEADERS})]"
_HEADER_KEY = f"BODY[HEADER.FIELDS ({TRIAGE_HEADERS})]".encode()
MAX_BATCH_BYTES = 32 * 1024 * 1024
CHUNK_BYTES = 4 * 1024 * 1024
#: How much of each text part of an oversized message is read to classify it.
MAX_TEXT_PART_BYTES = 1024 * 1024
_READABLE = {(b"text", b"plain"), (b"text", b"html")}
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


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
class Partial:
    """An oversized candidate as far as classifying it needs: a MIME message made of
    its header and its text parts, and its attachments as BODYSTRUCTURE lists them."""

    uid: int
    size: int
    reduced: bytes
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True)
class Streamed:
    """A whole message read in pieces: its SHA-256, size, zlib-compressed bytes
    (left in the bytearray they were built in: turning it into bytes would copy it),
    and its header as the first piece holds it."""

    sha256: str
    size: int
    compressed: bytearray
    header: bytes = b""


@dataclass(frozen=True)
class Batch:
    """One batch of a folder: the candidates' bytes, and the highest UID it covers."""

    last_uid: int
    fetched: list[Fetched]
    skipped: int
    partial: list[Partial]


def examine(client: imapclient.IMAPClient, folder: str) -> int:
    """Select a folder read-only (EXAMINE); its UIDVALIDITY."""
    return int(client.select_folder(folder, readonly=True)[b"UIDVALIDITY"])


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
    come as `Partial` (header and text parts only).
    """
    for start in range(0, len(uids), batch_size):
        envelopes = fetch_envelopes(client, list(uids[start : start + batch_size]))
        wanted = {env.uid for env in envelopes if is_candidate(env)}
        for group in split_by_bytes(envelopes, wanted, max_bytes):
            yield _read_group(client, group, wanted, max_bytes)


def split_by_bytes(envelopes: Sequence[Envelope], wanted: Set[int], max_bytes: int,
                   budget: int = MAX_BATCH_BYTES) -> Iterator[list[Envelope]]:
    """Consecutive groups whose whole-fetched candidates (UIDs in `wanted`) add up to about `budget` bytes at most."""
    group: list[Envelope] = []
    used = 0
    for envelope in envelopes:
        size = envelope.size if envelope.size <= max_bytes and envelope.uid in wanted else 0
        if group and used + size > budget:
            yield group
            group, used = [], 0
        group.append(envelope)
        used += size
    if group:
        yield group


def _read_group(client: imapclient.IMAPClient, group: list[Envelope], wanted: Set[int], max_bytes: int) -> Batch:
    candidates = [env for env in group if env.uid in wanted]
    return Batch(
        last_uid=group[-1].uid,
        fetched=fetch_bodies(client, [env.uid for env in candidates if env.size <= max_bytes]),
        skipped=len(group) - len(candidates),
        partial=[fetch_partial(client, env) for env in candidates if env.size > max_bytes],
    )


def fetch_envelopes(client: imapclient.IMAPClient, uids: Sequence[int]) -> list[Envelope]:
    if not uids:
        return []
    response = client.fetch(uids, [_HEADER_ITEM, "RFC822.SIZE"])
    envelopes = []
    for uid in sorted(response):
        data = response[uid]
        raw = _header_fields(data)
        envelopes.append(Envelope(uid=uid, size=int(data.get(b"RFC822.SIZE", 0)), headers=parse_headers(raw)))
    return envelopes


def _header_fields(data: dict[bytes, object]) -> bytes:
    """The HEADER.FIELDS answer, whatever spelling the server echoes its key in (quoted names, case)."""
    exact = data.get(_HEADER_KEY)
    if isinstance(exact, bytes):
        return exact
    found = next((v for k, v in data.items() if k.upper().startswith(b"BODY[HEADER.FIELDS")), b"")
    return found if isinstance(found, bytes) else b""


def parse_headers(raw: bytes) -> dict[str, str]:
    parsed = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    return {name.lower(): " ".join(decode_header_value(str(value)).split()) for name, value in parsed.items()}


def fetch_bodies(client: imapclient.IMAPClient, uids: Sequence[int]) -> list[Fetched]:
    if not uids:
        return []
    response = client.fetch(uids, ["BODY.PEEK[]"])
    return [Fetched(uid=uid, raw=response[uid].get(b"BODY[]") or b"") for uid in sorted(response)]


def fetch_partial(client: imapclient.IMAPClient, envelope: Envelope) -> Partial:
    """An oversized message's header and the start of its text parts, as one small MIME message."""
    uid = envelope.uid
    structure = client.fetch([uid], ["BODYSTRUCTURE", "BODY.PEEK[HEADER]"])[uid]
    leaves = list(body_leaves(structure[b"BODYSTRUCTURE"]))
    texts = [(section, leaf) for section, leaf in leaves if _is_readable(leaf)]
    items = [f"BODY.PEEK[{section}]<0.{MAX_TEXT_PART_BYTES}>" for section, _ in texts]
    bodies = client.fetch([uid], items)[uid] if items else {}
    parts = [(leaf, bodies.get(f"BODY[{section}]<0>".encode()) or b"") for section, leaf in texts]
    attachments = tuple(_attachment(leaf) for _, leaf in leaves if not _is_readable(leaf))
    return Partial(uid, envelope.size, reduced_message(structure.get(b"BODY[HEADER]") or b"", parts), attachments)


def body_leaves(body: BodyData, prefix: str = "") -> Iterator[tuple[str, BodyData]]:
    """(section, part) of every non-multipart part, sections numbered as FETCH BODY[...] wants."""
    if not body.is_multipart:
        yield prefix or "1", body
        return
    for index, part in enumerate(body[0], start=1):
        yield from body_leaves(part, f"{prefix}{index}" if not prefix else f"{prefix}.{index}")


def _disposition(leaf: BodyData) -> tuple[bytes, dict[bytes, bytes]]:
    """Content-Disposition of a part: its position in BODYSTRUCTURE depends on the type."""
    kind = (bytes(leaf[0]).lower(), bytes(leaf[1]).lower())
    index = 9 if kind[0] == b"text" else 11 if kind == (b"message", b"rfc822") else 8
    value = leaf[index] if len(leaf) > index else None
    if not isinstance(value, tuple) or not value:
        return b"", {}
    return bytes(value[0]).lower(), _params(value[1] if len(value) > 1 else None)


def _params(value: object) -> dict[bytes, bytes]:
    if not isinstance(value, tuple):
        return {}
    return {bytes(value[i]).lower(): bytes(value[i + 1]) for i in range(0, len(value) - 1, 2)}


def _filename(leaf: BodyData) -> str:
    params = _disposition(leaf)[1]
    raw = params.get(b"filename") or _params(leaf[2]).get(b"name") or b""
    return decode_header_value(raw.decode("utf-8", "replace"))


def _is_readable(leaf: BodyData) -> bool:
    kind = (bytes(leaf[0]).lower(), bytes(leaf[1]).lower())
    return kind in _READABLE and _disposition(leaf)[0] != b"attachment" and not _filename(leaf)


def _attachment(leaf: BodyData) -> Attachment:
    content_type = f"{bytes(leaf[0]).decode('ascii', 'replace')}/{bytes(leaf[1]).decode('ascii', 'replace')}"
    return Attachment(filename=_filename(leaf), content_type=content_type.lower(), size=int(leaf[6] or 0))


def reduced_message(header: bytes, parts: Sequence[tuple[BodyData, bytes]]) -> bytes:
    """The header, its own MIME lines replaced, over a multipart of the given text parts."""
    boundary = b"carnet-reduced-" + hashlib.sha256(header).hexdigest()[:16].encode()
    lines = [line for line in _unfolded(header) if not line.lower().startswith((b"content-type:",
                                                                                 b"content-transfer-encoding:"))]
    lines.append(b'Content-Type: multipart/mixed; boundary="' + boundary + b'"')
    out = [b"\r\n".join(lines), b"\r\n\r\n"]
    for leaf, body in parts:
        out += [b"--", boundary, b"\r\n", _part_header(leaf), b"\r\n\r\n", body, b"\r\n"]
    out += [b"--", boundary, b"--\r\n"]
    return b"".join(out)


def _unfolded(header: bytes) -> list[bytes]:
    """Header lines, continuation lines joined to the line they continue."""
    lines: list[bytes] = []
    for line in header.replace(b"\r\n", b"\n").split(b"\n"):
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1] += b"\r\n" + line
        elif line.strip():
            lines.append(line)
    return lines


def _part_header(leaf: BodyData) -> bytes:
    params = b"".join(b'; ' + key + b'="' + value + b'"' for key, value in _params(leaf[2]).items())
    encoding = bytes(leaf[5] or b"7bit")
    return b"Content-Type: " + bytes(leaf[0]) + b"/" + bytes(leaf[1]) + params + \
        b"\r\nContent-Transfer-Encoding: " + encoding


def stream_message(client: imapclient.IMAPClient, uid: int, chunk: int = CHUNK_BYTES) -> Streamed:
    """The whole message in `chunk`-sized partial fetches, hashed and compressed on the way."""
    digest, packer, packed, offset, header = hashlib.sha256(), zlib.compressobj(6), bytearray(), 0, b""
    while True:
        data = client.fetch([uid], [f"BODY.PEEK[]<{offset}.{chunk}>"]).get(uid, {}).get(f"BODY[]<{offset}>".encode())
        header = header or _header_block(data or b"")
        digest.update(data or b"")
        packed += packer.compress(data or b"")
        offset += len(data or b"")
        if not data or len(data) < chunk:
            break
    packed += packer.flush()
    return Streamed(digest.hexdigest(), offset, packed, header)


def _header_block(data: bytes) -> bytes:
    """The header of a message whose first bytes are `data`, blank line included."""
    blank = _BLANK_LINE.search(data)
    return data[: blank.end()] if blank else data
