"""Does spaCy's `textcat` beat the shipped linear model? Both measured on the same grouped folds.

The corpus is the labelled one (`tests/corpus`, blind sets aside, as `load_labels` reads it
with no split) and the folds are those of `carnet eval tests/corpus --folds 5`
(`classify.groups.grouped_folds` over the template groups, the seed of
`config/classifier.toml`). In each fold, on the messages the sure rules leave open (a closed
message is `none` for both, as in the product):

- linear: the shipped trainer, `classify.train.fit` (logistic regression on the hashed
  features, its temperature fitted on inner grouped folds of the training part);
- textcat: spaCy's `textcat` (exclusive classes over the kinds) on a blank French pipeline,
  fed the same zones (`classify.zones`), each word of a zone prefixed by the zone's name
  ("subject:offre", "opening:entretien") after spaCy's French tokenizer, plus the roles, flags,
  the rules' signals and their verdict as tokens; seed 0 (`spacy.util.fix_random_seed`), a fixed
  number of epochs over minibatches of 32. Architectures: `TextCatBOW.v3` (words and word pairs)
  and `TextCatEnsemble.v2` without vectors (spaCy's default textcat).

Evidence is a kind other than `none` at threshold 0.5 (1 − P(none) ≥ 0.5, rounded to three
decimals as `classify.decision.decide` rounds it); its kind is the likeliest of the others.
The table gives, over the held-out predictions of all the folds run: evidence precision and
recall, false evidence (messages labelled none predicted as evidence), kind accuracy on the
messages labelled evidence and predicted evidence, training time (CPU seconds, summed over the
folds) and prediction speed (open messages per second of CPU time, from the reading's zones to
the probabilities; the reading itself, shared by both, is not counted).

    python benchmarks/compare_textcat.py [--folds 5] [--run N] [--epochs 10] [--models linear,bow,ensemble]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import spacy
from carnet.classify.decision import decide, doubt_band
from carnet.classify.evidence import Kind
from carnet.classify.features import features, matrix
from carnet.classify.groups import grouped_folds
from carnet.classify.model import KINDS
from carnet.classify.reading import Reading
from carnet.classify.scoring import combine
from carnet.classify.tables import training_config
from carnet.classify.train import Corpus, fit, load_corpus
from carnet.classify.zones import zones_of
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

THRESHOLD = 0.5
BATCH = 32
DROPOUT = 0.2
_NONE = KINDS.index(Kind.NONE)
ARCHITECTURES = {
    "bow": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
            "no_output_layer": False, "length": 262144},
    "ensemble": None,  # spaCy's default textcat: TextCatEnsemble.v2, no static vectors
}

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
    """The shipped training (`classify.train.fit`) on the given corpus indices."""

    def train(indices: Sequence[int]) -> Predict:
        rows, kinds = corpus.rows(indices)
        model = fit(rows, kinds, [corpus.groups[i] for i in indices])

        def predict(readings: Sequence[Reading]) -> np.ndarray:
            return model.probabilities(matrix(features(zones_of(r.facts), r.signals) for r in readings))

        return predict

    return train


def tokens(nlp: Language, reading: Reading) -> list[str]:
    """What the linear model reads of a message, as tokens: zone-prefixed words, roles, flags, signals."""
    zones = zones_of(reading.facts)
    texts = {"subject": zones.subject, "party": zones.party, "opening": zones.opening,
             "signature": zones.signature, "attachment": " ".join(zones.attachments)}
    words = [f"role:{role}" for role in zones.role] + [f"flag:{flag}" for flag in zones.flags]
    for zone, text in texts.items():
        words += [f"{zone}:{t.lower_}" for t in nlp.tokenizer(text) if not t.is_space]
    for signal in reading.signals:
        rule = signal.reason.split("(")[0].split(":")[0]
        words.append(f"rule:{rule}:{signal.kind.value}:{'strong' if signal.strong else 'weak'}")
    words.append(f"verdict:{combine(reading.signals).kind.value}" if reading.signals else "rule:nothing")
    return words


def textcat_trainer(corpus: Corpus, architecture: str, epochs: int) -> Callable[[Sequence[int]], Predict]:
    """A fresh spaCy textcat of `architecture`, trained `epochs` times over the given indices."""

    def train(indices: Sequence[int]) -> Predict:
        fix_random_seed(0)
        nlp = spacy.blank("fr")
        model = ARCHITECTURES[architecture]
        textcat = nlp.add_pipe("textcat", config={"model": model} if model else {})
        for kind in KINDS:
            textcat.add_label(kind.value)  # type: ignore[attr-defined]
        examples = [Example.from_dict(_doc(nlp, corpus.readings[i]), {"cats": _cats(corpus.labels[i].kind)})
                    for i in indices]
        optimizer = nlp.initialize(lambda: examples)
        shuffler = random.Random(0)
        for _ in range(epochs):
            shuffler.shuffle(examples)
            for batch in minibatch(examples, size=BATCH):
                nlp.update(batch, sgd=optimizer, drop=DROPOUT)

        def predict(readings: Sequence[Reading]) -> np.ndarray:
            docs = nlp.pipe(_doc(nlp, r) for r in readings)
            return np.array([[doc.cats[kind.value] for kind in KINDS] for doc in docs])

        return predict

    return train


def _doc(nlp: Language, reading: Reading) -> Doc:
    return Doc(nlp.vocab, words=tokens(nlp, reading))


def _cats(kind: Kind) -> dict[str, float]:
    return {k.value: float(k is kind) for k in KINDS}


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
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--models", default="linear,bow,ensemble")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = load_corpus()
    open_ = corpus.open
    folds = grouped_folds([corpus.groups[i] for i in open_], args.folds, training_config()["seed"])[:args.run]
    held = {open_[i] for _, test in folds for i in test}
    closed = sorted(set(range(len(corpus.readings))) - set(open_))
    print(f"corpus: {len(corpus.readings)} messages, {len(open_)} open, {len(closed)} closed by the sure rules; "
          f"folds run: {len(folds)} of {args.folds} ({len(held)} open messages held out); epochs {args.epochs}")
    trainers = {"linear": lambda: linear_trainer(corpus),
                "bow": lambda: textcat_trainer(corpus, "bow", args.epochs),
                "ensemble": lambda: textcat_trainer(corpus, "ensemble", args.epochs)}
    tallies = []
    for name in args.models.split(","):
        tally = Tally({"linear": "linear (shipped)", "bow": "textcat BOW", "ensemble": "textcat ensemble"}[name])
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
