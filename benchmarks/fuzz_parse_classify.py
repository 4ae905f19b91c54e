"""Fuzzing parse + classify with mutated real mail, for as long as asked.

Seeds are the real-world MIME corpus (`../shared/corpus/mime`) and the labelled
corpus (`tests/corpus`); hypothesis mutates them (byte flips, truncation,
inserted bytes, mangled headers and boundaries, random charsets and transfer
encodings, deep nesting, line-end changes) and checks that parsing returns a
`Message` or raises `ParseError`, that classification returns a valid
`Evidence`, and that each input takes less than `PER_INPUT_SECONDS`.
A failing input is written to `--failures` before hypothesis reports it.

    python benchmarks/fuzz_parse_classify.py --minutes 10

`tests/test_fuzz.py` runs the same property for about 20 seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from carnet.classify import classify  # noqa: E402
from carnet.classify.evidence import Context, Kind  # noqa: E402
from carnet.ingest.message import Message, ParseError  # noqa: E402
from carnet.ingest.parse import parse_message  # noqa: E402

MIME_CORPUS = ROOT.parent / "shared" / "corpus" / "mime"
LABELLED_CORPUS = ROOT / "tests" / "corpus"
PER_INPUT_SECONDS = 20.0
CONTEXT = Context(me=frozenset({"me@example.org"}))
CHARSETS = (
    "utf-8", "utf-7", "utf-16", "utf-32", "latin-1", "iso-8859-15", "cp1252", "koi8-r", "gb2312", "big5",
    "shift_jis", "iso-2022-jp", "euc-kr", "x-unknown", "undefined", "idna", "base64", "rot13", "punycode",
    "utf-8-sig", "ascii", "", '"', "unicode-1-1-utf-7", "x-mac-roman",
)
ENCODINGS = ("base64", "quoted-printable", "7bit", "8bit", "binary", "x-uuencode", "uuencode", "garbage", "")


@cache
def seeds() -> tuple[bytes, ...]:
    """Every corpus message (the MIME corpus' notes and manifest aside), smallest first."""
    paths = [p for p in MIME_CORPUS.rglob("*") if p.is_file() and p.suffix not in (".md", ".tsv")]
    paths += LABELLED_CORPUS.rglob("*.eml")
    return tuple(sorted((p.read_bytes() for p in paths), key=len))


# -- mutations: each takes the message and the hypothesis draw function -----------------

Draw = Callable[[st.SearchStrategy], object]


def _position(raw: bytes, draw: Draw) -> int:
    return draw(st.integers(0, max(len(raw) - 1, 0)))  # type: ignore[return-value]


def flip_bytes(raw: bytes, draw: Draw) -> bytes:
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 16))):  # type: ignore[arg-type]
        if data:
            data[_position(raw, draw)] = draw(st.integers(0, 255))  # type: ignore[call-overload]
    return bytes(data)


def truncate(raw: bytes, draw: Draw) -> bytes:
    return raw[: _position(raw, draw)]


def insert_bytes(raw: bytes, draw: Draw) -> bytes:
    at = _position(raw, draw)
    return raw[:at] + draw(st.binary(max_size=64)) + raw[at:]  # type: ignore[operator]


def mangle_header(raw: bytes, draw: Draw) -> bytes:
    """Replace, duplicate or corrupt one header line (a folded, encoded or colon-less one)."""
    head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    lines = head.splitlines(keepends=True) or [b""]
    index = draw(st.integers(0, len(lines) - 1))
    junk = draw(st.sampled_from([
        b"Subject: =?x-unknown?B?////?= =?utf-8?Q?caf=E9=?=\r\n",
        b"From: \"unterminated <a@b\r\n",
        b"From: <>,,,@@,\"\" <@>\r\n",
        b"Date: Mon, 99 Foo 99999 99:99:99 +9999\r\n",
        b"Content-Type: multipart/mixed\r\n",
        b"Content-Type: text/html; charset=\"\r\n",
        b"Message-ID: <" + b"x" * 5000 + b"@y>\r\n",
        b"References: " + b"<a@b> " * 2000 + b"\r\n",
        b"no colon in this header line\r\n",
        b" folded continuation without a header\r\n",
        b"X-Long: " + b"y" * 100_000 + b"\r\n",
    ]))
    lines[index] = junk if draw(st.booleans()) else lines[index] + lines[index]  # type: ignore[index]
    return b"".join(lines) + sep + body


def mangle_boundary(raw: bytes, draw: Draw) -> bytes:
    """Break the multipart structure: rename, drop or repeat boundaries."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return raw.replace(b"boundary=", b"boundary=x", 1)
    if choice == 1:
        return raw.replace(b"\n--", b"\n-", draw(st.integers(1, 3)))  # type: ignore[arg-type]
    if choice == 2:
        end = raw.rfind(b"--\r\n") if b"--\r\n" in raw else raw.rfind(b"--")
        return raw[:end] if end > 0 else raw
    return raw.replace(b"boundary=\"", b"boundary=\"\"", 1)


def random_charset(raw: bytes, draw: Draw) -> bytes:
    charset = draw(st.sampled_from(CHARSETS)).encode()  # type: ignore[attr-defined]
    if b"charset=" in raw.lower():
        start = raw.lower().index(b"charset=") + len(b"charset=")
        end = start
        while end < len(raw) and raw[end : end + 1] not in (b";", b"\r", b"\n", b" "):
            end += 1
        return raw[:start] + charset + raw[end:]
    return b"Content-Type: text/plain; charset=" + charset + b"\r\n" + raw


def random_encoding(raw: bytes, draw: Draw) -> bytes:
    encoding = draw(st.sampled_from(ENCODINGS)).encode()  # type: ignore[attr-defined]
    return b"Content-Transfer-Encoding: " + encoding + b"\r\n" + raw


def nest(raw: bytes, draw: Draw) -> bytes:
    """Wrap the message in up to 2,000 levels of multipart."""
    depth = draw(st.sampled_from([1, 5, 50, 200, 600, 2000]))
    head = b"".join(
        b"Content-Type: multipart/mixed; boundary=n%d\r\n\r\n--n%d\r\n" % (level, level) for level in range(depth)
    )
    tail = b"".join(b"\r\n--n%d--\r\n" % level for level in reversed(range(depth)))
    return b"From: a@example.com\r\nMIME-Version: 1.0\r\n" + head + raw + tail


def line_ends(raw: bytes, draw: Draw) -> bytes:
    old, new = draw(st.sampled_from([(b"\r\n", b"\n"), (b"\n", b"\r\n"), (b"\n", b"\r"), (b"\n", b"\0\n")]))  # type: ignore[misc]
    return raw.replace(old, new)


MUTATIONS = (flip_bytes, truncate, insert_bytes, mangle_header, mangle_boundary, random_charset, random_encoding,
             nest, line_ends)


@st.composite
def mutated_messages(draw: Draw) -> bytes:
    """A corpus message with one to four mutations applied."""
    raw: bytes = draw(st.sampled_from(seeds()))  # type: ignore[assignment]
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):  # type: ignore[union-attr]
        raw = mutation(raw, draw)
    return raw


# -- the property -------------------------------------------------------------------------


@dataclass
class Tally:
    """Inputs tried, and where to keep the ones that fail."""

    inputs: int = 0
    failures: Path | None = None
    slowest: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    parse_errors: Counter[str] = field(default_factory=Counter)


def check(raw: bytes, tally: Tally) -> None:
    """Parse + classify must end, quickly, in a Message and an Evidence, or a ParseError."""
    tally.inputs += 1
    started = time.perf_counter()
    try:
        _check(raw, tally)
    except BaseException:
        _keep(raw, tally)
        raise
    elapsed = time.perf_counter() - started
    tally.slowest = max(tally.slowest, elapsed)
    if elapsed > PER_INPUT_SECONDS:
        _keep(raw, tally)
        raise AssertionError(f"parse + classify took {elapsed:.1f} s (bound {PER_INPUT_SECONDS} s)")


def _check(raw: bytes, tally: Tally) -> None:
    try:
        message = parse_message(raw)
    except ParseError as exc:
        assert str(exc), "a ParseError must say why"
        tally.parse_errors[str(exc).partition(":")[0]] += 1
        return
    assert isinstance(message, Message) and message.size == len(raw)
    evidence = classify(message, CONTEXT)
    assert isinstance(evidence.kind, Kind) and 0.0 <= evidence.confidence <= 1.0
    tally.kinds[evidence.kind.value] += 1


def _keep(raw: bytes, tally: Tally) -> None:
    if tally.failures is not None:
        tally.failures.mkdir(parents=True, exist_ok=True)
        (tally.failures / f"{hashlib.sha256(raw).hexdigest()[:16]}.eml").write_bytes(raw)


def run_for(seconds: float, tally: Tally, chunk: int = 200) -> None:
    """Run the property in chunks of `chunk` inputs until `seconds` have passed."""
    property_settings = settings(max_examples=chunk, deadline=None, database=None, derandomize=False,
                                 suppress_health_check=list(HealthCheck))

    @property_settings
    @given(mutated_messages())
    def fuzz(raw: bytes) -> None:
        check(raw, tally)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures"))
    args = parser.parse_args()
    tally = Tally(failures=args.failures)
    logging.getLogger("mailparser").setLevel(logging.CRITICAL)  # it logs every undecodable header
    classify(parse_message(seeds()[-1]), CONTEXT)  # load spaCy and the tables before the clock starts
    started = time.monotonic()
    try:
        run_for(args.minutes * 60, tally)
    finally:
        elapsed = time.monotonic() - started
        print(f"fuzzed {tally.inputs} inputs in {elapsed / 60:.1f} min ({tally.inputs / elapsed:.1f}/s) "
              f"from {len(seeds())} seeds, slowest {tally.slowest:.2f} s")
        print(f"kinds: {dict(tally.kinds)}; ParseError: {dict(tally.parse_errors)}")


if __name__ == "__main__":
    main()
