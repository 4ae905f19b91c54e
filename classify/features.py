"""The model's features: the zones' words and the rules' signals, hashed.

Each zone gives its words, word pairs and word stems (the first five letters of a
long word: "candidature", "candidat", "candidate" share "candi", which is what French
morphology needs from a bag of words), prefixed with the zone's name so that "offre"
in a subject and in a signature are different features. Each zone's text features
are scaled to a unit norm, so that a long opening weighs no more than a short one.
The rules' signals come as features too, weighted by the rule's own weight, with the
rules' combined verdict, and the kind of body the other party is (a school, a letting agency,
a public body, an association, a medium: `organisation_kinds` of `extraction.toml`) as a role.
Hashing (no fitted vocabulary) keeps the artefact a plain
matrix of weights and the features stateless.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise

from carnet.classify.rules import Signal
from carnet.classify.scoring import combine
from carnet.classify.zones import Zones
from scipy.sparse import csr_matrix
from sklearn.feature_extraction import FeatureHasher

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
    """Each rule's vote (its name, kind and strength) weighted as the rule weighs it,
    and the kind and confidence of the rules' combined verdict."""
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
    # Crossed with direction: a CV sent by the seeker and a CV mentioned by an employer differ.
    direction = zones.role[0]
    found += [(f"{direction}|{name}", value) for name, value in found if name.startswith(("rule:", "flag:"))]
    return found


def matrix(rows: Iterable[list[Feature]]) -> csr_matrix:
    """One hashed row per message."""
    hasher = FeatureHasher(n_features=N_FEATURES, input_type="pair", alternate_sign=False)
    return hasher.transform(rows).tocsr()
