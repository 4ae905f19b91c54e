"""One sync pass as a running worker makes it: models and pool already loaded, then the timed sync.

    python benchmarks/sync_warm.py DATA_DIR DATABASE_URL MAILBOX_ID

Prints the seconds of the sync alone and its report. `bench_sync.py` runs it as a
child process, so that its peak memory is the worker's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import carnet.classify.nlp
import carnet.classify.segment
import harness
from carnet.classify import classify as classify_message
from carnet.classify.evidence import Context
from carnet.ingest.parse import parse_message

import carnet.pool

#: Any message: classifying it compiles the lexicons and tables, as a running worker already has.
WARM_UP = b"From: RH <rh@acme.fr>\r\nSubject: Votre candidature\r\n\r\nNous avons bien re\xc3\xa7u votre candidature."


def main() -> None:
    data_dir, url, mailbox_id = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    rt = harness.runtime(data_dir, url)
    carnet.classify.nlp.pipeline()
    carnet.classify.segment.segment_label("warmup")
    classify_message(parse_message(WARM_UP), Context(me=frozenset()))
    carnet.pool.warm()
    started = time.perf_counter()
    report = harness.sync(rt, mailbox_id)
    seconds = time.perf_counter() - started
    rt.engine.dispose()
    print(f"{seconds:.3f} {report.messages} {report.new} {len(report.errors)}")


if __name__ == "__main__":
    main()
