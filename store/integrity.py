"""Re-checking a seeker's logbook: the hash chain, the raw sources, the stored DKIM results.

Walking the chain in `seq` order, each entry is compared with its neighbour:

- its own hash recomputed from its content, its stored ``prev_hash`` and its
  source's SHA-256 (`store.chain`) tells whether the entry was **changed**;
- a jump in ``seq`` tells that entries were **removed**;
- a ``prev_hash`` that is not the previous entry's hash, with no jump to
  explain it, means either that this entry was **inserted** (it does not fit
  its own hash, or it points further back) or, when the entry itself is intact,
  that the previous entry was changed and its hash recomputed to hide it.

Each source's raw bytes are decompressed and hashed again, and every stored
``dkim=pass`` is re-verified offline against the key record kept with it.

What the database alone cannot show: an entry appended at the end with a
correctly computed hash, or the last entry removed. The chain head printed by
`carnet verify` and written into every export is the anchor for those: compare
it with an earlier one.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from carnet.config.i18n import t
from carnet.ingest.verify import RecheckFailure, StoredDkim, recheck_dkim
from carnet.store.chain import GENESIS, event_content, event_hash
from carnet.store.models import Event, Seeker, SourceMessage
from carnet.store.reviews import review_breaks
from sqlalchemy import select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Break:
    """One finding: what is wrong (`kind`), at which entry (`seq`, `event_id`), and why."""

    kind: str  # changed, rehashed, removed, inserted, source, dkim
    seq: int
    event_id: int | None = None
    detail: str = ""
    last_seq: int | None = None  # for `removed`: the last missing seq

    def describe(self) -> str:
        seqs = f"{self.seq}–{self.last_seq}" if self.last_seq and self.last_seq != self.seq else str(self.seq)
        return t(f"integrity_{self.kind}", seq=seqs, event=self.event_id, detail=self.detail)


@dataclass
class ChainReport:
    seeker: str
    entries: int = 0
    head: str | None = None
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify_chains(session: Session, seeker: str | None = None) -> list[ChainReport]:
    """A report per seeker (or for the one named), in name order."""
    query = select(Seeker).order_by(Seeker.name)
    if seeker is not None:
        query = query.where(Seeker.name == seeker)
    return [verify_seeker(session, item) for item in session.scalars(query)]


def verify_seeker(session: Session, seeker: Seeker) -> ChainReport:
    rows = session.execute(
        select(Event, SourceMessage)
        .join(SourceMessage, SourceMessage.id == Event.source_message_id)
        .where(Event.seeker_id == seeker.id)
        .order_by(Event.seq)
    ).all()
    events = [(event, source) for event, source in rows]  # plain tuples, not Row objects
    report = ChainReport(seeker.name, len(events), events[-1][0].hash if events else None)
    report.breaks.extend(chain_breaks(events))
    for event, source in events:
        report.breaks.extend(source_breaks(event, source))
    report.breaks.extend(Break(item.kind, item.seq, item.review_id) for item in review_breaks(session, seeker.id))
    report.breaks.sort(key=lambda item: (item.seq, item.kind))
    return report


def chain_breaks(events: list[tuple[Event, SourceMessage]]) -> Iterator[Break]:
    """Changed, removed and inserted entries, from the links between neighbours."""
    known = {GENESIS} | {event.hash for event, _ in events}
    previous: Event | None = None
    for event, source in events:
        expected_seq = previous.seq + 1 if previous else 1
        if event.seq > expected_seq:
            yield Break("removed", expected_seq, last_seq=event.seq - 1)
        intact = event_hash(event.prev_hash, event_content(event), source.sha256) == event.hash
        linked = event.prev_hash == (previous.hash if previous else GENESIS)
        if linked or event.seq > expected_seq:
            if not intact:
                yield Break("changed", event.seq, event.id)
        elif not intact:
            yield Break("inserted", event.seq, event.id)
        elif previous is not None:
            yield _unlinked_previous(previous, event, known)
        previous = event


def _unlinked_previous(previous: Event, event: Event, known: set[str]) -> Break:
    """`event` is intact but does not name `previous`: it was slipped in, or rewritten and re-hashed."""
    if event.prev_hash in known:
        return Break("inserted", previous.seq, previous.id)
    return Break("rehashed", previous.seq, previous.id)


def source_breaks(event: Event, source: SourceMessage) -> Iterator[Break]:
    """The raw bytes against their SHA-256, and a stored DKIM pass against its key record."""
    try:
        raw = zlib.decompress(source.raw)
    except zlib.error as exc:
        yield Break("source", event.seq, event.id, f"zlib: {exc}")
        return
    if hashlib.sha256(raw).hexdigest() != source.sha256:
        yield Break("source", event.seq, event.id, "sha256")
    problem = dkim_problem(raw, event.verification, source)
    if problem:
        yield Break("dkim", event.seq, event.id, problem)


def dkim_problem(raw: bytes, verification: str, source: SourceMessage) -> str | None:
    """Why a claimed DKIM proof no longer holds offline, or None when it holds (or none is claimed)."""
    stored = StoredDkim(source.dkim_result, source.dkim_domain, source.dkim_selector, source.dkim_key_record)
    problem = recheck_dkim(raw, verification, stored)
    if problem is None:
        return None
    if problem.failure is RecheckFailure.NO_KEY_RECORD:
        return "no stored key record"
    if problem.failure is RecheckFailure.DOES_NOT_VERIFY:
        return f"{problem.check.result}: {problem.check.reason}"
    return f"{problem.check.domain} is not aligned with From"
