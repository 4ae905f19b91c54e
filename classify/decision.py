"""The model's probabilities → one kind, a confidence, and whether it is in doubt.

The confidence is the calibrated probability that the message is evidence at all
(1 − P(none)); the kind is the likeliest evidence kind. `CARNET_EVIDENCE_THRESHOLD`
decides: evidence at or above it, none below. Around the threshold lies the doubt
band (`doubt_band`, derived from the threshold): a message there is kept with its likeliest
kind and flagged `in_doubt` for the seeker's review, whichever side of the threshold
it falls, instead of being silently recorded or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from carnet.classify.evidence import Kind
from carnet.classify.model import KINDS

_NONE = KINDS.index(Kind.NONE)
#: Half the width of the doubt band, in probability.
DOUBT_MARGIN = 0.1


def doubt_band(threshold: float) -> tuple[float, float]:
    """[low, high): the probabilities of evidence too close to the threshold to decide alone."""
    return max(0.0, threshold - DOUBT_MARGIN), min(1.0, threshold + DOUBT_MARGIN)


@dataclass(frozen=True)
class Decision:
    kind: Kind
    confidence: float
    in_doubt: bool = False
    below_threshold: bool = False

    @property
    def reason(self) -> str:
        doubt = " in doubt" if self.in_doubt else ""
        return f"=> model: {self.kind.value} {self.confidence}{doubt}"


def decide(row: np.ndarray, threshold: float, band: tuple[float, float]) -> Decision:
    """The decision for one row of class probabilities (in `KINDS` order)."""
    evidence = round(float(1 - row[_NONE]), 3)
    kinds = [i for i in range(len(KINDS)) if i != _NONE]
    likeliest = KINDS[max(kinds, key=lambda i: row[i])]
    low, high = band
    in_doubt = low <= evidence < high
    if evidence >= threshold:
        return Decision(likeliest, evidence, in_doubt)
    if in_doubt:
        return Decision(likeliest, evidence, True, below_threshold=True)
    return Decision(Kind.NONE, evidence)
