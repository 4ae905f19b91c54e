"""The learned model: a linear layer over hashed features, with a temperature.

Trained by `carnet.classify.train` (scikit-learn's logistic regression) and shipped
as a NumPy archive of its weights, so that loading needs neither pickle nor the
version of scikit-learn that trained it. The temperature, fitted on held-out
predictions, calibrates the probabilities: a message given 0.8 is evidence of
that kind about four times in five.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from carnet.classify.evidence import Kind
from scipy.sparse import csr_matrix

#: The classes, in the order of the weights' rows.
KINDS = tuple(Kind)
ARTEFACT = "data/model.npz"


class ModelMissing(RuntimeError):
    """The model artefact is not installed: an installation error (retrain with `carnet train`)."""


@dataclass(frozen=True)
class Model:
    weights: np.ndarray  # (features, classes), float32
    intercept: np.ndarray  # (classes,)
    temperature: float

    def probabilities(self, rows: csr_matrix) -> np.ndarray:
        """One row of class probabilities (in `KINDS` order) per message."""
        logits = np.asarray(rows @ self.weights) + self.intercept
        logits = logits / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: Path, **meta: str) -> None:
        """Every number in float32: two trainings of one corpus differ by float64 noise in the
        last bits (1e-16, from the solver's sums), which float32 rounds away, so the same
        corpus writes the same bytes."""
        np.savez_compressed(path, weights=self.weights.astype(np.float32),
                            intercept=self.intercept.astype(np.float32),
                            temperature=np.array(self.temperature, dtype=np.float32),
                            kinds=np.array([k.value for k in KINDS]),
                            **{f"meta_{k}": np.array(v) for k, v in meta.items()})


def read(path: Path) -> Model:
    with np.load(path) as data:
        if tuple(data["kinds"]) != tuple(k.value for k in KINDS):
            raise ModelMissing(f"{path}: trained for other kinds; retrain with `carnet train`")
        return Model(weights=data["weights"], intercept=data["intercept"].astype(np.float64),
                     temperature=float(data["temperature"]))


@cache
def shipped() -> Model:
    """The model that ships in the package, loaded once per process."""
    resource = resources.files("carnet.classify").joinpath(ARTEFACT)
    if not resource.is_file():
        raise ModelMissing(f"the classification model ({ARTEFACT}) is missing: run `carnet train`")
    with resources.as_file(resource) as path:
        return read(path)
