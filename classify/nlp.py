"""spaCy, loaded once per process, for the named entities rules cannot see.

Only the NER component is kept (it has its own embedding layer in
fr_core_news_sm): the parser, tagger and lemmatizer cost time and give nothing
here. An entity ruler in front of it tags the names of relays as PLATFORM, so
that "Indeed" or "Welcome to the Jungle" are never taken for the employer.
Nothing is ever downloaded: a missing model is an installation error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice

import spacy
from carnet.classify.tables import relays
from spacy.language import Language

MODEL = "fr_core_news_sm"
SNIPPET_CHARS = 600
_UNUSED = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter")

Entities = list[tuple[str, str]]


def pipeline() -> Language:
    return _loaded()[0]


def model_strings() -> Iterator[str]:
    """The strings of the vocabulary as the model was loaded, in order. spaCy adds the strings of
    every text it reads to `vocab.strings`: read whole, they would depend on which messages this
    process read first, and a pool worker would classify unlike the process that started it."""
    nlp, count = _loaded()
    return islice(nlp.vocab.strings, count)


@cache
def _loaded() -> tuple[Language, int]:
    nlp = spacy.load(MODEL, exclude=list(_UNUSED))
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [{"label": "PLATFORM", "pattern": relay.name} for relay in relays()]
    )
    return nlp, len(nlp.vocab.strings)


def entities(texts: Iterable[str]) -> Iterator[Entities]:
    """(text, label) of the entities of each text's first SNIPPET_CHARS characters."""
    for doc in pipeline().pipe(text[:SNIPPET_CHARS] for text in texts):
        yield [(ent.text, ent.label_) for ent in doc.ents]
