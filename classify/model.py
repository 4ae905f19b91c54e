"""The learned model: spaCy's textcat (a bag of hashed tokens and token pairs), calibrated.

Trained by `carnet.classify.train` on a blank French pipeline and shipped as one file:
the pipeline's config and spaCy's own serialisation of its weights (`Language.to_bytes`,
msgpack, no pickle), compressed, with the calibration and the kinds. Loading needs no
network and no spaCy model package. The calibration, fitted on held-out predictions,
is a temperature and a shift of the `none` logit: a message given 0.8 is evidence
about four times in five. (A temperature alone left textcat's middle range
under-confident: a third to a half of the messages given 0.1–0.4 were evidence.)
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import srsly
from carnet.classify.evidence import Kind
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc
from spacy.util import load_model_from_config
from spacy.vocab import Vocab
from thinc.api import Config

#: The classes, in the order of the probabilities' columns.
KINDS = tuple(Kind)
_NONE = KINDS.index(Kind.NONE)
ARTEFACT = "data/textcat.bin"
#: What the artefact leaves out: the tokens are made by `classify.features`, and the model
#: reads their hashes, not the strings (which would only make the file larger).
_NOT_SAVED = ["vocab", "tokenizer"]


class ModelMissing(RuntimeError):
    """The model artefact is not installed: an installation error (retrain with `carnet train`)."""


@dataclass(frozen=True)
class Model:
    nlp: Language
    temperature: float
    #: Added to the `none` logit after the temperature.
    none_shift: float = 0.0

    @property
    def textcat(self) -> TextCategorizer:
        return self.nlp.get_pipe("textcat")  # type: ignore[return-value]

    def log_scores(self, tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """The textcat's log probabilities (in `KINDS` order, before calibration), one row per message.

        Each batch's docs get a vocabulary of their own, dropped with them: the model reads only
        the tokens' hashes, and the shared one would keep every string of every message."""
        vocab = Vocab()
        scores = np.asarray(self.textcat.predict([Doc(vocab, words=list(t)) for t in tokens]))
        order = [self.textcat.labels.index(kind.value) for kind in KINDS]
        return np.log(np.clip(scores[:, order], 1e-12, 1.0))

    def probabilities(self, tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """One row of calibrated class probabilities (in `KINDS` order) per message."""
        if not tokens:
            return np.zeros((0, len(KINDS)))
        return softmax(calibrated(self.log_scores(tokens), self.temperature, self.none_shift))

    def save(self, path: Path, **meta: str) -> None:
        """One compressed msgpack file; zlib writes no date, so the same model writes the same bytes."""
        content = {"config": self.nlp.config.to_str(), "pipeline": self.nlp.to_bytes(exclude=_NOT_SAVED),
                   "temperature": self.temperature, "none_shift": self.none_shift,
                   "kinds": [k.value for k in KINDS], "meta": meta}
        path.write_bytes(zlib.compress(srsly.msgpack_dumps(content), 6))


def calibrated(logits: np.ndarray, temperature: float, none_shift: float) -> np.ndarray:
    scaled = logits / temperature
    scaled[:, _NONE] += none_shift
    return scaled


def softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def read(path: Path) -> Model:
    content = srsly.msgpack_loads(zlib.decompress(path.read_bytes()))
    if tuple(content["kinds"]) != tuple(k.value for k in KINDS):
        raise ModelMissing(f"{path}: trained for other kinds; retrain with `carnet train`")
    nlp = load_model_from_config(Config().from_str(content["config"]), auto_fill=True)
    nlp.from_bytes(content["pipeline"], exclude=_NOT_SAVED)
    return Model(nlp, float(content["temperature"]), float(content["none_shift"]))


@cache
def shipped() -> Model:
    """The model that ships in the package, loaded once per process."""
    resource = resources.files("carnet.classify").joinpath(ARTEFACT)
    if not resource.is_file():
        raise ModelMissing(f"the classification model ({ARTEFACT}) is missing: run `carnet train`")
    with resources.as_file(resource) as path:
        return read(path)
