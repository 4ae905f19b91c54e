"""Training the classification model: `carnet train` (or `python -m carnet.classify.train`).

Reads every labelled message of the corpus but the blind sets, fits a multinomial
logistic regression (scikit-learn) on the hashed features of `classify.features`, fits
a temperature on grouped out-of-fold predictions so that the probabilities are
calibrated, and writes the weights to `classify/data/model.npz`. The settings are in
`config/classifier.toml`; the seed is fixed, so the same corpus gives the same model.

Messages the sure rules close (no job word, a delivery report, mail to oneself) are
never shown to the model, at training as at classification.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from carnet.classify.evaluate import Label, load_labels
from carnet.classify.evidence import Context
from carnet.classify.features import matrix
from carnet.classify.groups import grouped_folds, template_groups
from carnet.classify.model import ARTEFACT, KINDS, Model
from carnet.classify.reading import Reading, read
from carnet.classify.tables import training_config
from carnet.ingest.parse import parse_message
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"


@dataclass(frozen=True)
class Corpus:
    """Labelled messages read once: what training and cross-validation share."""

    labels: list[Label]
    readings: list[Reading]
    groups: list[str]

    @property
    def open(self) -> list[int]:
        """Indices of the messages the model decides (the sure rules left them open)."""
        return [i for i, r in enumerate(self.readings) if r.closed is None]

    def rows(self, indices: Sequence[int]) -> tuple[csr_matrix, np.ndarray]:
        return (matrix(list(self.readings[i].features) for i in indices),
                np.array([KINDS.index(self.labels[i].kind) for i in indices]))


def load_corpus(root: Path = CORPUS, split: str | None = None) -> Corpus:
    """The labelled messages under `root` (blind sets aside), read, with their template groups."""
    labels = [label for label in load_labels(root, split) if label.path.is_file()]
    messages = [parse_message(label.path.read_bytes()) for label in labels]
    readings = [read(m, Context(me=label.me)) for m, label in zip(messages, labels, strict=True)]
    return Corpus(labels, readings, template_groups(labels, messages))


def fit(rows: csr_matrix, kinds: np.ndarray, groups: Sequence[str]) -> Model:
    """The model of these rows: weights on all of them, temperature on grouped held-out folds."""
    config = training_config()
    weights, intercept = _regression(rows, kinds)
    held_logits, held_kinds = [], []
    for train, test in grouped_folds(groups, config["calibration_folds"], config["seed"]):
        w, b = _regression(rows[train], kinds[train])
        held_logits.append(np.asarray(rows[test] @ w) + b)
        held_kinds.append(kinds[test])
    temperature = _temperature(np.vstack(held_logits), np.concatenate(held_kinds))
    return Model(weights.astype(np.float32), intercept, temperature)


def _regression(rows: csr_matrix, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(weights as features × classes, intercept), with a zero column for a class absent here.

    Only the hashed columns some row uses are fitted (a few ten thousands of 2**18): the
    others would stay zero anyway, and saga is much faster on the narrow matrix."""
    config = training_config()
    used = np.unique(rows.indices)
    regression = LogisticRegression(C=config["C"], max_iter=config["max_iter"], solver="saga",
                                    tol=config["tol"], random_state=config["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        regression.fit(rows[:, used], kinds)
    weights = np.zeros((rows.shape[1], len(KINDS)))
    intercept = np.full(len(KINDS), -30.0)
    weights[np.ix_(used, regression.classes_)] = regression.coef_.T
    intercept[regression.classes_] = regression.intercept_
    return weights, intercept


def _temperature(logits: np.ndarray, kinds: np.ndarray) -> float:
    """The temperature that minimises the held-out negative log-likelihood."""

    def loss(log_t: float) -> float:
        scaled = logits / np.exp(log_t)
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        return -float(log_p[np.arange(len(kinds)), kinds].mean())

    return float(np.exp(minimize_scalar(loss, bounds=(-3, 3), method="bounded").x))


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
