"""The model artefact: reproducible training, a shipped file of bounded size that loads offline,
and only when a message needs it."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest
from carnet.classify import classify, model
from carnet.classify.evidence import Context, Kind
from carnet.classify.train import CORPUS, train
from test_classify_rules import ME, mail

MAX_BYTES = 25 * 1024 * 1024
SMALL_CORPUS = CORPUS / "en"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_training_twice_writes_the_same_bytes(tmp_path: Path) -> None:
    first, count = train(SMALL_CORPUS, tmp_path / "first.bin")
    second, _ = train(SMALL_CORPUS, tmp_path / "second.bin")
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
    assert set(loaded.textcat.labels) == {kind.value for kind in model.KINDS}
    assert loaded.temperature > 0
    rows = loaded.probabilities([["subject:candidature", "role:in"], ["flag:bulk"]])
    assert rows.shape == (2, len(model.KINDS))
    assert abs(rows.sum(axis=1) - 1).max() < 1e-6


def test_the_model_is_loaded_only_when_a_message_needs_it() -> None:
    model.shipped.cache_clear()
    closed = mail("marc.petit@free.fr", "Samedi", "On se retrouve au marché à dix heures ?")
    assert classify(closed, Context(me=frozenset({ME}))).kind is Kind.NONE
    assert model.shipped.cache_info().currsize == 0
    needing = mail("rh@boulangerie-moreau.fr", "Votre candidature",
                   "Bonjour, nous avons bien reçu votre candidature au poste de vendeuse.")
    classify(needing, Context(me=frozenset({ME})))
    assert model.shipped.cache_info().currsize == 1
