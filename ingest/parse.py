"""Raw RFC 5322 bytes → `Message`, through mail-parser.

Parsing never raises anything but `ParseError`: real mail is full of broken
MIME, unknown charsets and bad dates, and one bad message must not stop a pass.
When mail-parser itself fails on a malformed structure, the standard library's
lenient parser reads the same bytes and the failure is kept as a defect.

Either parser reads the message `ingest.bounded` cut down (attachment bodies
dropped, text and parts capped), so that time and memory stay bounded whatever
the size; `sha256` and `size` are those of the original bytes.

Bad input degrades, it is not refused: a structure nested beyond the parsers'
depth limit (Python's recursion limit) is read as far as the limit, from its
headers and the parts before it, and the cut is kept as a defect. That holds for
MIME parts nested in parts and for address lists nested in groups alike.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.message
import email.policy
import email.utils
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from carnet.ingest.bounded import ELIDED_HEADER, bound
from carnet.ingest.message import Address, Attachment, Message, ParseError

log = logging.getLogger(__name__)
logging.getLogger("mailparser").setLevel(logging.ERROR)

# Longer bodies are cut: evidence is stated early, and classification time stays bounded.
MAX_TEXT_CHARS = 100_000
#: A message nested too deeply is read again from the first half of its bytes, at most this many times.
MAX_SHALLOWER = 16
DEFECT_NESTING = "carnet:nested-too-deeply"
DEFECT_ADDRESSES = "carnet:addresses-nested-too-deeply"


@dataclass(frozen=True)
class _Parts:
    """What either parser extracted, before it becomes a `Message`."""

    message: email.message.Message
    plain: tuple[str, ...]
    html: tuple[str, ...]
    attachments: tuple[Attachment, ...]
    defects: tuple[str, ...]


def parse_message(raw: bytes) -> Message:
    """Parse raw message bytes; raise `ParseError` with a readable reason on failure."""
    if not raw or not raw.strip():
        raise ParseError("empty message")
    bounded = bound(raw)
    readable, cuts = bounded.raw, bounded.defects
    for _attempt in range(MAX_SHALLOWER):
        try:
            return _parse(raw, readable, cuts)
        except RecursionError:
            readable, cuts = _shallower(readable), tuple(sorted({*cuts, DEFECT_NESTING}))
    raise ParseError("MIME structure nested too deeply")


def _parse(raw: bytes, readable: bytes, cuts: tuple[str, ...]) -> Message:
    """mail-parser, else the standard library; a RecursionError is left to the caller."""
    try:
        return _to_message(raw, _with_mailparser(readable), cuts)
    except RecursionError:
        raise
    except Exception as exc:  # mail-parser raises many kinds on malformed input
        failure = f"mailparser-failed:{type(exc).__name__}"
    try:
        return _to_message(raw, _with_stdlib(readable, failure), cuts)
    except RecursionError:
        raise
    except Exception as exc:
        raise ParseError(f"unreadable MIME: {type(exc).__name__}: {exc}") from exc


def _shallower(readable: bytes) -> bytes:
    """The first half of the bytes, cut at a line end: the headers and the parts before the depth limit."""
    half = readable[: len(readable) // 2]
    end = half.rfind(b"\n")
    return half[: end + 1] if end > 0 else half


def _with_mailparser(raw: bytes) -> _Parts:
    import mailparser  # with Beautiful Soup, only once a message is parsed: triage needs neither

    parsed = mailparser.parse_from_bytes(raw)
    return _Parts(
        message=parsed.message,
        plain=tuple(parsed.text_plain),
        html=tuple(parsed.text_html),
        attachments=_attachments(parsed.message),
        defects=tuple(sorted(parsed.defects_categories)),
    )


def _with_stdlib(raw: bytes, failure: str) -> _Parts:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    plain: list[str] = []
    html: list[str] = []
    for part in _leaves(msg):
        ctype = part.get_content_type()
        if _is_attachment(part) or ctype not in ("text/plain", "text/html"):
            continue
        text = (part.get_payload(decode=True) or b"").decode(_charset(part), errors="replace")
        (html if ctype == "text/html" else plain).append(text)
    defects = {type(d).__name__ for part in msg.walk() for d in part.defects}
    return _Parts(msg, tuple(plain), tuple(html), _attachments(msg), (failure, *sorted(defects)))


def _leaves(msg: email.message.Message) -> list[email.message.Message]:
    return [part for part in msg.walk() if not part.is_multipart()]


def _attachments(msg: email.message.Message) -> tuple[Attachment, ...]:
    """Names, types and sizes of the parts that are files: named, marked as attachment, or not text."""
    return tuple(
        Attachment(decode_header_value(part.get_filename() or ""), part.get_content_type(), _size(part))
        for part in _leaves(msg)
        if _is_attachment(part)
    )


def _is_attachment(part: email.message.Message) -> bool:
    return bool(part.get_filename()) or part.get_content_disposition() == "attachment" or (
        part.get_content_maintype() not in ("text", "multipart", "message")
    )


def _size(part: email.message.Message) -> int:
    """Decoded size; for a body `ingest.bounded` dropped, the encoded size it recorded."""
    elided = str(part.get(ELIDED_HEADER, "")).strip()
    if elided.isdigit():
        return int(elided)
    payload = part.get_payload(decode=True)
    return len(payload) if isinstance(payload, bytes) else 0


def _charset(part: email.message.Message) -> str:
    """The part's charset when Python knows it, else latin-1 (which decodes any byte)."""
    try:
        charset = part.get_content_charset() or "utf-8"
        "".encode(charset)
    except (LookupError, UnicodeError, ValueError):
        return "latin-1"
    return charset


def _to_message(raw: bytes, parts: _Parts, cuts: tuple[str, ...]) -> Message:
    headers = _headers(parts.message)
    first = {name: values[0] for name, values in headers.items()}
    read = {"from": read_addresses(first.get("from")), "reply-to": read_addresses(first.get("reply-to")),
            "to": read_addresses(", ".join(headers.get("to", ()))),
            "cc": read_addresses(", ".join(headers.get("cc", ())))}
    nested = () if all(complete for _, complete in read.values()) else (DEFECT_ADDRESSES,)
    return Message(
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        message_id=_message_id(first.get("message-id")),
        in_reply_to=_message_id(first.get("in-reply-to")),
        references=tuple(_message_ids(first.get("references", ""))),
        date=parse_date(first.get("date")),
        sender=next(iter(read["from"][0]), None),
        to=read["to"][0],
        cc=read["cc"][0],
        reply_to=read["reply-to"][0],
        subject=" ".join((first.get("subject") or "").split()),
        text=_body_text(parts)[:MAX_TEXT_CHARS],
        attachments=parts.attachments,
        headers=headers,
        defects=(*parts.defects, *cuts, *nested),
    )


def decode_header_value(value: str) -> str:
    """Decode RFC 2047 words; undecodable parts are kept as they are.

    Triage decodes fetched headers with this too, so it must never raise: one
    hostile header would otherwise fail every pass of its mailbox.
    """
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (LookupError, UnicodeError, ValueError, email.errors.MessageError):
        return value


def _headers(msg: email.message.Message) -> dict[str, tuple[str, ...]]:
    headers: dict[str, list[str]] = {}
    for name, value in msg.items():
        if name.lower() == ELIDED_HEADER.lower():
            continue
        text = decode_header_value(str(value)) if value is not None else ""
        headers.setdefault(name.lower(), []).append(" ".join(text.split()))
    return {name: tuple(values) for name, values in headers.items()}


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime from a Date header; naive dates are taken as UTC."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _message_id(value: str | None) -> str | None:
    ids = _message_ids(value or "")
    return ids[0] if ids else None


def _message_ids(value: str) -> list[str]:
    """Message-IDs of a header, without angle brackets; a bare id is accepted."""
    ids = []
    for token in value.replace(">", "> ").split():
        token = token.strip().strip("<>,").strip()
        if "@" in token and len(token) <= 250:
            ids.append(token)
    return ids


def parse_addresses(value: str | None) -> tuple[Address, ...]:
    """The addresses of a From/To/Cc value; never raises, whatever the value."""
    return read_addresses(value)[0]


def read_addresses(value: str | None) -> tuple[tuple[Address, ...], bool]:
    """(addresses, complete): a list nested too deeply for the standard parser (groups in
    groups) is read one comma-separated piece at a time, the pieces that still are skipped."""
    if not value:
        return (), True
    try:
        return _addresses([value]), True
    except RecursionError:
        found: list[Address] = []
        for piece in value.split(","):
            try:
                found.extend(_addresses([piece]))
            except RecursionError:
                continue
        return tuple(found), False


def _addresses(values: list[str]) -> tuple[Address, ...]:
    found = []
    for name, addr in email.utils.getaddresses(values):
        addr = addr.strip().strip("<>").lower()
        if "@" in addr:
            found.append(Address(name=" ".join(name.split()).strip("'\" "), email=addr))
    return tuple(found)


def _body_text(parts: _Parts) -> str:
    plain = "\n".join(part for part in parts.plain if part and part.strip())
    if plain.strip():
        return plain.strip()
    html = "\n".join(part for part in parts.html if part)
    if not html.strip():
        return ""
    from carnet.ingest.html import html_to_text

    return html_to_text(html)
