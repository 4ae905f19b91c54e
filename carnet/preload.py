"""The classifier's tables and models, loaded before the first message that needs them.

Loading them (spaCy's French model, the lexicons, the classification model) takes
seconds: a worker process does it once, before its first batch, not seconds into a
folder. The pool's fork server imports this module (`carnet.pool`), so that every
worker forked from it starts with them loaded, and they are loaded once per pool,
not once per worker.
"""

from __future__ import annotations

from functools import cache

_SAMPLE = (b"From: RH Acme <rh@acme.fr>\r\nTo: lea@example.fr\r\nSubject: Votre candidature\r\n\r\n"
           b"Bonjour, nous vous invitons a un entretien pour le poste de comptable.\r\n")


@cache
def load() -> None:
    """Classify a sample message (tables, lexicons, the model) and load spaCy's model with its vocabulary."""
    from carnet.classify import classify
    from carnet.classify.evidence import Context
    from carnet.classify.segment import segment_label
    from carnet.ingest.parse import parse_message

    classify(parse_message(_SAMPLE), Context(me=frozenset({"lea@example.fr"})))
    segment_label("warm-up")  # spaCy's model and the vocabulary it gives: the sample needs neither


load()  # what importing this module is for: the fork server imports it to have the models loaded
