"""Does spaCy's `textcat` (shipped) still beat the linear model it replaced? Both on the same grouped folds.

The corpus is the labelled one (`tests/corpus`, blind sets aside, as `load_labels` reads it
with no split) and the folds are those of `carnet eval tests/corpus --folds 5`
(`classify.groups.grouped_folds` over the template groups, the seed of
`config/classifier.toml`). In each fold, on the messages the sure rules leave open (a closed
message is `none` for both, as in the product):

- textcat: the shipped trainer, `classify.train.fit` (spaCy's textcat of
  `config/classifier.toml` on the tokens of `classify.features`: zone-prefixed words, roles,
  flags, the rules' signals and their verdict; its temperature fitted on inner grouped folds
  of the training part);
- linear: the logistic regression Carnet shipped before (`linear_model.py`, scikit-learn, on
  hashed features of the same zones and signals, its temperature fitted the same way).

Evidence is a kind other than `none` at threshold 0.5 (1 − P(none) ≥ 0.5, rounded to three
decimals as `classify.decision.decide` rounds it); its kind is the likeliest of the others.
The table gives, over the held-out predictions of all the folds run: evidence precision and
recall, false evidence (messages labelled none predicted as evidence), kind accuracy on the
messages labelled evidence and predicted evidence, training time (CPU seconds, summed over the
folds, calibration included) and prediction speed (open messages per second of CPU time, from
the reading's zones to the probabilities; the reading itself, shared by both, is not counted).

    python benchmarks/compare_textcat.py [--folds 5] [--run N] [--models textcat,linear]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import linear_model
import numpy as np
from carnet.classify.decision import decide, doubt_band
from carnet.classify.evidence import Kind
from carnet.classify.features import tokens
from carnet.classify.groups import grouped_folds
from carnet.classify.model import KINDS
from carnet.classify.reading import Reading
from carnet.classify.tables import training_config
from carnet.classify.train import Corpus, fit, load_corpus
from carnet.classify.zones import zones_of

THRESHOLD = 0.5
_NONE = KINDS.index(Kind.NONE)

Predict = Callable[[Sequence[Reading]], np.ndarray]


@dataclass
class Tally:
    """Held-out predictions of one model, gathered over the folds, and its costs."""

    name: str
    predicted: list[int] = field(default_factory=list)
    truth: list[int] = field(default_factory=list)
    train_seconds: float = 0.0
    predict_seconds: float = 0.0
    predicted_messages: int = 0

    def add(self, probabilities: np.ndarray, kinds: np.ndarray) -> None:
        self.predicted += [_kind(row) for row in probabilities]
        self.truth += [int(k) for k in kinds]

    def closed(self, count: int) -> None:
        """Messages the sure rules close: labelled none or not, predicted none."""
        self.predicted += [_NONE] * count


def _kind(row: np.ndarray) -> int:
    """The kind the product's decision gives at the threshold alone (as `carnet eval` scores it)."""
    decision = decide(row, THRESHOLD, doubt_band(THRESHOLD))
    return _NONE if decision.below_threshold else KINDS.index(decision.kind)


def _ratio(hits: int, total: int) -> str:
    return f"{hits / total if total else 1.0:.3f} ({hits}/{total})"


def figures(tally: Tally) -> dict[str, str]:
    pairs = list(zip(tally.truth, tally.predicted, strict=True))
    predicted = [(t, p) for t, p in pairs if p != _NONE]
    labelled = [(t, p) for t, p in pairs if t != _NONE]
    negatives = [(t, p) for t, p in pairs if t == _NONE]
    both = [(t, p) for t, p in labelled if p != _NONE]
    speed = tally.predicted_messages / tally.predict_seconds if tally.predict_seconds else 0.0
    return {
        "evidence precision": _ratio(sum(t != _NONE for t, _ in predicted), len(predicted)),
        "evidence recall": _ratio(len(both), len(labelled)),
        "false evidence": _ratio(sum(p != _NONE for _, p in negatives), len(negatives)),
        "kind accuracy on evidence": _ratio(sum(t == p for t, p in both), len(both)),
        "training time (s, all folds)": f"{tally.train_seconds:.1f}",
        "prediction (messages/s)": f"{speed:,.0f}",
    }


def table(tallies: Sequence[Tally]) -> list[str]:
    rows = [figures(t) for t in tallies]
    width = max(len(name) for name in rows[0])
    columns = [max(len(t.name), *(len(r[name]) for name in r)) for t, r in zip(tallies, rows, strict=True)]
    lines = [" " * width + "".join(f"  {t.name:>{c}}" for t, c in zip(tallies, columns, strict=True))]
    for name in rows[0]:
        lines.append(f"{name:{width}}" + "".join(f"  {r[name]:>{c}}" for r, c in zip(rows, columns, strict=True)))
    return lines


def linear_trainer(corpus: Corpus) -> Callable[[Sequence[int]], Predict]:
    """The linear model Carnet shipped before textcat (`linear_model.fit`) on the given corpus indices."""

    def train(indices: Sequence[int]) -> Predict:
        rows = linear_model.rows_of([corpus.readings[i] for i in indices])
        kinds = np.array([KINDS.index(corpus.labels[i].kind) for i in indices])
        model = linear_model.fit(rows, kinds, [corpus.groups[i] for i in indices])
        return lambda readings: model.probabilities(linear_model.rows_of(readings))

    return train


def textcat_trainer(corpus: Corpus) -> Callable[[Sequence[int]], Predict]:
    """The shipped training (`classify.train.fit`) on the given corpus indices."""

    def train(indices: Sequence[int]) -> Predict:
        rows, kinds = corpus.rows(indices)
        model = fit(rows, kinds, [corpus.groups[i] for i in indices])
        return lambda readings: model.probabilities([tokens(zones_of(r.facts), r.signals) for r in readings])

    return train


def run(corpus: Corpus, tally: Tally, trainer: Callable[[Sequence[int]], Predict],
        folds: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
    """Train on each fold's training part, predict its held-out part, and tally."""
    open_ = corpus.open
    for train_part, test_part in folds:
        started = time.process_time()
        predict = trainer([open_[i] for i in train_part])
        tally.train_seconds += time.process_time() - started
        held = [open_[i] for i in test_part]
        started = time.process_time()
        probabilities = predict([corpus.readings[i] for i in held])
        tally.predict_seconds += time.process_time() - started
        tally.predicted_messages += len(held)
        tally.add(probabilities, np.array([KINDS.index(corpus.labels[i].kind) for i in held]))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="K of the grouped K-fold (as carnet eval --folds)")
    parser.add_argument("--run", type=int, default=None, help="run only the first N of the K folds")
    parser.add_argument("--models", default="textcat,linear")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = load_corpus()
    open_ = corpus.open
    folds = grouped_folds([corpus.groups[i] for i in open_], args.folds, training_config()["seed"])[:args.run]
    held = {open_[i] for _, test in folds for i in test}
    closed = sorted(set(range(len(corpus.readings))) - set(open_))
    print(f"corpus: {len(corpus.readings)} messages, {len(open_)} open, {len(closed)} closed by the sure rules; "
          f"folds run: {len(folds)} of {args.folds} ({len(held)} open messages held out)")
    trainers = {"textcat": lambda: textcat_trainer(corpus), "linear": lambda: linear_trainer(corpus)}
    tallies = []
    for name in args.models.split(","):
        tally = Tally({"textcat": "textcat (shipped)", "linear": "linear (before)"}[name])
        run(corpus, tally, trainers[name](), folds)
        if args.run is None:
            tally.closed(len(closed))
            tally.truth += [KINDS.index(corpus.labels[i].kind) for i in closed]
        tallies.append(tally)
        print(f"  {tally.name}: done at {time.perf_counter() - started:.0f} s", flush=True)
    print(*table(tallies), sep="\n")
    print(f"wall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
