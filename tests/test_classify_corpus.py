"""Floors on the labelled corpus, and robustness on the shared MIME corpus."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import pytest
from carnet.classify import classify
from carnet.classify.evaluate import Report, evaluate, render
from carnet.classify.evidence import Context
from carnet.ingest.message import ParseError
from carnet.ingest.parse import parse_message

CORPUS = Path(__file__).parent / "corpus"
MIME = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "mime"
SKIPPED_SUFFIXES = {".md", ".tsv"}
PER_MESSAGE_SECONDS = 2.0

# The corpus has two parts. The development part (dev, holdout, blind, and the tune halves
# of blind2 to blind5: 761 messages) may guide the rules; its floors hold the targets,
# just under what the rules reach. The check halves kept aside (208 messages) were written
# blind and their errors are not read: their floors only stop a regression, and their figures
# are what to expect of unseen mail (each blind set's first, blind reading is in its NOTES.md).
FLOORS = {
    "evidence_precision": 0.995,  # reached 1.000 [target 0.98]
    "evidence_recall": 0.99,  # reached 1.000 [target 0.95]
    "company": 0.96,  # reached 0.974 [target 0.95]
    "position": 0.97,  # reached 0.981 [target 0.90]
    "date": 0.99,  # reached 1.000 [target 0.99]
}
FALSE_EVIDENCE_CEILING = 0.005  # reached 0.000 (0/336) [target 0.01]
ASIDE_FLOORS = {
    "evidence_precision": 0.95,  # reached 0.964
    "evidence_recall": 0.94,  # reached 0.956
    "company": 0.82,  # reached 0.843
    "position": 0.94,  # reached 0.954
    "date": 0.99,  # reached 1.000
}
ASIDE_FALSE_EVIDENCE_CEILING = 0.06  # reached 0.042 (4/95)
# Among evidence predicted with confidence >= 0.9, the share with the labelled kind.
CONFIDENT = 0.9
CONFIDENT_PRECISION_FLOOR = 0.99  # reached 0.996 (246/247) on the whole corpus


@cache
def corpus_report(part: str) -> Report:
    return evaluate(CORPUS, split=part)


@pytest.mark.parametrize(("part", "floors"), [("development", FLOORS), ("aside", ASIDE_FLOORS)])
@pytest.mark.parametrize("name", ["evidence_precision", "evidence_recall"])
def test_evidence_floor(part: str, floors: dict[str, float], name: str) -> None:
    report = corpus_report(part)
    assert getattr(report, name).value >= floors[name], "\n".join(render(report))


@pytest.mark.parametrize(("part", "ceiling"),
                         [("development", FALSE_EVIDENCE_CEILING), ("aside", ASIDE_FALSE_EVIDENCE_CEILING)])
def test_false_evidence_ceiling(part: str, ceiling: float) -> None:
    report = corpus_report(part)
    assert report.false_evidence.value <= ceiling, "\n".join(render(report))


@pytest.mark.parametrize(("part", "floors"), [("development", FLOORS), ("aside", ASIDE_FLOORS)])
@pytest.mark.parametrize("name", ["company", "position", "date"])
def test_field_floor(part: str, floors: dict[str, float], name: str) -> None:
    report = corpus_report(part)
    assert report.fields[name].value >= floors[name], "\n".join(render(report))


def test_confident_predictions_are_right() -> None:
    report = corpus_report("all")
    confident = [ratio for low, _, ratio in report.reliability if low >= CONFIDENT]
    hits, total = sum(r.hits for r in confident), sum(r.total for r in confident)
    assert total and hits / total >= CONFIDENT_PRECISION_FLOOR, "\n".join(render(report))


def test_the_parts_cover_the_corpus() -> None:
    assert corpus_report("development").messages + corpus_report("aside").messages == corpus_report("all").messages
    assert corpus_report("aside").messages > 0


def test_every_labelled_file_is_readable() -> None:
    assert not [e for e in corpus_report("all").errors if "unreadable" in e]


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
