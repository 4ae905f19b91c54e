"""The parsed form of one mail message, as every later stage sees it.

mail-parser does the MIME work; this dataclass is what we promise to the rest of
Carnet, so that no caller depends on mail-parser's lossy accessors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class Address:
    """One mailbox of a From/To/Cc header: display name and lower-cased address."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Message:
    """A message reduced to what classification and the logbook need.

    `text` is the readable body: the text/plain part, or the HTML part turned into
    text when there is no plain part. `headers` keeps every header (lower-cased
    names, values decoded) so that rules and verification can read what they need.
    """

    sha256: str
    size: int
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    date: datetime | None
    sender: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """First value of a header, or None when absent."""
        values = self.headers.get(name.lower())
        return values[0] if values else None


class ProofLevel(StrEnum):
    """How strongly an entry is proved, strongest first; stored as these strings.

    `dkim`: a signature Carnet verified, aligned with the sender; `provider`: the
    seeker's trusted provider saw an aligned DKIM pass; `thread`: a reply to a
    message the seeker sent (decided by the store); `none`."""

    DKIM = "dkim"
    PROVIDER = "provider"
    THREAD = "thread"
    NONE = "none"


@dataclass(frozen=True)
class Proof:
    """What was verified at ingestion (DKIM, provider results); `level` is never `thread` here."""

    level: ProofLevel = ProofLevel.NONE
    auth_results: str | None = None
    dkim_result: str | None = None
    dkim_domain: str | None = None
    dkim_selector: str | None = None
    dkim_key_record: str | None = None
    dkim_aligned: bool | None = None
    #: Why the signature does not pass against today's key (`ingest.dkim_check.DkimFailure`), if so.
    dkim_failure: str | None = None


class ParseError(Exception):
    """The bytes could not be turned into a Message; the reason is user-readable."""
