"""Training the classification model: `carnet train` (or `python -m carnet.classify.train`).

Reads every labelled message of the corpus but the blind sets, trains spaCy's textcat
(the architecture of `config/classifier.toml`, a bag of hashed tokens and token pairs)
on the tokens of `classify.features`, fits its calibration (a temperature and a shift
of the `none` logit) on grouped out-of-fold predictions, and writes the model to
`classify/data/textcat.bin`. The settings are in `config/classifier.toml`; the seeds
are fixed, so the same corpus gives the same bytes.

Messages the sure rules close (no job word, a delivery report, mail to oneself) are
never shown to the model, at training as at classification.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import spacy
from carnet.classify.evaluate import Label, load_labels
from carnet.classify.evidence import Context
from carnet.classify.features import tokens
from carnet.classify.groups import grouped_folds, template_groups
from carnet.classify.model import ARTEFACT, KINDS, Model, calibrated
from carnet.classify.reading import Reading, read
from carnet.classify.tables import training_config
from carnet.ingest.parse import parse_message
from scipy.optimize import minimize
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"

Tokens = list[list[str]]


@dataclass(frozen=True)
class Corpus:
    """Labelled messages read once: what training and cross-validation share."""

    labels: list[Label]
    readings: list[Reading]
    groups: list[str]
    _tokens: dict[int, list[str]] = field(default_factory=dict, repr=False)

    @property
    def open(self) -> list[int]:
        """Indices of the messages the model decides (the sure rules left them open)."""
        return [i for i, r in enumerate(self.readings) if r.closed is None]

    def rows(self, indices: Sequence[int]) -> tuple[Tokens, np.ndarray]:
        """The tokens (made once per message) and the kinds of these open messages."""
        for i in indices:
            if i not in self._tokens:
                zones = self.readings[i].zones
                assert zones is not None, "a closed message has no tokens"
                self._tokens[i] = tokens(zones, self.readings[i].signals)
        return ([self._tokens[i] for i in indices],
                np.array([KINDS.index(self.labels[i].kind) for i in indices]))


def load_corpus(root: Path = CORPUS, split: str | None = None) -> Corpus:
    """The labelled messages under `root` (blind sets aside), read, with their template groups."""
    labels = [label for label in load_labels(root, split) if label.path.is_file()]
    messages = [parse_message(label.path.read_bytes()) for label in labels]
    readings = [read(m, Context(me=label.me)) for m, label in zip(messages, labels, strict=True)]
    return Corpus(labels, readings, template_groups(labels, messages))


def fit(rows: Tokens, kinds: np.ndarray, groups: Sequence[str]) -> Model:
    """The model of these rows: textcat on all of them, its calibration on grouped held-out folds."""
    config = training_config()
    held_logits, held_kinds = [], []
    for train, test in grouped_folds(groups, config["calibration_folds"], config["seed"]):
        inner = Model(_textcat([rows[i] for i in train], kinds[train]), 1.0)
        held_logits.append(inner.log_scores([rows[i] for i in test]))
        held_kinds.append(kinds[test])
    temperature, none_shift = fit_calibration(np.vstack(held_logits), np.concatenate(held_kinds))
    return Model(_textcat(rows, kinds), temperature, none_shift)


def _textcat(rows: Tokens, kinds: np.ndarray) -> Language:
    """A blank French pipeline whose textcat (exclusive kinds) is trained on these rows.

    The seed is fixed before the pipeline is made and the examples are shuffled by a
    generator of that seed, so the same rows give the same weights."""
    config = training_config()
    fix_random_seed(config["seed"])
    nlp = spacy.blank("fr")
    textcat = nlp.add_pipe("textcat", config={"model": dict(config["textcat"])})
    for kind in KINDS:
        textcat.add_label(kind.value)  # type: ignore[attr-defined]
    examples = [Example.from_dict(Doc(nlp.vocab, words=row), {"cats": {k.value: float(i == j)
                                                                       for j, k in enumerate(KINDS)}})
                for row, i in zip(rows, kinds, strict=True)]
    optimizer = nlp.initialize(lambda: examples)
    shuffler = random.Random(config["seed"])
    for _ in range(config["epochs"]):
        shuffler.shuffle(examples)
        for batch in minibatch(examples, size=config["batch"]):
            nlp.update(batch, sgd=optimizer, drop=config["dropout"])
    return nlp


def fit_calibration(logits: np.ndarray, kinds: np.ndarray) -> tuple[float, float]:
    """(temperature, shift of the `none` logit) minimising the held-out negative log-likelihood.

    Nelder-Mead from (1, 0): no randomness, so the same predictions give the same values."""

    def loss(params: np.ndarray) -> float:
        return negative_log_likelihood(calibrated(logits, float(np.exp(params[0])), float(params[1])), kinds)

    found = minimize(loss, x0=np.zeros(2), method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-9})
    return float(np.exp(found.x[0])), float(found.x[1])


def negative_log_likelihood(logits: np.ndarray, kinds: np.ndarray) -> float:
    """Mean of −log P(the labelled kind) under the softmax of these logits."""
    scaled = logits - logits.max(axis=1, keepdims=True)
    log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
    return -float(log_p[np.arange(len(kinds)), kinds].mean())


def train(root: Path = CORPUS, out: Path | None = None) -> tuple[Path, int]:
    """Fit the model on the corpus and write it; (artefact path, messages trained on)."""
    corpus = load_corpus(root)
    indices = corpus.open
    rows, kinds = corpus.rows(indices)
    model = fit(rows, kinds, [corpus.groups[i] for i in indices])
    path = out or Path(__file__).parent / ARTEFACT
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path, messages=str(len(indices)))
    return path, len(indices)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the classification model on a labelled corpus.")
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    path, count = train(args.corpus, args.out)
    print(f"trained on {count} messages: {path}")


if __name__ == "__main__":
    main()
