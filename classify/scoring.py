"""Signals → one kind and a confidence.

Weights of one kind add up as independent evidence (noisy-or). Among employer
replies a later stage wins once it is decisive — a rejection that thanks for the
application is a rejection, an offer that mentions the interviews is an offer —
otherwise the best-scored kind wins. Noise (alerts, newsletters, marketing)
lowers the confidence, less so when the evidence was stated outright, unless
the noise was stated too (in the subject, or by a mass mailing's headers).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from carnet.classify.evidence import Kind
from carnet.classify.rules import Signal

STAGES = (Kind.REJECTION, Kind.OFFER, Kind.INTERVIEW, Kind.APPLICATION, Kind.ACKNOWLEDGEMENT)
DECISIVE = 0.6
NOISE_DAMPING = 0.8
NOISE_DAMPING_STRONG = 0.25


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    confidence: float
    reasons: tuple[str, ...]


def noisy_or(weights: Iterable[float]) -> float:
    return 1 - math.prod(1 - w for w in weights)


def combine(signals: Sequence[Signal]) -> Verdict:
    """The kind the signals point to, and how sure we are (0 when nothing points anywhere)."""
    reasons = tuple(s.reason for s in signals)
    scores = {kind: noisy_or(s.weight for s in signals if s.kind is kind) for kind in STAGES}
    kind = _winner(scores)
    if kind is None:
        return Verdict(Kind.NONE, 0.0, reasons)
    noise = noisy_or(s.weight for s in signals if s.kind is Kind.NONE)
    stated = any(s.strong for s in signals if s.kind is kind)
    noise_stated = _noise_stated([s for s in signals if s.kind is Kind.NONE], kind)
    damping = NOISE_DAMPING_STRONG if stated and not noise_stated else NOISE_DAMPING
    confidence = round(scores[kind] * (1 - damping * noise), 3)
    return Verdict(kind, confidence, (*reasons, f"=> {kind.value} {confidence}"))


def _winner(scores: dict[Kind, float]) -> Kind | None:
    for kind in STAGES:
        if scores[kind] >= DECISIVE:
            return kind
    best = max(STAGES, key=lambda kind: scores[kind])
    return best if scores[best] > 0 else None


def _noise_stated(noise: Sequence[Signal], kind: Kind) -> bool:
    """Noise said outright, or a mass mailing (list headers) that speaks like an alert.

    Job boards confirm applications and relay rejections in mass-mailing form,
    with job ads below: the second test does not apply to those two kinds.
    """
    if any(s.strong for s in noise):
        return True
    if kind in (Kind.APPLICATION, Kind.REJECTION):
        return False
    rules = {s.reason.split("(")[0].split(":")[0] for s in noise}
    return {"bulk-headers", "noise-phrase"} <= rules and any(s.weight >= 0.8 for s in noise)
