"""One sync pass as a running worker makes it: models already loaded, then the timed sync.

    python benchmarks/sync_warm.py DATA_DIR DATABASE_URL MAILBOX_ID

Prints the seconds of the sync alone and its report. `bench_sync.py` runs it as a
child process, so that its peak memory is the worker's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import harness

import classify.nlp
import classify.segment


def main() -> None:
    data_dir, url, mailbox_id = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    rt = harness.runtime(data_dir, url)
    classify.nlp.pipeline()
    classify.segment.segment_label("warmup")
    started = time.perf_counter()
    report = harness.sync(rt, mailbox_id)
    seconds = time.perf_counter() - started
    rt.engine.dispose()
    print(f"{seconds:.3f} {report.messages} {report.new} {len(report.errors)}")


if __name__ == "__main__":
    main()
