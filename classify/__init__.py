"""Classification: a parsed message and its context in, one `Evidence` out.

Pure: no I/O besides reading the config tables and the model, and loading spaCy
once per process. Each message is read once (`classify.reading`): its facts, the
rules' signals and the zones the model reads. Sure rules close the reading (a
message that speaks of no job, a delivery report, mail to oneself); otherwise the
learned model (`classify.model`, spaCy's textcat trained by `classify.train`,
loaded once a message needs it) weighs the rules' signals with the zones' words, and
`classify.decision` turns its calibrated probabilities into a kind, a confidence and
a doubt flag. `classify.extract` finds company, position and date of evidence.
spaCy's NER runs only for evidence whose company rules could not find, on a short
snippet, and in batches in `classify_many`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carnet.classify.evidence import ApplicationType, Context, Direction, Evidence, Kind

if TYPE_CHECKING:
    from carnet.classify.classifier import DEFAULT_THRESHOLD, classify, classify_many

__all__ = [
    "DEFAULT_THRESHOLD",
    "ApplicationType",
    "Context",
    "Direction",
    "Evidence",
    "Kind",
    "classify",
    "classify_many",
]

#: What `classifier` gives, imported at first use (PEP 562): spaCy, NumPy and the tables load
#: only when a message is classified.
_CLASSIFIER = frozenset({"DEFAULT_THRESHOLD", "classify", "classify_many", "conclude", "probabilities"})


def __getattr__(name: str) -> Any:
    if name in _CLASSIFIER:
        from carnet.classify import classifier

        return getattr(classifier, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
