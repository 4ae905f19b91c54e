"""The linear model Carnet shipped before spaCy's textcat, kept for `compare_textcat.py`.

A multinomial logistic regression (scikit-learn, saga) over hashed features of the zones
and the rules' signals: each zone's words, word pairs and word stems (the first five
letters of a long word), prefixed with the zone's name and scaled to unit norm per zone;
each rule's vote weighted as the rule weighs it; the rules' verdict; roles and flags; the
rules' and flags' features crossed with the direction. Its temperature is fitted on grouped
inner folds of the training part (textcat's calibration, `classify.train.fit`, adds a shift
of the `none` logit). The values are
those the product used (C 4, 2000 iterations, tolerance 1e-4, the seed of
`config/classifier.toml`).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from carnet.classify.groups import grouped_folds
from carnet.classify.model import KINDS, softmax
from carnet.classify.reading import Reading
from carnet.classify.rules import Signal
from carnet.classify.scoring import combine
from carnet.classify.tables import training_config
from carnet.classify.train import negative_log_likelihood
from carnet.classify.zones import Zones, zones_of
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression

C = 4.0
MAX_ITER = 2000
TOL = 1e-4
N_FEATURES = 2**18
STEM = 5
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_DIGITS = re.compile(r"\d")

Feature = tuple[str, float]


def _words(text: str) -> list[str]:
    return [_DIGITS.sub("0", w) for w in _WORD.findall(text)]


def text_features(zone: str, text: str) -> Iterator[Feature]:
    """Words, pairs of words and stems of one zone, scaled to unit norm."""
    words = _words(text)
    tokens = set(words)
    tokens.update(f"{a} {b}" for a, b in pairwise(words))
    tokens.update(f"{w[:STEM]}~" for w in words if len(w) > STEM + 1)
    if not tokens:
        return
    scale = 1 / math.sqrt(len(tokens))
    for token in tokens:
        yield f"{zone}:{token}", scale


def signal_features(signals: Sequence[Signal]) -> Iterator[Feature]:
    for signal in signals:
        rule = signal.reason.split("(")[0].split(":")[0]
        yield f"rule:{rule}:{signal.kind.value}:{'strong' if signal.strong else 'weak'}", signal.weight
    verdict = combine(signals)
    yield f"verdict:{verdict.kind.value}", max(verdict.confidence, 0.1)


def features(zones: Zones, signals: Sequence[Signal]) -> list[Feature]:
    found: list[Feature] = [("bias", 1.0)]
    found += ((f"role:{role}", 1.0) for role in zones.role)
    found += ((f"flag:{flag}", 1.0) for flag in zones.flags)
    found += text_features("subject", zones.subject)
    found += text_features("party", zones.party)
    found += text_features("opening", zones.opening)
    found += text_features("signature", zones.signature)
    found += text_features("attachment", " ".join(zones.attachments))
    if not zones.attachments:
        found.append(("attachment:none", 1.0))
    found += signal_features(signals)
    if not signals:
        found.append(("rule:nothing", 1.0))
    direction = zones.role[0]
    found += [(f"{direction}|{name}", value) for name, value in found if name.startswith(("rule:", "flag:"))]
    return found


def matrix(rows: Iterable[list[Feature]]) -> csr_matrix:
    hasher = FeatureHasher(n_features=N_FEATURES, input_type="pair", alternate_sign=False)
    return hasher.transform(rows).tocsr()


def rows_of(readings: Sequence[Reading]) -> csr_matrix:
    return matrix(features(zones_of(r.facts), r.signals) for r in readings)


@dataclass(frozen=True)
class LinearModel:
    weights: np.ndarray  # (features, classes)
    intercept: np.ndarray  # (classes,)
    temperature: float

    def probabilities(self, rows: csr_matrix) -> np.ndarray:
        return softmax((np.asarray(rows @ self.weights) + self.intercept) / self.temperature)


def fit(rows: csr_matrix, kinds: np.ndarray, groups: Sequence[str]) -> LinearModel:
    """Weights on all the rows, temperature on grouped held-out folds of them."""
    config = training_config()
    weights, intercept = _regression(rows, kinds)
    held_logits, held_kinds = [], []
    for train, test in grouped_folds(groups, config["calibration_folds"], config["seed"]):
        w, b = _regression(rows[train], kinds[train])
        held_logits.append(np.asarray(rows[test] @ w) + b)
        held_kinds.append(kinds[test])
    return LinearModel(weights, intercept, fit_temperature(np.vstack(held_logits), np.concatenate(held_kinds)))


def fit_temperature(logits: np.ndarray, kinds: np.ndarray) -> float:
    """The temperature that minimises the held-out negative log-likelihood (the linear model's calibration)."""
    return float(np.exp(minimize_scalar(lambda log_t: negative_log_likelihood(logits / np.exp(log_t), kinds),
                                        bounds=(-3, 3), method="bounded").x))


def _regression(rows: csr_matrix, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(weights as features × classes, intercept), fitted on the columns some row uses."""
    used = np.unique(rows.indices)
    regression = LogisticRegression(C=C, max_iter=MAX_ITER, solver="saga", tol=TOL,
                                    random_state=training_config()["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        regression.fit(rows[:, used], kinds)
    weights = np.zeros((rows.shape[1], len(KINDS)))
    intercept = np.full(len(KINDS), -30.0)
    weights[np.ix_(used, regression.classes_)] = regression.coef_.T
    intercept[regression.classes_] = regression.intercept_
    return weights, intercept
