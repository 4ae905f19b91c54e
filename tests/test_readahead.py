"""The read-ahead thread that overlaps fetching with processing (ingest.readahead)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from carnet.ingest.readahead import read_ahead


class Source:
    """Counts what was produced, and checks the connection lock is held while producing."""

    def __init__(self, count: int, lock: threading.Lock, fail_at: int | None = None) -> None:
        self.count, self.lock, self.fail_at = count, lock, fail_at
        self.produced = 0

    def __iter__(self) -> Iterator[int]:
        for number in range(self.count):
            assert self.lock.locked(), "items must be produced under the connection lock"
            if number == self.fail_at:
                raise ConnectionResetError("cut mid-FETCH")
            self.produced += 1
            yield number


def test_items_come_in_order_and_never_more_than_one_ahead() -> None:
    lock = threading.Lock()
    source = Source(50, lock)
    seen = []
    with read_ahead(iter(source), lock) as items:
        for number in items:
            # Being processed: `number`; at most the next one is read (or being read) meanwhile.
            assert source.produced <= number + 2
            seen.append(number)
    assert seen == list(range(50))


def test_an_error_in_the_reader_reaches_the_consumer_after_the_items_before_it() -> None:
    lock = threading.Lock()
    seen = []
    with pytest.raises(ConnectionResetError), read_ahead(iter(Source(10, lock, fail_at=4)), lock) as items:
        seen.extend(items)
    assert seen == [0, 1, 2, 3]


def test_leaving_early_stops_and_joins_the_reader() -> None:
    lock = threading.Lock()
    before = threading.active_count()
    with read_ahead(iter(Source(1000, lock)), lock) as items:
        assert next(items) == 0
    assert threading.active_count() == before
    assert not lock.locked()
