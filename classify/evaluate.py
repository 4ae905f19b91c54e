"""Evaluation of classification against a labelled corpus.

A corpus is a folder holding one or more `labels.jsonl` (searched recursively),
one JSON object per line: `file` (relative to the labels file's folder), `kind`,
`company`, `position`, `date`, `lang`, `me`, `split`, `application_type`,
`channel`. Each file is parsed and classified with `Context(me=...)`; the report
holds per-kind precision and recall, evidence precision and recall, the false
evidence rate, field accuracies, the same figures per language, a reliability
table (how often evidence predicted with a given confidence has the right kind)
and every error with its file. Company and date compare normalized
text (casefold, no accents, collapsed whitespace); a position matches when
rapidfuzz's token_set_ratio of the normalized titles is at least 90, so that a
title with or without its specialty ("Product Manager - Claims") counts, with job
abbreviations spelled out on both sides ("IDE" and "Infirmière" are one title).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

from carnet.classify.classifier import DEFAULT_THRESHOLD, classify_many
from carnet.classify.evidence import Context, Evidence, Kind
from carnet.classify.position import spell_out
from carnet.classify.tables import training_config
from carnet.ingest.message import ParseError
from carnet.ingest.parse import parse_message
from rapidfuzz import fuzz

POSITION_MATCH = 90
FIELDS = ("company", "position", "date")
RELIABILITY_BINS = tuple(i / 10 for i in range(11))


@dataclass(frozen=True)
class Label:
    path: Path
    kind: Kind
    company: str | None
    position: str | None
    date: str | None
    lang: str
    me: frozenset[str]
    split: str
    #: Variants of one template share a group (the writer's `group`, else the file).
    group: str = ""


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.hits}/{self.total})"


@dataclass(frozen=True)
class Report:
    messages: int
    precision: dict[Kind, Ratio]
    recall: dict[Kind, Ratio]
    evidence_precision: Ratio
    evidence_recall: Ratio
    false_evidence: Ratio
    fields: dict[str, Ratio]
    errors: list[str] = field(default_factory=list)
    languages: dict[str, dict[str, Ratio]] = field(default_factory=dict)
    reliability: list[tuple[float, float, Ratio]] = field(default_factory=list)
    calibration_error: float = 0.0
    #: Messages kept for the seeker's review: (labelled evidence, labelled none).
    in_doubt: tuple[int, int] = (0, 0)


#: Splits kept aside: their errors are not read, so that they tell how the rules do on unseen mail.
ASIDE_PREFIX = "check"


def load_labels(root: Path, split: str | None = None) -> list[Label]:
    """Every label under `root`, or those of `split`: one split ("dev"), several ("tune4,tune5"),
    "development" (every split but the halves kept aside) or "aside" (those: check2, check3…).

    The blind sets of `config/classifier.toml` are not even opened unless `split` names one:
    they are for their first reading, never for training or cross-validation."""
    wanted = {name.strip() for name in split.split(",")} if split else set()
    blind = set(training_config()["blind"])
    files = [path for path in sorted(root.rglob("labels.jsonl"))
             if not (blind & set(path.relative_to(root).parts[:-1])) or blind & wanted & set(path.parts)]
    labels = [label for path in files for label in _read(path)]
    if split in (None, "all"):
        return labels
    if split in ("development", "aside"):
        return [label for label in labels if label.split.startswith(ASIDE_PREFIX) == (split == "aside")]
    return [label for label in labels
            if label.split in wanted or wanted & set(label.path.relative_to(root).parts[:-1])]


def _read(path: Path) -> Iterator[Label]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            yield Label(
                path=path.parent / row["file"],
                kind=Kind(row["kind"]),
                company=row.get("company"),
                position=row.get("position"),
                date=row.get("date"),
                lang=row.get("lang", ""),
                me=frozenset(a.lower() for a in row.get("me") or ()),
                split=row.get("split", ""),
                group=str(row["group"]) if row.get("group") else str(path.parent / row["file"]),
            )


def evaluate(root: Path, split: str | None = None,
             threshold: float = DEFAULT_THRESHOLD) -> Report:
    """Parse, classify and score every labelled message under `root`."""
    labels, messages, errors = [], [], []
    for label in load_labels(root, split):
        try:
            messages.append(parse_message(label.path.read_bytes()))
            labels.append(label)
        except (OSError, ParseError) as exc:
            errors.append(f"{label.path}: unreadable: {exc}")
    contexts = [Context(me=label.me) for label in labels]
    return score(labels, classify_many(messages, contexts, threshold), errors)


def score(labels: Sequence[Label], predictions: Sequence[Evidence],
          errors: Sequence[str] = ()) -> Report:
    """The report for predictions aligned with their labels. A message in doubt counts as the
    threshold alone decides it: what the logbook holds before the seeker's review."""
    decided = [replace(ev, kind=ev.decided_kind) for ev in predictions]
    pairs = list(zip(labels, decided, strict=True))
    kinds = [k for k in Kind if k is not Kind.NONE]
    return Report(
        messages=len(pairs),
        precision={k: _ratio(pairs, lambda lab, ev, k=k: ev.kind is k, k) for k in kinds},
        recall={k: _ratio(pairs, lambda lab, ev, k=k: lab.kind is k, k) for k in kinds},
        evidence_precision=_evidence(pairs, predicted=True),
        evidence_recall=_evidence(pairs, predicted=False),
        false_evidence=Ratio(
            sum(1 for lab, ev in pairs if lab.kind is Kind.NONE and ev.is_evidence),
            sum(1 for lab, _ in pairs if lab.kind is Kind.NONE),
        ),
        fields={name: _field_ratio(pairs, name) for name in FIELDS},
        errors=[*errors, *(e for lab, ev in pairs for e in _errors(lab, ev))],
        languages={lang: _summary([p for p in pairs if p[0].lang == lang])
                   for lang in sorted({lab.lang for lab, _ in pairs})},
        reliability=_reliability(pairs),
        calibration_error=expected_calibration_error(pairs),
        in_doubt=(sum(1 for lab, ev in pairs if ev.in_doubt and lab.kind is not Kind.NONE),
                  sum(1 for lab, ev in pairs if ev.in_doubt and lab.kind is Kind.NONE)),
    )


def _summary(pairs: Pairs) -> dict[str, Ratio]:
    """Evidence precision and recall, false evidence and field accuracies of a subset."""
    noise = [(lab, ev) for lab, ev in pairs if lab.kind is Kind.NONE]
    return {
        "evidence precision": _evidence(pairs, predicted=True),
        "evidence recall": _evidence(pairs, predicted=False),
        "false evidence": Ratio(sum(1 for _, ev in noise if ev.is_evidence), len(noise)),
        **{name: _field_ratio(pairs, name) for name in FIELDS},
    }


def _in_bin(confidence: float, low: float, high: float) -> bool:
    return low <= confidence < high or (high == 1.0 and confidence == 1.0)


def _reliability(pairs: Pairs) -> list[tuple[float, float, Ratio]]:
    """For each bin of confidence (the probability that the message is evidence), how many
    of its messages are labelled evidence; every message counts, kept or not."""
    bins = []
    for low, high in pairwise(RELIABILITY_BINS):
        chosen = [lab for lab, ev in pairs if _in_bin(ev.confidence, low, high)]
        bins.append((low, high, Ratio(sum(1 for lab in chosen if lab.kind is not Kind.NONE), len(chosen))))
    return bins


def expected_calibration_error(pairs: Pairs) -> float:
    """Mean gap between the confidence and the share of evidence, by bin, weighted by the bin's size."""
    gaps = 0.0
    for low, high in pairwise(RELIABILITY_BINS):
        chosen = [(lab, ev) for lab, ev in pairs if _in_bin(ev.confidence, low, high)]
        if chosen:
            mean = sum(ev.confidence for _, ev in chosen) / len(chosen)
            share = sum(1 for lab, _ in chosen if lab.kind is not Kind.NONE) / len(chosen)
            gaps += len(chosen) * abs(mean - share)
    return gaps / len(pairs) if pairs else 0.0


Pairs = list[tuple[Label, Evidence]]


def _ratio(pairs: Pairs, selected: Callable[[Label, Evidence], bool], kind: Kind) -> Ratio:
    chosen = [(lab, ev) for lab, ev in pairs if selected(lab, ev)]
    return Ratio(sum(1 for lab, ev in chosen if lab.kind is kind and ev.kind is kind), len(chosen))


def _evidence(pairs: list[tuple[Label, Evidence]], predicted: bool) -> Ratio:
    chosen = [(lab, ev) for lab, ev in pairs
              if (ev.is_evidence if predicted else lab.kind is not Kind.NONE)]
    hits = sum(1 for lab, ev in chosen if ev.is_evidence and lab.kind is not Kind.NONE)
    return Ratio(hits, len(chosen))


def _field_ratio(pairs: list[tuple[Label, Evidence]], name: str) -> Ratio:
    both = [(lab, ev) for lab, ev in pairs if ev.is_evidence and lab.kind is not Kind.NONE]
    return Ratio(sum(1 for lab, ev in both if field_matches(name, lab, ev)), len(both))


def normalize(text: str | None) -> str:
    """Casefold, accents removed, whitespace collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def field_matches(name: str, label: Label, evidence: Evidence) -> bool:
    expected = normalize(getattr(label, name))
    got = normalize(str(evidence.date) if name == "date" and evidence.date else
                    getattr(evidence, name) if name != "date" else None)
    if name == "position" and expected and got:
        return fuzz.token_set_ratio(_title(label.position), _title(evidence.position)) >= POSITION_MATCH
    return expected == got


def _title(position: str | None) -> str:
    return normalize(spell_out(position or ""))


def _errors(label: Label, evidence: Evidence) -> Iterator[str]:
    where = label.path.name
    if label.kind is not evidence.kind:
        yield f"{where}: kind {label.kind.value} != {evidence.kind.value} ({evidence.confidence})"
    if label.kind is Kind.NONE or not evidence.is_evidence:
        return
    for name in FIELDS:
        if not field_matches(name, label, evidence):
            got = evidence.date if name == "date" else getattr(evidence, name)
            yield f"{where}: {name} {getattr(label, name)!r} != {str(got)!r}" if got else \
                f"{where}: {name} {getattr(label, name)!r} != None"


def _language_lines(lang: str, figures: dict[str, Ratio]) -> list[str]:
    return [f"[{lang}]", *(f"  {name:18} {ratio}" for name, ratio in figures.items())]


def render(report: Report) -> list[str]:
    """The report as plain text lines."""
    lines = [f"messages: {report.messages}"]
    for kind in report.precision:
        lines.append(f"{kind.value:16} precision {report.precision[kind]}  "
                     f"recall {report.recall[kind]}")
    lines += [
        f"evidence precision {report.evidence_precision}",
        f"evidence recall    {report.evidence_recall}",
        f"false evidence     {report.false_evidence}",
        *(f"{name:18} {ratio}" for name, ratio in report.fields.items()),
        *(line for lang, figures in report.languages.items() for line in _language_lines(lang, figures)),
        f"in doubt (kept for review): {sum(report.in_doubt)} "
        f"({report.in_doubt[0]} labelled evidence, {report.in_doubt[1]} labelled none)",
        "reliability (share of messages labelled evidence, by confidence):",
        *(f"  [{low:.1f}, {high:.1f}{']' if high == 1.0 else ')'} {ratio}"
          for low, high, ratio in report.reliability if ratio.total),
        f"expected calibration error {report.calibration_error:.3f}",
        f"errors: {len(report.errors)}",
        *(f"  {error}" for error in report.errors),
    ]
    return lines
