"""Parse + classify in a pool of processes gives what the calling process gives, batch by batch, in order."""

from __future__ import annotations

import subprocess
import sys

import mailgen
import pytest
from carnet.ingest.fetch import Batch, Fetched
from carnet.ingest.folders import FolderRole

from carnet import pool

SEEKER = frozenset({mailgen.SEEKER})


def _batches(folder: str, size: int = 5) -> list[Batch]:
    raws = [mail.raw for mail in mailgen.mailbox(120, sample=60) if mail.folder == folder]
    uids = list(range(1, len(raws) + 1))
    return [Batch(last_uid=uids[min(start + size, len(uids)) - 1],
                  fetched=[Fetched(uid, raws[uid - 1]) for uid in uids[start : start + size]], skipped=0, partial=[])
            for start in range(0, len(uids), size)]


def _verdicts(reads: list) -> list[tuple[int, list[tuple[int, str, str | None, str]]]]:
    return [(batch.last_uid, [(item.parsed.uid, item.evidence.kind.value, item.evidence.company,
                               item.evidence.direction.value) for item in read.evidence])
            for batch, read in reads]


@pytest.mark.parametrize(("folder", "role"), [("INBOX", FolderRole.INBOX), ("Sent", FolderRole.SENT)])
def test_the_pool_reads_batches_as_the_calling_process_does(folder: str, role: FolderRole,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    batches = _batches(folder)
    assert len(batches) >= 2
    inline = list(pool.read_batches(iter(batches), 0, lambda: SEEKER, role, 0.5))
    monkeypatch.setattr(pool, "POOL_MIN_MESSAGES", 0)
    pooled = list(pool.read_batches(iter(batches), len(batches) * 20, lambda: SEEKER, role, 0.5))
    assert [batch.last_uid for batch, _ in pooled] == [batch.last_uid for batch in batches]
    assert _verdicts(pooled) == _verdicts(inline)
    assert any(read.evidence for _, read in pooled)


def test_the_sent_folder_waits_for_each_batch_before_reading_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each sent batch sees the seeker's addresses as the batch before left them."""
    monkeypatch.setattr(pool, "POOL_MIN_MESSAGES", 0)
    asked: list[int] = []
    handed: list[int] = []

    def me() -> frozenset[str]:
        asked.append(len(handed))
        return SEEKER

    for batch, _read in pool.read_batches(iter(_batches("Sent")), 10_000, me, FolderRole.SENT, 0.5):
        handed.append(batch.last_uid)
    assert asked == list(range(len(handed)))


def test_what_a_process_has_read_does_not_change_the_vocabulary_domains_are_read_with() -> None:
    """spaCy adds the strings of every text it reads to its vocabulary: the segment vocabulary is the
    model's own, or a pool worker would read a domain unlike the process that started it."""
    from carnet.classify import nlp, segment

    before = list(nlp.model_strings())
    segment._vocabulary.cache_clear()
    known = segment._vocabulary()
    list(nlp.entities(["La boulangerie recrute des vendeuses zorglubines et quimperloises."]))
    assert list(nlp.model_strings()) == before
    assert len(nlp.pipeline().vocab.strings) > len(before)
    segment._vocabulary.cache_clear()
    assert segment._vocabulary() == known


def test_the_calling_process_of_a_sync_loads_no_classifier() -> None:
    """The pool classifies: the process that walks the folders, triages and records imports neither
    spaCy nor NumPy nor the model (`carnet.classify` gives its classifier at first use)."""
    code = (
        "import sys\n"
        "import carnet.pipeline, carnet.pool, carnet.stages, carnet.classify.triage\n"
        "from carnet.classify import Context, Kind\n"
        "heavy = {'spacy', 'numpy', 'thinc', 'sklearn', 'carnet.classify.classifier'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "from carnet.classify import classify_many\n"
        "assert 'carnet.classify.classifier' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
