"""Grouped cross-validation of the model: `carnet eval CORPUS --folds K`.

The corpus (blind sets aside) is read once; for each of K folds, a model is trained
(`classify.train.fit`, its temperature fitted inside the training part) on the other
folds and classifies the held-out one; variants of one template are never on both
sides (`classify.groups`). The held-out predictions of all folds make one report, the
figure to expect on mail like the corpus's but not in it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from carnet.classify.classifier import DEFAULT_THRESHOLD, conclude
from carnet.classify.evaluate import Report, score
from carnet.classify.groups import grouped_folds
from carnet.classify.tables import training_config
from carnet.classify.train import Corpus, fit, load_corpus


def cross_validate(root: Path, folds: int | None = None, split: str | None = None,
                   threshold: float = DEFAULT_THRESHOLD) -> Report:
    """The report of the held-out predictions of a grouped K-fold cross-validation."""
    corpus = load_corpus(root, split)
    return score(corpus.labels, conclude(corpus.readings, held_out(corpus, folds), threshold))


def held_out(corpus: Corpus, folds: int | None = None) -> list[np.ndarray | None]:
    """Each message's class probabilities from the model of the folds it is not in
    (None for a message a sure rule closes)."""
    config = training_config()
    indices = corpus.open
    rows, kinds = corpus.rows(indices)
    groups = [corpus.groups[i] for i in indices]
    found: dict[int, np.ndarray] = {}
    for train, test in grouped_folds(groups, folds or config["folds"], config["seed"]):
        model = fit([rows[i] for i in train], kinds[train], [groups[i] for i in train])
        for position, row in zip(test, model.probabilities([rows[i] for i in test]), strict=True):
            found[indices[position]] = row
    return [found.get(i) for i in range(len(corpus.readings))]
