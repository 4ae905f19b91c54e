"""A job seeker's mailbox for benchmarks: mostly ordinary mail, 5 % job mail.

Job mail is the labelled evidence of `tests/corpus` (kind other than `none`)
with fresh Message-IDs, the seeker's own applications in Sent. The rest is what
fills a real mailbox, with realistic sizes (deterministic for a seed):

| share | what | size |
| ---: | --- | --- |
| 30 % | newsletters and marketing (List-Unsubscribe, HTML) | 20–80 KB |
| 20 % | notifications from no-reply senders (HTML) | 4–15 KB |
| 15 % | personal mail from friends (plain), 1 in 6 with a photo | 1–4 KB, photos 0.3–2 MB |
| 10 % | invoices and receipts from companies, PDF attached | 60–300 KB |
| 10 % | job alerts from job boards (a job seeker gets many) | 10–40 KB |
| 10 % | the seeker's own personal mail, in Sent | 1–4 KB, 1 in 10 with a document |
|  5 % | mailing lists (List-Id), plain | 2–8 KB |
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SEEKER = "lea.martin@gmail.com"
KB = 1024
_MESSAGE_ID = re.compile(rb"^Message-ID:[^\r\n]*\r?\n", re.IGNORECASE | re.MULTILINE)
_FROM = re.compile(rb"^From:[^\r\n]*", re.IGNORECASE | re.MULTILINE)
_WORDS = ("semaine", "projet", "photos", "week-end", "merci", "demain", "soir", "famille", "vacances", "train",
          "voiture", "repas", "anniversaire", "jardin", "livre", "film", "musique", "match", "courses", "maison")


@dataclass(frozen=True)
class Mail:
    folder: str
    raw: bytes
    job: bool


def evidence() -> list[tuple[bool, bytes]]:
    """(sent by the seeker, bytes) of every labelled evidence message."""
    import json

    found = []
    for labels in sorted(CORPUS.rglob("labels.jsonl")):
        for line in labels.read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            if label["kind"] != "none":
                raw = (labels.parent / label["file"]).read_bytes()
                sender = _FROM.search(raw)
                own = bool(sender) and any(me.encode() in sender.group().lower() for me in label["me"])
                found.append((own, raw))
    return found


def with_message_id(raw: bytes, message_id: str) -> bytes:
    return f"Message-ID: <{message_id}>\r\n".encode() + _MESSAGE_ID.sub(b"", raw, count=1)


def mailbox(total: int = 10_000, job_share: float = 0.05, seed: int = 1) -> Iterator[Mail]:
    """`total` messages, `job_share` of them job mail, in a shuffled but stable order."""
    rng = random.Random(seed)
    jobs = evidence()
    count = round(total * job_share)
    kinds = [kind for kind, share in _NOISE for _ in range(round(share * (total - count) / 100))]
    kinds = (kinds + [_NOISE[0][0]] * total)[: total - count] + [None] * count
    rng.shuffle(kinds)
    when = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    for index, kind in enumerate(kinds):
        when += timedelta(minutes=rng.randint(5, 90))
        if kind is None:
            own, raw = jobs[index % len(jobs)]
            yield Mail("Sent" if own else "INBOX", with_message_id(raw, f"job-{seed}-{index}@bench.example"), True)
        else:
            folder, raw = kind(rng, index, when)
            yield Mail(folder, raw, False)


# -- ordinary mail --------------------------------------------------------------------------


def _message(sender: str, to: str, subject: str, when: datetime, index: int, headers: str, body: bytes,
             content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {format_datetime(when)}\r\n"
            f"Message-ID: <noise-{index}@bench.example>\r\nMIME-Version: 1.0\r\n{headers}"
            f"Content-Type: {content_type}\r\n\r\n")
    return head.encode() + body


def _text(rng: random.Random, size: int) -> bytes:
    words, length = [], 0
    while length < size:
        words.append(rng.choice(_WORDS))
        length += len(words[-1]) + 1
    lines = (" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    return "\r\n".join(lines).encode() + b"\r\n"


def _html(rng: random.Random, size: int) -> bytes:
    rows, length = [], 0
    while length < size:
        link = f"https://shop.example/p/{rng.randint(1, 10**6)}"
        rows.append(f'<tr><td style="padding:8px;font-family:Arial"><a href="{link}">'
                    f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}</a> à -{rng.randint(10, 70)} %</td></tr>\r\n")
        length += len(rows[-1])
    return b"<html><body><table>\r\n" + "".join(rows).encode() + b"</table></body></html>\r\n"


def _with_attachment(text: bytes, name: str, ctype: str, data: bytes) -> tuple[str, bytes]:
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    body = (b"--MIX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text +
            f"--MIX\r\nContent-Type: {ctype}; name={name}\r\nContent-Disposition: attachment; filename={name}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n".encode() + encoded + b"--MIX--\r\n")
    return 'multipart/mixed; boundary="MIX"', body


def newsletter(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    shop = rng.choice(("decathlon", "fnac", "sncf-connect", "leboncoin", "monoprix", "ikea", "spotify"))
    headers = f"List-Unsubscribe: <https://{shop}.example/u/{index}>\r\nList-Id: <news.{shop}.example>\r\n"
    return "INBOX", _message(f"{shop.title()} <news@{shop}.example>", SEEKER, f"Nos bons plans n°{index}", when,
                             index, headers, _html(rng, rng.randint(20, 80) * KB), "text/html; charset=utf-8")


def notification(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    service = rng.choice(("github.com", "amazon.fr", "doctolib.fr", "laposte.fr", "ameli.fr", "banque.example"))
    subject = rng.choice(("Nouvelle connexion à votre compte", "Votre colis est en route", "Rappel",
                          "Votre relevé est disponible", "Code de vérification"))
    return "INBOX", _message(f"<no-reply@{service}>", SEEKER, subject, when, index, "",
                             _html(rng, rng.randint(4, 15) * KB), "text/html; charset=utf-8")


def personal(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    friend = rng.choice(("camille.roux@gmail.com", "hugo.petit@yahoo.fr", "maman.martin@orange.fr",
                         "julie.b@free.fr", "tom.l@hotmail.fr"))
    text = _text(rng, rng.randint(1, 4) * KB)
    subject = f"{rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)}"
    if rng.random() < 1 / 6:
        ctype, body = _with_attachment(text, "photo.jpg", "image/jpeg", rng.randbytes(rng.randint(300, 2000) * KB))
        return "INBOX", _message(friend, SEEKER, subject, when, index, "", body, ctype)
    return "INBOX", _message(friend, SEEKER, subject, when, index, "", text)


def invoice(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    company = rng.choice(("edf.fr", "free.fr", "sfr.fr", "totalenergies.fr", "maif.fr"))
    ctype, body = _with_attachment(_text(rng, 2 * KB), f"facture-{index}.pdf", "application/pdf",
                                   rng.randbytes(rng.randint(60, 300) * KB))
    return "INBOX", _message(f"Service client <facturation@{company}>", SEEKER, f"Votre facture n°{index}",
                             when, index, "", body, ctype)


def job_alert(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    board, sender = rng.choice((("Indeed", "alert@indeed.com"), ("LinkedIn", "jobalerts-noreply@linkedin.com"),
                                ("HelloWork", "alertes@hellowork.com"), ("APEC", "offres@apec.fr")))
    headers = f"List-Unsubscribe: <https://{sender.split('@')[1]}/u/{index}>\r\n"
    return "INBOX", _message(f"{board} <{sender}>", SEEKER, f"{rng.randint(3, 30)} nouvelles offres pour vous",
                             when, index, headers, _html(rng, rng.randint(10, 40) * KB), "text/html; charset=utf-8")


def sent_personal(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    friend = rng.choice(("camille.roux@gmail.com", "hugo.petit@yahoo.fr", "maman.martin@orange.fr"))
    text = _text(rng, rng.randint(1, 4) * KB)
    subject = f"{rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)}"
    if rng.random() < 0.1:
        document = rng.randbytes(rng.randint(50, 500) * KB)
        ctype, body = _with_attachment(text, "document.pdf", "application/pdf", document)
        return "Sent", _message(f"Léa Martin <{SEEKER}>", friend, subject, when, index, "", body, ctype)
    return "Sent", _message(f"Léa Martin <{SEEKER}>", friend, subject, when, index, "", text)


def mailing_list(rng: random.Random, index: int, when: datetime) -> tuple[str, bytes]:
    headers = "List-Id: <randonnee.lists.example>\r\nPrecedence: list\r\n"
    body = _text(rng, rng.randint(2, 8) * KB)
    return "INBOX", _message("Club rando <club@lists.example>", "randonnee@lists.example",
                             f"[rando] sortie du {when:%d/%m}", when, index, headers, body)


_NOISE: tuple[tuple[Callable[[random.Random, int, datetime], tuple[str, bytes]], int], ...] = (
    (newsletter, 30), (notification, 20), (personal, 15), (invoice, 10), (job_alert, 10), (sent_personal, 10),
    (mailing_list, 5),
)
