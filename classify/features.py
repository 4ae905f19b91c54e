"""What the model reads of a message, as tokens: the zones' words and the rules' signals.

Each word of a zone (spaCy's French tokenizer, lower case) is prefixed with the zone's
name, so that "offre" in a subject and in a signature are different tokens; the roles
(who the other party is), the flags of the headers, each rule's vote (its name, kind
and strength) and the kind of the rules' combined verdict come as tokens too, the
rules' and flags' also crossed with the direction (a CV sent by the seeker and a CV
mentioned by an employer differ; a bag of words sees no farther than a pair). The
textcat model (`classify.model`) hashes these tokens and their pairs: no vocabulary is
fitted, so the same tokens always mean the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence

import spacy
from carnet.classify.rules import Signal
from carnet.classify.scoring import combine
from carnet.classify.zones import Zones
from spacy.tokenizer import Tokenizer

#: spaCy keeps every string its tokenizer meets: past this many, a fresh tokenizer is made, so a
#: long-running worker's memory stays bounded (the words it yields do not depend on it).
MAX_STRINGS = 200_000

_tokenizer: Tokenizer | None = None


def _words(text: str) -> list[str]:
    global _tokenizer
    if _tokenizer is None or len(_tokenizer.vocab.strings) > MAX_STRINGS:
        _tokenizer = spacy.blank("fr").tokenizer
    return [t.lower_ for t in _tokenizer(text) if not t.is_space]


def tokens(zones: Zones, signals: Sequence[Signal]) -> list[str]:
    """The tokens of one message the sure rules left open."""
    texts = {"subject": zones.subject, "party": zones.party, "opening": zones.opening,
             "signature": zones.signature, "attachment": " ".join(zones.attachments)}
    found = [f"role:{role}" for role in zones.role] + [f"flag:{flag}" for flag in zones.flags]
    for zone, text in texts.items():
        found += [f"{zone}:{word}" for word in _words(text)]
    for signal in signals:
        rule = signal.reason.split("(")[0].split(":")[0]
        found.append(f"rule:{rule}:{signal.kind.value}:{'strong' if signal.strong else 'weak'}")
    found.append(f"verdict:{combine(signals).kind.value}" if signals else "rule:nothing")
    direction = zones.role[0]
    return found + [f"{direction}|{token}" for token in found if token.startswith(("rule:", "flag:", "verdict:"))]
