"""The model artefact: reproducible training, a shipped file of bounded size that loads offline."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import numpy as np
import pytest
from carnet.classify import model
from carnet.classify.train import CORPUS, train

MAX_BYTES = 25 * 1024 * 1024
SMALL_CORPUS = CORPUS / "en"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_training_twice_writes_the_same_bytes(tmp_path: Path) -> None:
    first, count = train(SMALL_CORPUS, tmp_path / "first.npz")
    second, _ = train(SMALL_CORPUS, tmp_path / "second.npz")
    assert count > 100
    assert _digest(first) == _digest(second)


def test_the_shipped_model_is_small_and_loads_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    path = Path(model.__file__).parent / model.ARTEFACT
    assert path.stat().st_size <= MAX_BYTES
    model.shipped.cache_clear()
    loaded = model.shipped()
    assert loaded.weights.shape[1] == len(model.KINDS)
    assert np.isfinite(loaded.weights).all() and loaded.temperature > 0
