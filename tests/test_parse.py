"""Parsing: our Message from real and broken mail, never a crash."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from carnet.ingest.bounded import ELIDED_HEADER, SCAN_WINDOW, bound
from carnet.ingest.html import html_to_text
from carnet.ingest.message import ParseError
from carnet.ingest.parse import parse_message

MIME_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "mime"
CORPUS_FILES = sorted(
    p for p in MIME_CORPUS.rglob("*") if p.is_file() and p.suffix not in (".md", ".tsv")
)
PER_MESSAGE_SECONDS = 5.0


def test_the_real_world_corpus_is_there() -> None:
    assert len(CORPUS_FILES) >= 1300, f"expected the shared MIME corpus at {MIME_CORPUS}"


def test_every_real_world_message_parses_or_fails_cleanly() -> None:
    parsed, refused, slow = 0, [], []
    for path in CORPUS_FILES:
        started = time.perf_counter()
        try:
            message = parse_message(path.read_bytes())
            assert len(message.sha256) == 64
            parsed += 1
        except ParseError as exc:
            refused.append((path.name, str(exc)))
        if time.perf_counter() - started > PER_MESSAGE_SECONDS:
            slow.append(path.name)
    assert not slow, f"messages that took over {PER_MESSAGE_SECONDS}s: {slow}"
    assert all(reason for _, reason in refused)
    assert parsed >= len(CORPUS_FILES) - 5, refused


SAMPLE = (
    b"From: =?utf-8?q?Ren=C3=A9e_Dupont?= <Renee@Example.FR>\r\n"
    b"To: a@b.fr, \"C, D\" <c@d.fr>\r\n"
    b"Subject: =?iso-8859-1?q?Candidature_=E0_votre_offre?=\r\n"
    b"Date: Mon, 03 Mar 2025 23:30:00 +0000\r\n"
    b"Message-ID: <abc@example.fr>\r\n"
    b"In-Reply-To: <parent@example.fr>\r\n"
    b"References: <root@example.fr> <parent@example.fr>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
    b"--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><head><style>p{}</style></head><body><p>Bonjour,</p><p>Merci&nbsp;!</p>"
    b"<blockquote>ancien message</blockquote></body></html>\r\n"
    b"--XX\r\nContent-Type: application/pdf; name=cv.pdf\r\nContent-Disposition: attachment; filename=cv.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n"
)


def test_headers_addresses_and_threading_are_decoded() -> None:
    message = parse_message(SAMPLE)
    assert message.sender.name == "Renée Dupont"
    assert message.sender.email == "renee@example.fr"
    assert [a.email for a in message.to] == ["a@b.fr", "c@d.fr"]
    assert message.subject == "Candidature à votre offre"
    assert message.message_id == "abc@example.fr"
    assert message.in_reply_to == "parent@example.fr"
    assert message.references == ("root@example.fr", "parent@example.fr")
    assert message.date.isoformat() == "2025-03-03T23:30:00+00:00"


def test_html_only_body_becomes_text_with_quotes_marked() -> None:
    message = parse_message(SAMPLE)
    assert "Bonjour," in message.text
    assert "Merci !" in message.text
    assert "> ancien message" in message.text
    assert "p{}" not in message.text
    assert [(a.filename, a.content_type) for a in message.attachments] == [("cv.pdf", "application/pdf")]


def test_html_to_text_keeps_blocks_on_lines() -> None:
    assert html_to_text("<div>Un</div><div>Deux<br>Trois</div>").splitlines() == ["Un", "Deux", "Trois"]


@pytest.mark.parametrize("raw", [b"", b"   \r\n"])
def test_empty_input_is_a_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError):
        parse_message(raw)


def test_broken_structure_falls_back_and_keeps_the_defect() -> None:
    raw = (
        b'Content-Type: multipart/mixed; boundary="ab"\r\n\r\n--ab\r\n'
        b'Content-Type: multipart/mixed; boundary="a"\r\n\r\n--ab\r\nContent-Type: text/plain\r\n\r\n--a\r\n'
    )
    message = parse_message(raw)
    assert any(d.startswith("mailparser-failed") for d in message.defects)


@pytest.mark.parametrize("shift", [-8, -7, -4, -1, 0, 1])
def test_a_boundary_declared_across_the_scan_window_edge_still_splits_the_parts(shift: int) -> None:
    """The search for `boundary=` runs window by window; a declaration straddling the edge
    (the keyword starting `shift` bytes from it), in any letter case, is still found, so the
    attachment after it is still elided."""
    head = b"From: a@b.fr\r\nSubject: CV\r\nContent-Type: text/plain\r\n\r\n"
    declaration = b"\r\nContent-Type: multipart/mixed; "
    preamble = b"x" * (SCAN_WINDOW + shift - len(head) - len(declaration))
    raw = (head + preamble + declaration + b'BoUnDaRy="edge"\r\n\r\n--edge\r\nContent-Type: text/plain\r\n\r\n'
           b"Bonjour\r\n--edge\r\nContent-Type: application/pdf\r\n\r\n" + b"A" * 100_000 + b"\r\n--edge--\r\n")
    assert raw.index(b"BoUnDaRy") == SCAN_WINDOW + shift
    bounded = bound(raw)
    assert ELIDED_HEADER.encode() in bounded.raw
    assert len(bounded.raw) < len(raw) - 90_000


# -- nested beyond the parsers' depth limit: read as far as the limit, never refused -----------


def test_an_address_list_nested_beyond_the_limit_keeps_its_headers_and_body() -> None:
    """MimeKit's stack-overflow message: a To header of some 2,000 groups in groups."""
    raw = (MIME_CORPUS / "MimeKit" / "messages-stack-overflow.txt").read_bytes()
    message = parse_message(raw)
    assert message.to[0].email == "test@test.com"
    assert (message.subject, message.text) == ("Message Subject", "Message Body")
    assert message.message_id == "aasfasdfasdfa@bb"
    assert "carnet:addresses-nested-too-deeply" in message.defects


def test_a_reply_nested_beyond_the_limit_is_classified_from_its_headers() -> None:
    from carnet.classify import classify
    from carnet.classify.evidence import Context, Kind

    subject = "Convocation a un entretien pour le poste de comptable"
    raw = (f"From: RH Acme <rh@acme.fr>\r\nTo: lea.martin@gmail.com\r\nSubject: {subject}\r\n".encode()
           + b"Message-ID: <deep@acme.fr>\r\n" + b"Content-Type: message/rfc822\r\n\r\n" * 1000)
    message = parse_message(raw)
    assert (message.sender.email, message.subject, message.message_id) == ("rh@acme.fr", subject, "deep@acme.fr")
    assert "carnet:nested-too-deeply" in message.defects
    assert message.sha256 == hashlib.sha256(raw).hexdigest()
    evidence = classify(message, Context(me=frozenset({"lea.martin@gmail.com"})))
    assert evidence.kind is Kind.INTERVIEW


def test_carnet_classify_answers_a_verdict_for_the_corpus_message_nested_too_deeply() -> None:
    from typer.testing import CliRunner

    from carnet.cli import app

    path = MIME_CORPUS / "MimeKit" / "messages-stack-overflow.txt"
    result = CliRunner().invoke(app, ["classify", str(path)])
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout.splitlines()[0])
    assert "error" not in verdict and verdict["kind"] == "none", verdict
