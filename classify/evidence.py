"""What classification produces: the evidence kind and what was extracted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    APPLICATION = "application"
    ACKNOWLEDGEMENT = "acknowledgement"
    REJECTION = "rejection"
    INTERVIEW = "interview"
    OFFER = "offer"
    NONE = "none"


class Direction(StrEnum):
    """Whether the seeker sent the message or received it."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"


class ApplicationType(StrEnum):
    AD_RESPONSE = "ad_response"
    SPONTANEOUS = "spontaneous"


@dataclass(frozen=True)
class Context:
    """What the caller knows beyond the message itself.

    `me` holds the seeker's own addresses (lower-case); `folder_role` is the role
    of the folder the message was found in ("sent", "inbox", ...), or None offline.
    """

    me: frozenset[str] = frozenset()
    folder_role: str | None = None


@dataclass(frozen=True)
class Evidence:
    kind: Kind
    company: str | None
    position: str | None
    date: date | None
    confidence: float
    reasons: tuple[str, ...]
    channel: str = "email"
    application_type: ApplicationType | None = None
    relay: str | None = None
    #: Decided once, from the folder and the seeker's addresses (`classify.facts.is_outgoing`).
    direction: Direction = Direction.INCOMING
    #: Too close to the threshold to decide alone: kept for the seeker's review.
    in_doubt: bool = False
    #: In doubt and below the threshold: without review, the message would be `none`.
    below_threshold: bool = False

    @property
    def is_evidence(self) -> bool:
        """To be recorded: evidence, or in doubt (recorded flagged, for review)."""
        return self.kind is not Kind.NONE

    @property
    def decided_kind(self) -> Kind:
        """The kind the threshold alone decides: `none` for a message in doubt below it."""
        return Kind.NONE if self.below_threshold else self.kind
