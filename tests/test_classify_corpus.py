"""Floors on the labelled corpus, and robustness on the shared MIME corpus."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import pytest

from classify import classify
from classify.evaluate import Report, evaluate, render
from classify.evidence import Context
from ingest.message import ParseError
from ingest.parse import parse_message

CORPUS = Path(__file__).parent / "corpus"
MIME = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "mime"
SKIPPED_SUFFIXES = {".md", ".tsv"}
PER_MESSAGE_SECONDS = 2.0

# Floors just under what the rules reach on the whole corpus (dev, holdout, blind, and the
# blind2, blind3 and blind4 halves: 869 messages). Each blind set was added after the rules were
# tuned on the others, which lowered every figure; its first, blind reading is in its NOTES.md.
FLOORS = {
    "evidence_precision": 0.995,  # reached 0.998 [target 0.98]
    "evidence_recall": 0.985,  # reached 0.988 [target 0.95]
    "company": 0.95,  # reached 0.952 [target 0.95]
    "position": 0.965,  # reached 0.971 [target 0.90]
    "date": 0.99,  # reached 1.000 [target 0.99]
}
FALSE_EVIDENCE_CEILING = 0.005  # reached 0.003 (1/386) [target 0.01]
# Among evidence predicted with confidence >= 0.9, the share with the labelled kind.
CONFIDENT = 0.9
CONFIDENT_PRECISION_FLOOR = 0.99  # reached 0.995 (221/222)


@cache
def corpus_report() -> Report:
    return evaluate(CORPUS)


@pytest.mark.parametrize("name", ["evidence_precision", "evidence_recall"])
def test_evidence_floor(name: str) -> None:
    report = corpus_report()
    assert getattr(report, name).value >= FLOORS[name], "\n".join(render(report))


def test_false_evidence_ceiling() -> None:
    report = corpus_report()
    assert report.false_evidence.value <= FALSE_EVIDENCE_CEILING, "\n".join(render(report))


@pytest.mark.parametrize("name", ["company", "position", "date"])
def test_field_floor(name: str) -> None:
    report = corpus_report()
    assert report.fields[name].value >= FLOORS[name], "\n".join(render(report))


def test_confident_predictions_are_right() -> None:
    report = corpus_report()
    confident = [ratio for low, _, ratio in report.reliability if low >= CONFIDENT]
    hits, total = sum(r.hits for r in confident), sum(r.total for r in confident)
    assert total and hits / total >= CONFIDENT_PRECISION_FLOOR, "\n".join(render(report))


def test_every_labelled_file_is_readable() -> None:
    assert not [e for e in corpus_report().errors if "unreadable" in e]


def _mime_files() -> list[Path]:
    return sorted(p for p in MIME.rglob("*") if p.is_file() and p.suffix not in SKIPPED_SUFFIXES)


def test_every_mime_message_classifies_and_none_is_evidence() -> None:
    """Parse + classify never raises (but ParseError), each message stays fast, and none of
    these real-world messages written by others (bounces, newsletters, spam, mailing lists,
    parser test cases; no job mail among them) is taken for job evidence."""
    slow, evidence, classified = [], [], 0
    for path in _mime_files():
        try:
            message = parse_message(path.read_bytes())
        except ParseError:
            continue
        started = time.perf_counter()
        found = classify(message, Context(me=frozenset({"me@example.org"})))
        classified += 1
        if time.perf_counter() - started > PER_MESSAGE_SECONDS:
            slow.append(path)
        if found.is_evidence:
            evidence.append(f"{path}: {found.kind.value} {found.reasons}")
    assert classified and not slow
    assert not evidence, "\n".join(evidence)
