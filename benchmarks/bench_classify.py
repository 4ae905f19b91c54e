"""Messages per second of `classify_many` over the labelled corpus, one process.

The corpus is parsed beforehand and repeated until at least 2,000 messages are
classified; spaCy is loaded (and warmed) before the clock starts.

    python benchmarks/bench_classify.py [CORPUS_DIR]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from carnet.classify import classify_many
from carnet.classify.evaluate import load_labels
from carnet.classify.evidence import Context
from carnet.classify.nlp import pipeline
from carnet.ingest.parse import parse_message

MINIMUM = 2000


def main(root: Path) -> None:
    labels = load_labels(root)
    messages = [parse_message(label.path.read_bytes()) for label in labels]
    contexts = [Context(me=label.me) for label in labels]
    pipeline()  # loaded when a message first needs it; here, before the clock
    classify_many(messages, contexts)
    repeat = -(-MINIMUM // len(messages))
    started = time.perf_counter()
    for _ in range(repeat):
        classify_many(messages, contexts)
    elapsed = time.perf_counter() - started
    total = repeat * len(messages)
    print(f"{total} messages in {elapsed:.2f} s: {total / elapsed:.0f} messages/s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "tests" / "corpus")
