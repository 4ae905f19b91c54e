"""Peak memory and time of parse + classify on huge messages, each in a fresh process.

Shapes: an application with a 50 MB PDF attached, a 50 MB plain-text body,
10,000 MIME parts, 5,000 levels of nesting. The child builds the message, loads
spaCy on a small one, resets the kernel's peak-RSS mark (`/proc/self/clear_refs`),
then parses and classifies the huge one: the peak it reports (VmHWM) is that of
a sync process holding the message, the models and the parse.

    python benchmarks/bench_memory.py              # every shape, one line each
    python benchmarks/bench_memory.py --child SHAPE  # one shape, JSON (used by tests/test_bad_input.py)
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
HEAD = (
    b"From: =?utf-8?q?L=C3=A9a_Martin?= <lea.martin@gmail.com>\r\n"
    b"To: recrutement@atelier-durand.fr\r\n"
    b"Subject: Candidature au poste de vendeuse\r\n"
    b"Date: Mon, 03 Mar 2025 10:00:00 +0100\r\n"
    b"Message-ID: <huge@example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
)
GREETING = b"Bonjour,\r\n\r\nJe vous adresse ma candidature au poste de vendeuse.\r\n\r\nLea Martin\r\n"


def attachment_50mb() -> bytes:
    line = base64.b64encode(bytes(range(57)) * 1) + b"\r\n"
    return b"".join([
        HEAD, b"Content-Type: multipart/mixed; boundary=B\r\n\r\n",
        b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", GREETING,
        b"--B\r\nContent-Type: application/pdf; name=cv-portfolio.pdf\r\n"
        b"Content-Disposition: attachment; filename=cv-portfolio.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        line * (50 * MB // len(line)), b"--B--\r\n",
    ])


def text_50mb() -> bytes:
    line = b"Ligne de texte sans importance, repetee pour grossir le message jusqu'a cinquante Mo.\r\n"
    return b"".join([HEAD, b"Content-Type: text/plain; charset=utf-8\r\n\r\n", GREETING,
                     line * (50 * MB // len(line))])


def parts_10000() -> bytes:
    parts = (b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPartie %d du message.\r\n" % i
             for i in range(10_000))
    return b"".join([HEAD, b"Content-Type: multipart/mixed; boundary=B\r\n\r\n", *parts, b"--B--\r\n"])


def nested_5000() -> bytes:
    depth = 5000
    opening = (b"--n%d\r\nContent-Type: multipart/mixed; boundary=n%d\r\n\r\n" % (i, i + 1) for i in range(depth))
    closing = (b"--n%d--\r\n" % i for i in reversed(range(depth + 1)))
    return b"".join([HEAD, b"Content-Type: multipart/mixed; boundary=n0\r\n\r\n", *opening,
                     b"--n%d\r\nContent-Type: text/plain\r\n\r\n" % depth, GREETING, *closing])


SHAPES: dict[str, Callable[[], bytes]] = {
    "attachment-50mb": attachment_50mb,
    "text-50mb": text_50mb,
    "parts-10000": parts_10000,
    "nested-5000": nested_5000,
}


def child(shape: str) -> dict[str, object]:
    """Parse + classify one huge message in this process; its figures."""
    from carnet.classify import classify
    from carnet.classify.evidence import Context
    from carnet.ingest.message import ParseError
    from carnet.ingest.parse import parse_message

    raw = SHAPES[shape]()
    context = Context(me=frozenset({"lea.martin@gmail.com"}))
    classify(parse_message(HEAD + b"\r\n" + GREETING), context)  # spaCy and the tables, loaded once per process
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS mark
    started = time.perf_counter()
    figures: dict[str, object] = {"shape": shape, "size_mb": round(len(raw) / MB, 1)}
    try:
        message = parse_message(raw)
        evidence = classify(message, context)
        figures |= {"kind": evidence.kind.value, "text_start": message.text[:200],
                    "attachments": [a.filename for a in message.attachments], "defects": list(message.defects)}
    except ParseError as exc:
        figures |= {"kind": None, "parse_error": str(exc), "text_start": "", "attachments": []}
    figures |= {"seconds": round(time.perf_counter() - started, 2), "peak_rss_mb": _peak_rss_mb()}
    return figures


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc/self/status")


def measure(shape: str) -> dict[str, object]:
    """Run `child(shape)` in a fresh interpreter and read its JSON line."""
    result = subprocess.run([sys.executable, __file__, "--child", shape], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=sorted(SHAPES), help="measure one shape in this process, print JSON")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    for shape in SHAPES:
        f = measure(shape)
        cuts = f.get("defects", f.get("parse_error"))
        print(f"{shape:16} {f['size_mb']:6} MB  parse+classify {f['seconds']:6.2f} s  "
              f"peak RSS {f['peak_rss_mb']:6.1f} MB  kind {f['kind']}  defects {cuts}")


if __name__ == "__main__":
    main()
