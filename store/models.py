"""The domain model as SQLAlchemy 2 typed tables.

A message has two identities: where it is `(mailbox, folder, uidvalidity, uid)`
(`MessageLocation`) and what it is, the SHA-256 of its raw bytes
(`SourceMessage`). Both are unique constraints, so recording is idempotent.
Only evidence messages are kept; everything else is read and forgotten.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Seeker(Base):
    __tablename__ = "seekers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    mailboxes: Mapped[list[Mailbox]] = relationship(back_populates="seeker")


class Mailbox(Base):
    __tablename__ = "mailboxes"
    __table_args__ = (UniqueConstraint("host", "port", "username", name="uq_mailbox_account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id"), index=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(16))
    username: Mapped[str] = mapped_column(String(320))
    #: Encrypted under CARNET_SECRET_KEY: the password, or for an OAuth2 login the grant's refresh token.
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    #: How Carnet logs in: `password`, or `oauth` through `oauth_provider` (a `carnet.oauth.providers.OAuthKind`).
    login: Mapped[str] = mapped_column(String(16), default="password", server_default="password")
    oauth_provider: Mapped[str | None] = mapped_column(String(32))
    addresses: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    next_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    seeker: Mapped[Seeker] = relationship(back_populates="mailboxes")

    @property
    def address_set(self) -> frozenset[str]:
        return frozenset(a for a in self.addresses.split(",") if a)


class FolderState(Base):
    __tablename__ = "folder_states"
    __table_args__ = (UniqueConstraint("mailbox_id", "name", name="uq_folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    role: Mapped[str | None] = mapped_column(String(32))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    highestmodseq: Mapped[int | None] = mapped_column(BigInteger)
    uidvalidity_resets: Mapped[int] = mapped_column(Integer, default=0)


class SourceMessage(Base):
    __tablename__ = "source_messages"
    __table_args__ = (UniqueConstraint("mailbox_id", "sha256", name="uq_source_content"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(300), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(300))
    references: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    from_addr: Mapped[str] = mapped_column(Text, default="")
    to_addrs: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    outgoing: Mapped[bool] = mapped_column(default=False)
    auth_results: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    dkim_result: Mapped[str | None] = mapped_column(String(16))
    dkim_domain: Mapped[str | None] = mapped_column(String(255))
    dkim_selector: Mapped[str | None] = mapped_column(String(255))
    dkim_key_record: Mapped[str | None] = mapped_column(Text)
    dkim_aligned: Mapped[bool | None] = mapped_column()
    #: Why DKIM did not pass against the key published at ingestion (`carnet.ingest.dkim_check.DkimFailure`).
    dkim_failure: Mapped[str | None] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageLocation(Base):
    __tablename__ = "message_locations"
    __table_args__ = (
        UniqueConstraint("mailbox_id", "folder", "uidvalidity", "uid", name="uq_location"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), index=True)
    source_message_id: Mapped[int] = mapped_column(ForeignKey("source_messages.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(500))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)


class ParseFailure(Base):
    """A message that could not be parsed: where it is and why, never its content."""

    __tablename__ = "parse_failures"
    __table_args__ = (
        UniqueConstraint("mailbox_id", "folder", "uidvalidity", "uid", name="uq_parse_failure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), index=True)
    folder: Mapped[str] = mapped_column(String(500))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id"), index=True)
    company: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[str | None] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(100), default="email")
    type: Mapped[str | None] = mapped_column(String(16))
    first_date: Mapped[date | None] = mapped_column(Date)

    events: Mapped[list[Event]] = relationship(back_populates="application")


class Event(Base):
    """One logbook entry. `seq`, `prev_hash` and `hash` chain a seeker's entries."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("seeker_id", "seq", name="uq_event_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    source_message_id: Mapped[int] = mapped_column(ForeignKey("source_messages.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    date: Mapped[date | None] = mapped_column(Date, index=True)
    company: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[str | None] = mapped_column(String(300))
    verification: Mapped[str] = mapped_column(String(16), default="none")
    confidence: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(100), default="email")
    application_type: Mapped[str | None] = mapped_column(String(16))
    demarche: Mapped[str | None] = mapped_column(String(8))
    #: The classifier was in doubt (its confidence fell in the doubt band around
    #: CARNET_EVIDENCE_THRESHOLD, `carnet.classify.decision`): the entry waits for the
    #: seeker's review ("à vérifier") and stays out of exports until the seeker confirms or
    #: corrects it. Set once at recording; not a chained field.
    in_doubt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application] = relationship(back_populates="events")
    source: Mapped[SourceMessage] = relationship()


class Account(Base):
    """A person who signs in to the web app: a seeker, a counsellor or an operator.

    A seeker's account is linked to their `Seeker` row; `role` takes the values of
    `carnet.store.accounts.Role`. Only the argon2id hash of the password is kept.
    """

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    seeker_id: Mapped[int | None] = mapped_column(ForeignKey("seekers.id"), unique=True)
    lang: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    seeker: Mapped[Seeker | None] = relationship()


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    account: Mapped[Account] = relationship()


class LoginFailure(Base):
    """A refused sign-in, keyed by `account:<email>` or `address:<client address>`, for throttling."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Review(Base):
    """A seeker's word on the logbook, chained like the events and never rewritten.

    `action` takes the values of `carnet.store.reviews.Action`. A review of an event
    names it and the event's hash at that moment; a declaration (an application made
    in person, with no mail) names no event and carries its fields in `changes` (JSON).
    """

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("seeker_id", "seq", name="uq_review_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    event_hash: Mapped[str | None] = mapped_column(String(64))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Consent(Base):
    """A seeker's grant of access to one counsellor, from `granted_at` until `revoked_at`.

    Revoking sets `revoked_at` and keeps the row: the seeker keeps the history. At
    most one grant per seeker and counsellor is active at a time.
    """

    __tablename__ = "consents"
    __table_args__ = (
        Index("uq_consent_active", "seeker_id", "counsellor_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ConsentCode(Base):
    """A one-time code a counsellor hands a seeker to be granted access; only its SHA-256 is kept."""

    __tablename__ = "consent_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by_seeker_id: Mapped[int | None] = mapped_column(ForeignKey("seekers.id", ondelete="SET NULL"))


class AccessRecord(Base):
    """One counsellor view of a seeker's page or file (`what` takes `carnet.store.access_log.Access`)."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_seeker_at", "seeker_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    viewer_email: Mapped[str] = mapped_column(String(320))
    viewer_name: Mapped[str] = mapped_column(String(200), default="")
    what: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ImportJob(Base):
    """A mailbox file a seeker uploaded, kept until a worker has imported it (the web never imports).

    `status` takes `carnet.store.import_jobs.ImportStatus`; the file is deleted once imported."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
