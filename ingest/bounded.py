"""Raw message bytes cut down to what parsing needs, so that its cost is bounded.

Python's MIME parser holds about eight times a message's size in memory (a
50 MB attachment costs 400 MB) and makes one object per part (a part bomb of
tiny parts costs gigabytes). Evidence lies in headers, text bodies and the names
of attachments, never in the attachments' bytes, so before parsing:

- the body of every non-text part (PDF, image, archive…) above `SMALL_BODY_BYTES`
  is dropped; its headers stay, with the dropped length in an `X-Carnet-Elided`
  header (small ones stay: mail-parser reads some oddly typed parts as text);
- text bodies (text, message and multipart preambles) are kept up to
  `PART_TEXT_BYTES` each and `TOTAL_TEXT_BYTES` in all, cut at a line end;
- a header block is kept up to `HEADER_BYTES`;
- parts after the first `MAX_PARTS` are dropped (this also bounds nesting).

Parts are found by their boundary lines (`--` followed by a boundary declared
somewhere in the message), without parsing. Every cut is reported as a defect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_PARTS = 500
HEADER_BYTES = 256 * 1024
SMALL_BODY_BYTES = 16 * 1024
PART_TEXT_BYTES = 1024 * 1024
TOTAL_TEXT_BYTES = 2 * 1024 * 1024
ELIDED_HEADER = "X-Carnet-Elided"

_BOUNDARY_PARAM = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.I)
_LINE = re.compile(rb"[^\r\n]*")
_KEYWORD = b"boundary"
SCAN_WINDOW = 1024 * 1024
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_CONTENT_TYPE = re.compile(rb"^content-type[ \t]*:[ \t]*([!-~]+?)[ \t]*(?:;|\r?$)", re.I | re.M)
_TEXT_TYPES = (b"text/", b"message/", b"multipart/")

DEFECT_PARTS = "carnet:parts-capped"
DEFECT_TEXT = "carnet:text-truncated"
DEFECT_HEADERS = "carnet:headers-truncated"
DEFECT_ELIDED = "carnet:attachment-bytes-skipped"


@dataclass(frozen=True)
class Bounded:
    """The bytes to parse, and what was cut from the original to get them."""

    raw: bytes
    defects: tuple[str, ...]


def bound(raw: bytes) -> Bounded:
    """`raw` with attachment bodies dropped and text, headers and parts capped."""
    cuts = _Cuts()
    spans = _part_spans(raw)
    if len(spans) > MAX_PARTS:
        spans = spans[:MAX_PARTS]
        cuts.defects.add(DEFECT_PARTS)
    kept = [_bound_part(raw, start, end, cuts) for start, end in spans]
    return Bounded(b"".join(kept), tuple(sorted(cuts.defects)))


@dataclass
class _Cuts:
    """What is left of the text budget, and the cuts made so far."""

    text_left: int = TOTAL_TEXT_BYTES
    defects: set[str] = field(default_factory=set)


def _part_spans(raw: bytes) -> list[tuple[int, int]]:
    """(start, end) of the message's headers, then of each piece that begins at a boundary line."""
    boundaries = _declared_boundaries(raw)
    starts = [0]
    if boundaries:
        starts += [start for start, line in _dash_lines(raw) if _is_boundary(line, boundaries)]
    ends = [*starts[1:], len(raw)]
    return [(start, end) for start, end in zip(starts, ends, strict=True) if end > start]


def _declared_boundaries(raw: bytes) -> set[bytes]:
    """Every boundary a `boundary=` parameter declares anywhere in the message.

    A case-insensitive regex search runs a slow loop over every byte (over a 500 KB
    attachment too); the lowered copy of one window at a time lets `bytes.find` do
    it, and the regex only runs where "boundary" is."""
    found: set[bytes] = set()
    for offset in range(0, len(raw), SCAN_WINDOW):
        window = raw[offset : offset + SCAN_WINDOW + len(_KEYWORD) - 1].lower()
        at = window.find(_KEYWORD)
        while at != -1:
            match = _BOUNDARY_PARAM.match(raw, offset + at)
            if match:
                found.add(match.group(1) or match.group(2))
            at = window.find(_KEYWORD, at + 1)
    return found


def _dash_lines(raw: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, line) of every line starting with "--" (`bytes.find`, not a multi-line regex)."""
    start = 0 if raw.startswith(b"--") else _next_line(raw, 0)
    while start != -1:
        line = _LINE.match(raw, start)
        yield start, line.group() if line else b""
        start = _next_line(raw, start + 1)


def _next_line(raw: bytes, position: int) -> int:
    found = raw.find(b"\n--", position)
    return found + 1 if found != -1 else -1


def _is_boundary(line: bytes, boundaries: set[bytes]) -> bool:
    name = line[2:].rstrip()
    return name in boundaries or (name.endswith(b"--") and name[:-2] in boundaries)


def _bound_part(raw: bytes, start: int, end: int, cuts: _Cuts) -> bytes:
    """One part copied with its headers capped, and its body kept, cut or elided.

    Offsets rather than slices, so that a 50 MB attachment is never copied.
    """
    blank = _BLANK_LINE.search(raw, start, end)
    head_end, body_start = (blank.start(), blank.end()) if blank else (end, end)
    head, gap = _head(raw[start : min(head_end, start + HEADER_BYTES + 1)], cuts), raw[head_end:body_start]
    body_length = end - body_start
    if body_length == 0:
        return head + gap
    if _is_text(head):
        return head + gap + _text_body(raw, body_start, end, cuts)
    if body_length <= SMALL_BODY_BYTES:
        return head + gap + raw[body_start:end]
    cuts.defects.add(DEFECT_ELIDED)
    newline = b"\r\n" if gap.startswith(b"\r") else b"\n"
    return head + newline + f"{ELIDED_HEADER}: {body_length}".encode() + gap


def _head(head: bytes, cuts: _Cuts) -> bytes:
    if len(head) <= HEADER_BYTES:
        return head
    cuts.defects.add(DEFECT_HEADERS)
    return _cut(head, HEADER_BYTES)


def _text_body(raw: bytes, start: int, end: int, cuts: _Cuts) -> bytes:
    allowed = min(PART_TEXT_BYTES, cuts.text_left)
    body = raw[start : min(end, start + allowed)]
    if end - start > allowed:
        body = _cut(body, allowed)
        cuts.defects.add(DEFECT_TEXT)
    cuts.text_left -= len(body)
    return body


def _is_text(head: bytes) -> bool:
    """Text unless a valid Content-Type says otherwise (RFC 2045's default is text/plain)."""
    match = _CONTENT_TYPE.search(head)
    ctype = match.group(1).lower() if match else b""
    return b"/" not in ctype or ctype.startswith(_TEXT_TYPES)


def _cut(data: bytes, limit: int) -> bytes:
    """At most `limit` bytes of `data`, ending at a line end when there is one."""
    head = data[:limit]
    end = head.rfind(b"\n")
    return head[: end + 1] if end > 0 else head
