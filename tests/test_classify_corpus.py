"""Floors on the labelled corpus, and robustness on the shared MIME corpus.

The model was trained on the corpus, so its figures on the corpus itself say nothing:
the floors hold the grouped cross-validation (each message classified by a model
trained without its template's variants, `carnet eval tests/corpus --folds 3`) and
the first readings of the blind sets, which no training ever read. Each floor is just
under what was reached, the figure in its comment.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import pytest
from carnet.classify import classify, train
from carnet.classify.crossval import cross_validate
from carnet.classify.evaluate import Report, load_labels, render
from carnet.classify.evidence import Context
from carnet.classify.tables import training_config
from carnet.ingest.message import ParseError
from carnet.ingest.parse import parse_message

CORPUS = Path(__file__).parent / "corpus"
MIME = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "mime"
SKIPPED_SUFFIXES = {".md", ".tsv"}
PER_MESSAGE_SECONDS = 2.0
#: Fewer folds than `carnet eval --folds 5` (the README's figures), to keep the suite quick.
FOLDS = 3

CV_FLOORS = {
    "evidence_precision": 0.94,  # reached 0.971 (5 folds, textcat, 3,637 messages) [target 0.98]
    "evidence_recall": 0.92,  # reached 0.967 [target 0.95]
    "company": 0.82,  # reached 0.821 [target 0.95]
    "position": 0.87,  # reached 0.943 [target 0.90]
    "date": 0.99,  # reached 1.000 [target 0.99]
}
CV_FALSE_EVIDENCE_CEILING = 0.05  # reached 0.027 (51/1858) [target 0.01]
CV_CALIBRATION_ERROR_CEILING = 0.05  # reached 0.008 [target 0.05]


@cache
def cv_report() -> Report:
    return cross_validate(CORPUS, FOLDS)


REPORTS = {"cross-validation": (cv_report, CV_FLOORS)}


@pytest.mark.parametrize("part", REPORTS)
@pytest.mark.parametrize("name", ["evidence_precision", "evidence_recall"])
def test_evidence_floor(part: str, name: str) -> None:
    report, floors = REPORTS[part][0](), REPORTS[part][1]
    assert getattr(report, name).value >= floors[name], "\n".join(render(report))


@pytest.mark.parametrize(("part", "ceiling"), [("cross-validation", CV_FALSE_EVIDENCE_CEILING)])
def test_false_evidence_ceiling(part: str, ceiling: float) -> None:
    report = REPORTS[part][0]()
    assert report.false_evidence.value <= ceiling, "\n".join(render(report))


@pytest.mark.parametrize("part", REPORTS)
@pytest.mark.parametrize("name", ["company", "position", "date"])
def test_field_floor(part: str, name: str) -> None:
    report, floors = REPORTS[part][0](), REPORTS[part][1]
    assert report.fields[name].value >= floors[name], "\n".join(render(report))


def test_held_out_confidence_is_calibrated() -> None:
    """On held-out folds, messages given a confidence p are evidence about p of the time."""
    report = cv_report()
    assert report.calibration_error <= CV_CALIBRATION_ERROR_CEILING, "\n".join(render(report))


@pytest.mark.parametrize("blind", training_config()["blind"])
def test_the_blind_sets_stay_out_of_training(blind: str) -> None:
    """`carnet train` and `carnet eval --folds` read `load_labels` of the corpus: they never open a
    blind set's files (config/classifier.toml's `blind`); only asking for it by name does."""
    assert train.CORPUS.resolve() == CORPUS.resolve()
    assert not [label for label in load_labels(CORPUS) if blind in label.path.parts]
    assert all(blind in label.path.parts for label in load_labels(CORPUS, split=blind))


def test_every_labelled_file_parses() -> None:
    unreadable = []
    for label in load_labels(CORPUS):
        try:
            parse_message(label.path.read_bytes())
        except (OSError, ParseError) as exc:
            unreadable.append(f"{label.path}: {exc}")
    assert not unreadable, "\n".join(unreadable)


def _mime_files() -> list[Path]:
    return sorted(p for p in MIME.rglob("*") if p.is_file() and p.suffix not in SKIPPED_SUFFIXES)


def test_every_mime_message_classifies_and_none_is_evidence() -> None:
    """Parse + classify never raises (but ParseError), each message stays fast, and none of
    these real-world messages written by others (bounces, newsletters, spam, mailing lists,
    parser test cases; no job mail among them) is taken for job evidence, nor kept in doubt."""
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
            evidence.append(f"{path}: {found.kind.value} {found.confidence} {found.reasons}")
    assert classified and not slow
    assert not evidence, "\n".join(evidence)
