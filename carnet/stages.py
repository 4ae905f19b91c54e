"""The stages of a sync after the IMAP walk: parse → classify → prove, each with typed input and output.

Folders and batches come from `ingest.walk`; recording is `store.recording.record_batch`.
No stage here needs an IMAP connection: a message read from a file goes through
them as a `Raw` with no `partial`, and only an oversized message's proof asks
for its whole bytes (`whole`). Stages are pure but for `prove`'s DNS look-ups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from carnet.classify.evidence import Context, Direction, Evidence
from carnet.classify.triage import is_candidate
from carnet.ingest import verify
from carnet.ingest.fetch import Batch, Partial, Streamed
from carnet.ingest.folders import FolderRole
from carnet.ingest.message import Message, ParseError, Proof
from carnet.ingest.parse import parse_addresses, parse_message
from carnet.ingest.verify import ProofPolicy
from carnet.store.recording import Failure, Observed


@dataclass(frozen=True)
class Raw:
    """One message's bytes as read; for a `Partial`, its reduced form (header and text parts)."""

    uid: int
    raw: bytes
    partial: Partial | None = None


@dataclass(frozen=True)
class Parsed:
    """A message as read (`source`) and as parsed."""

    source: Raw
    message: Message

    @property
    def uid(self) -> int:
        return self.source.uid


@dataclass(frozen=True)
class Classified:
    """A message that is evidence, and the evidence it gives."""

    parsed: Parsed
    evidence: Evidence


def triage(headers: Mapping[str, str], folder_role: FolderRole | None, me: frozenset[str]) -> bool:
    """Whether a message is worth reading whole, from the header fields triage reads (lower-case names)."""
    sender = next(iter(parse_addresses(headers.get("from"))), None)
    return is_candidate(headers.get("subject", ""), sender, headers, folder_role, me)


def raws(batch: Batch) -> list[Raw]:
    """A batch's messages read whole or in part, in UID order."""
    items = [Raw(f.uid, f.raw) for f in batch.fetched] + [Raw(p.uid, p.reduced, p) for p in batch.partial]
    return sorted(items, key=lambda item: item.uid)


def parse(items: Sequence[Raw]) -> tuple[list[Parsed], list[Failure]]:
    """Messages parsed in order; those that cannot be are failures, recorded, never retried blindly."""
    parsed: list[Parsed] = []
    failures: list[Failure] = []
    for item in items:
        try:
            message = parse_message(item.raw)
        except ParseError as exc:
            failures.append(Failure(item.uid, str(exc)))
            continue
        if item.partial is not None:
            message = replace(message, size=item.partial.size,
                              attachments=message.attachments + item.partial.attachments)
        parsed.append(Parsed(item, message))
    return parsed, failures


def sent_addresses(folder_role: str | None, messages: Sequence[Message]) -> frozenset[str]:
    """The seeker's own addresses a batch of their sent folder shows (its senders)."""
    if folder_role is not FolderRole.SENT:
        return frozenset()
    return frozenset(m.sender.email for m in messages if m.sender)


def classify(items: Sequence[Parsed], me: frozenset[str], folder_role: str | None,
             threshold: float) -> list[Classified]:
    """The evidence among `items`, in order; the rest is forgotten.

    `me` is what the seeker's addresses were before these messages; a batch of their
    sent folder adds its own senders."""
    from carnet.classify import classify_many  # spaCy and the model: in the process that classifies

    seen = me | sent_addresses(folder_role, [item.message for item in items])
    verdicts = classify_many([item.message for item in items], [Context(seen, folder_role)] * len(items), threshold)
    return [Classified(item, evidence) for item, evidence in zip(items, verdicts, strict=True)
            if evidence.is_evidence]


@dataclass(frozen=True)
class Read:
    """What parse and classify learned of a batch: its evidence, and the messages that cannot be parsed."""

    evidence: list[Classified]
    failures: list[Failure]


def read(items: Sequence[Raw], me: frozenset[str], folder_role: str | None, threshold: float) -> Read:
    """parse → classify; pure, so that a pool of processes can run it (`carnet.pool`)."""
    parsed, failures = parse(items)
    return Read(classify(parsed, me, folder_role, threshold), failures)


def prove(item: Classified, policy: ProofPolicy, whole: Callable[[int], Streamed] | None = None) -> Observed:
    """An evidence message with its proof; the seeker's own mail proves nothing about an employer.

    An oversized message (`partial`) is fetched whole now, in pieces, through `whole`."""
    source, message, evidence = item.parsed.source, item.parsed.message, item.evidence
    outgoing = evidence.direction is Direction.OUTGOING
    if source.partial is None:
        proof = Proof() if outgoing else verify.prove(source.raw, message, policy)
        return Observed(source.uid, source.raw, message, evidence, proof)
    if whole is None:
        raise ValueError(f"message {source.uid}: only part of it was read, and nothing can read it whole")
    streamed = whole(source.uid)
    message = replace(message, sha256=streamed.sha256, size=streamed.size)
    proof = Proof() if outgoing else verify.prove(streamed, message, policy)
    return Observed(source.uid, b"", message, evidence, proof, compressed=streamed.compressed)
