"""Realistic mailboxes for sync tests: the labelled corpus made unique, plus bulk noise.

Every message of ``tests/corpus`` appears once with a fresh Message-ID (so copies of
the corpus are distinct content), the seeker's applications in ``Sent``, the rest
in ``INBOX`` and ``Archive``; a few evidence messages sit in both ``INBOX`` and
``Archive`` (the same bytes: one event). Newsletters, job alerts and personal mail
fill the mailbox up to the size asked, most of them dropped by header triage, as
in a real mailbox. Deterministic for a given seed.
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from carnet.demo.dovecot import Dovecot

CORPUS = Path(__file__).parent / "corpus"
SEEKER = "lea.martin@example.org"
_MESSAGE_ID = re.compile(rb"^Message-ID:[^\r\n]*\r?\n", re.IGNORECASE | re.MULTILINE)
_BULK_SENDERS = ("news@decathlon-emploi.fr", "alertes@jobs-hebdo.fr", "info@magasin-bio.fr", "promo@voyages.example")
_FRIENDS = ("camille.roux@gmail.com", "hugo.petit@yahoo.fr", "maman.martin@orange.fr")


@dataclass(frozen=True)
class Mail:
    folder: str
    raw: bytes
    flags: tuple[str, ...] = ()


def corpus() -> list[tuple[str, bytes]]:
    """(labelled kind, raw bytes) of every corpus message, in a stable order."""
    found = []
    for lang in ("fr", "en"):
        for line in (CORPUS / lang / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            found.append((label["kind"], (CORPUS / lang / label["file"]).read_bytes()))
    return found


def with_message_id(raw: bytes, message_id: str) -> bytes:
    """The message with its Message-ID header replaced (or added on top)."""
    header = f"Message-ID: <{message_id}>\r\n".encode()
    body = _MESSAGE_ID.sub(b"", raw, count=1)
    return header + body


def bulk(index: int, when: datetime) -> bytes:
    """A newsletter with List-Unsubscribe: triage skips it on headers alone."""
    sender = _BULK_SENDERS[index % len(_BULK_SENDERS)]
    return _plain(sender, SEEKER, f"Nos bons plans de la semaine n°{index}", when, f"bulk-{index}@lists.example",
                  "Découvrez nos offres du moment.\nSe désabonner : https://lists.example/u",
                  ("List-Unsubscribe: <https://lists.example/u>", "Precedence: bulk"))


def personal(index: int, when: datetime) -> bytes:
    """Mail from a friend at a personal address: not a candidate either."""
    friend = _FRIENDS[index % len(_FRIENDS)]
    return _plain(friend, SEEKER, f"Dimanche {index}", when, f"perso-{index}@gmail.com",
                  "Coucou, on se voit dimanche pour le déjeuner ? Bises")


def _plain(sender: str, to: str, subject: str, when: datetime, message_id: str, body: str,
           extra: tuple[str, ...] = ()) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {format_datetime(when)}",
             f"Message-ID: <{message_id}>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
             "Content-Transfer-Encoding: 8bit", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode()


def mailbox(total: int, seed: int = 7, duplicates: int = 5, sample: int | None = None) -> list[Mail]:
    """At least `total` messages: the corpus once (or `sample` of it), `duplicates` of its
    evidence twice, and noise."""
    rng = random.Random(seed)
    labelled = list(_corpus_mails(rng, f"s{seed}"))
    if sample is not None:
        labelled = rng.sample(labelled, sample)
    mails = [mail for _, mail in labelled]
    evidence = [mail for kind, mail in labelled if kind != "none" and mail.folder == "INBOX"]
    mails += [Mail("Archive", mail.raw) for mail in rng.sample(evidence, duplicates)]
    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    for index in range(max(0, total - len(mails))):
        when = start + timedelta(minutes=37 * index)
        noise = bulk(index, when) if index % 5 else personal(index, when)
        mails.append(Mail("INBOX", noise, ("\\Seen",) if index % 3 else ()))
    rng.shuffle(mails)
    return mails


def _corpus_mails(rng: random.Random, tag: str) -> Iterator[tuple[str, Mail]]:
    for index, (kind, raw) in enumerate(corpus()):
        raw = with_message_id(raw, f"{tag}-{index}@mailgen.example")
        if kind == "application":
            yield kind, Mail("Sent", raw, ("\\Seen",))
        else:
            folder = "Archive" if rng.random() < 0.2 else "INBOX"
            yield kind, Mail(folder, raw, ("\\Seen", "\\Flagged") if rng.random() < 0.1 else ())


def seed(server: Dovecot, user: str, mails: list[Mail]) -> None:
    """Append `mails` to the user's folders (creating `Archive`), in their order."""
    folders = sorted({mail.folder for mail in mails})
    if "Archive" in folders:
        server.create_folder(user, "Archive")
    for folder in folders:
        server.append_many(user, folder, ((m.raw, m.flags, None) for m in mails if m.folder == folder))


def big_application(size: int, seed: int = 1) -> bytes:
    """The seeker's application with a CV of random bytes attached, `size` bytes in all."""
    rng = random.Random(seed)
    boundary = "=_carnet_big_="
    head = "\r\n".join([
        f"From: =?utf-8?q?L=C3=A9a?= Martin <{SEEKER}>",
        "To: Recrutement Atelier Lumière <recrutement@atelier-lumiere.fr>",
        "Subject: Candidature au poste de Chargée de communication",
        "Date: Tue, 03 Mar 2026 10:15:00 +0100",
        f"Message-ID: <big-{seed}@example.org>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "Madame, Monsieur,",
        "",
        "Suite à votre annonce pour le poste de chargée de communication, je vous adresse ma candidature.",
        "Vous trouverez ci-joint mon CV et mon portfolio.",
        "",
        "Bien cordialement,",
        "Léa Martin",
        "",
        f"--{boundary}",
        "Content-Type: application/pdf",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="CV_portfolio_Lea_Martin.pdf"',
        "",
        "",
    ]).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    line_count = (size - len(head) - len(tail)) // 78
    lines = base64.b64encode(rng.randbytes(57 * line_count))
    body = b"\r\n".join(lines[i : i + 76] for i in range(0, len(lines), 76))
    return head + body + tail
