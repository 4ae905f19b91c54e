"""Recording evidence idempotently, with the folder checkpoint in the same transaction.

Durable first, checkpoint last (isync): a batch's evidence, its parse failures and
the folder's new last UID are written in one transaction, so a crash either keeps
all of it or none, and the next pass redoes exactly what was lost.

`carnet.classify` (its tables, spaCy, the model) is imported only once something
is recorded: a pass that finds nothing new never loads it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from carnet.ingest.message import Message, Proof, ProofLevel
from carnet.store.chain import GENESIS, event_content, event_hash
from carnet.store.demarches import demarche_code
from carnet.store.models import Event, FolderState, Mailbox, MessageLocation, ParseFailure, Seeker, SourceMessage
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from carnet.classify.evidence import Evidence
    from carnet.store.linking import Linker


@dataclass(frozen=True)
class Observed:
    """One message read from a folder, parsed and classified as evidence.

    `raw` is the whole message, unless `compressed` already holds it zlib-compressed
    (an oversized message streamed in pieces, never whole in memory); either way
    `message.sha256` is the SHA-256 of the whole message's bytes.
    """

    uid: int
    raw: bytes
    message: Message
    evidence: Evidence
    proof: Proof = field(default_factory=Proof)
    compressed: bytes | bytearray | None = None

    @property
    def outgoing(self) -> bool:
        from carnet.classify.evidence import Direction

        return self.evidence.direction is Direction.OUTGOING

    def stored_bytes(self) -> bytes | bytearray:
        return self.compressed if self.compressed is not None else zlib.compress(self.raw, 6)


@dataclass(frozen=True)
class Failure:
    uid: int
    reason: str


def record_batch(
    session: Session,
    mailbox: Mailbox,
    folder: FolderState,
    last_uid: int,
    observed: Sequence[Observed],
    failures: Iterable[Failure] = (),
) -> int:
    """Record a batch and advance the folder's checkpoint; return the new events' count."""
    evidence = [item for item in observed if item.evidence.is_evidence]
    new = _record_evidence(session, mailbox, folder, evidence) if evidence else 0
    for failure in failures:
        _record_failure(session, mailbox, folder, failure)
    folder.last_uid = max(folder.last_uid, last_uid)
    session.add(folder)
    return new


def _record_evidence(session: Session, mailbox: Mailbox, folder: FolderState, evidence: Sequence[Observed]) -> int:
    from carnet.store.linking import Linker, batch_replies

    chain = _Chain(session, mailbox.seeker_id,
                   Linker(session, mailbox.seeker_id, batch_replies((i.message, i.evidence) for i in evidence)))
    known = _Known.read(session, mailbox.id, folder, evidence)
    return sum(_record(session, mailbox, folder, item, chain, known) for item in evidence)


def _record(session: Session, mailbox: Mailbox, folder: FolderState, item: Observed, chain: _Chain,
            known: _Known) -> int:
    """Record one evidence message once, whatever folder or resync it comes from."""
    if item.uid in known.located:
        return 0
    source_id = known.source_of(item.message)
    if source_id is not None:
        _add_location(session, mailbox.id, folder, item.uid, source_id)
        return 0
    source = _add_source(session, mailbox, item)
    known.add(source)
    _add_location(session, mailbox.id, folder, item.uid, source.id)
    _add_event(session, chain, source, item)
    return 1


def _seekers_mailboxes(mailbox_id: int) -> Select:
    """The ids of every mailbox of the seeker who owns `mailbox_id`."""
    owner = select(Mailbox.seeker_id).where(Mailbox.id == mailbox_id).scalar_subquery()
    return select(Mailbox.id).where(Mailbox.seeker_id == owner)


@dataclass
class _Known:
    """What the database already holds for a batch's messages, read in two queries rather
    than two per message: the UIDs of this folder already located, and the recorded
    contents by SHA-256 and by Message-ID (a copy in another folder, a resync after a
    UIDVALIDITY change). Contents are looked up in all the seeker's mailboxes: a message
    imported from a file and synced from the linked mailbox (or received in two of
    them) is one entry. Only ids are read: a row's raw bytes may weigh megabytes."""

    located: set[int]
    by_sha256: dict[str, int] = field(default_factory=dict)
    by_message_id: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session, mailbox_id: int, folder: FolderState, items: Sequence[Observed]) -> _Known:
        located = set(session.scalars(select(MessageLocation.uid).where(
            MessageLocation.mailbox_id == mailbox_id,
            MessageLocation.folder == folder.name,
            MessageLocation.uidvalidity == folder.uidvalidity,
            MessageLocation.uid.in_([item.uid for item in items]),
        )))
        known = cls(located)
        message_ids = [item.message.message_id for item in items if item.message.message_id]
        same = SourceMessage.sha256.in_([item.message.sha256 for item in items])
        if message_ids:
            same = same | SourceMessage.message_id.in_(message_ids)
        rows = session.execute(
            select(SourceMessage.id, SourceMessage.sha256, SourceMessage.message_id)
            .where(SourceMessage.mailbox_id.in_(_seekers_mailboxes(mailbox_id)), same).order_by(SourceMessage.id)
        )
        for source_id, sha256, message_id in rows:
            known.by_sha256.setdefault(sha256, source_id)
            if message_id:
                known.by_message_id.setdefault(message_id, source_id)
        return known

    def source_of(self, message: Message) -> int | None:
        """The first recorded source with the same bytes or the same Message-ID."""
        found = [self.by_sha256.get(message.sha256),
                 self.by_message_id.get(message.message_id) if message.message_id else None]
        return min((source_id for source_id in found if source_id is not None), default=None)

    def add(self, source: SourceMessage) -> None:
        self.by_sha256.setdefault(source.sha256, source.id)
        if source.message_id:
            self.by_message_id.setdefault(source.message_id, source.id)


def _add_source(session: Session, mailbox: Mailbox, item: Observed) -> SourceMessage:
    message, proof = item.message, item.proof
    source = SourceMessage(
        mailbox_id=mailbox.id,
        sha256=message.sha256,
        message_id=message.message_id,
        in_reply_to=message.in_reply_to,
        references=" ".join(message.references),
        sent_at=message.date,
        from_addr=message.sender.email if message.sender else "",
        to_addrs=",".join(a.email for a in message.to),
        subject=message.subject[:2000],
        outgoing=item.outgoing,
        auth_results=proof.auth_results,
        raw=item.stored_bytes(),
        dkim_result=proof.dkim_result,
        dkim_domain=proof.dkim_domain,
        dkim_selector=proof.dkim_selector,
        dkim_key_record=proof.dkim_key_record,
        dkim_aligned=proof.dkim_aligned,
        dkim_failure=proof.dkim_failure,
        recorded_at=datetime.now(UTC),
    )
    session.add(source)
    session.flush()
    return source


def _add_location(session: Session, mailbox_id: int, folder: FolderState, uid: int, source_id: int) -> None:
    session.add(
        MessageLocation(
            mailbox_id=mailbox_id,
            source_message_id=source_id,
            folder=folder.name,
            uidvalidity=folder.uidvalidity,
            uid=uid,
        )
    )


class _Chain:
    """The seeker's hash chain within one transaction.

    `hold` locks the seeker's row (FOR UPDATE) before the first event's application
    is looked up, and the lock lasts until the transaction ends: no other worker links
    or appends for the same seeker meanwhile (one seeker, two mailboxes). The head, and
    the applications `linker` may link to, are read then, once, and followed in memory
    for the rest of the batch."""

    def __init__(self, session: Session, seeker_id: int, linker: Linker) -> None:
        self.session, self.seeker_id, self.linker = session, seeker_id, linker
        self.head: tuple[int, str] | None = None

    def hold(self) -> tuple[int, str]:
        """The chain head (seq, hash), the seeker locked first."""
        if self.head is not None:
            return self.head
        self.session.execute(select(Seeker.id).where(Seeker.id == self.seeker_id).with_for_update())
        last = self.session.execute(
            select(Event.seq, Event.hash).where(Event.seeker_id == self.seeker_id).order_by(Event.seq.desc()).limit(1)
        ).first()
        self.head = (last.seq, last.hash) if last else (0, GENESIS)
        return self.head

    def append(self, event: Event, source_sha256: str) -> None:
        seq, prev_hash = self.hold()
        event.seq, event.prev_hash = seq + 1, prev_hash
        event.hash = event_hash(prev_hash, event_content(event), source_sha256)
        self.head = (event.seq, event.hash)


def _add_event(session: Session, chain: _Chain, source: SourceMessage, item: Observed) -> Event:
    evidence, seeker_id = item.evidence, chain.seeker_id
    chain.hold()
    application = chain.linker.find(item.message, evidence)
    event = Event(
        seeker_id=seeker_id,
        application_id=application.id,
        source_message_id=source.id,
        kind=evidence.kind.value,
        date=evidence.date,
        company=evidence.company,
        position=evidence.position,
        verification=_verification(session, seeker_id, item),
        confidence=evidence.confidence,
        reasons=",".join(evidence.reasons),
        channel=evidence.channel,
        application_type=evidence.application_type.value if evidence.application_type else None,
        demarche=demarche_code(evidence.kind.value, application.type),
        in_doubt=evidence.in_doubt,
        recorded_at=datetime.now(UTC),
    )
    chain.append(event, source.sha256)
    session.add(event)
    session.flush()
    return event


def _verification(session: Session, seeker_id: int, item: Observed) -> ProofLevel:
    """The strongest proof held: DKIM or provider results first, then the thread."""
    from carnet.classify.evidence import Kind

    if item.proof.level is not ProofLevel.NONE or item.outgoing or item.evidence.kind is Kind.APPLICATION:
        return item.proof.level
    return ProofLevel.THREAD if replies_to_seeker(session, seeker_id, item.message) else ProofLevel.NONE


def replies_to_seeker(session: Session, seeker_id: int, message: Message) -> bool:
    """True when In-Reply-To/References names a message the seeker sent."""
    ids = {message.in_reply_to, *message.references} - {None}
    if not ids:
        return False
    found = session.scalar(
        select(func.count(SourceMessage.id))
        .join(Mailbox, Mailbox.id == SourceMessage.mailbox_id)
        .where(Mailbox.seeker_id == seeker_id, SourceMessage.outgoing, SourceMessage.message_id.in_(ids))
    )
    return bool(found)


def _record_failure(session: Session, mailbox: Mailbox, folder: FolderState, failure: Failure) -> None:
    exists = session.scalar(
        select(ParseFailure.id).where(
            ParseFailure.mailbox_id == mailbox.id,
            ParseFailure.folder == folder.name,
            ParseFailure.uidvalidity == folder.uidvalidity,
            ParseFailure.uid == failure.uid,
        )
    )
    if exists is None:
        session.add(
            ParseFailure(
                mailbox_id=mailbox.id,
                folder=folder.name,
                uidvalidity=folder.uidvalidity,
                uid=failure.uid,
                reason=failure.reason[:1000],
                recorded_at=datetime.now(UTC),
            )
        )
