"""A seeker's logbook as timelines: one card per application, its entries in date order.

The page is read in two queries whatever its size: the entries with their
application and a few header columns of their source (never the raw bytes),
then the seeker's reviews. Filters on the period and the proof are SQL; the
filter on the kind applies to the kind as the seeker left it (after corrections).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from carnet.store.models import Application, Event, SourceMessage
from carnet.store.reviews import Declaration, EntryReview, declarations, entry_reviews
from sqlalchemy import select
from sqlalchemy.orm import Session

VERIFICATIONS = ("dkim", "provider", "thread", "none")
VERIFIED = "verified"  # any proof but none
STAGES = {"application": 0, "acknowledgement": 1, "interview": 2, "offer": 3, "rejection": 3}


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    kind: str | None = None
    verification: str | None = None  # one of VERIFICATIONS, or VERIFIED
    show_dismissed: bool = True


@dataclass(frozen=True)
class Entry:
    id: int
    seq: int
    date: date | None
    kind: str
    company: str | None
    position: str | None
    channel: str
    demarche: str | None
    verification: str
    application_type: str | None
    subject: str
    sender: str
    outgoing: bool
    in_doubt: bool
    review: EntryReview

    @property
    def shown(self) -> dict[str, str | None]:
        """kind, company and position as the seeker last left them."""
        return self.review.values(self)

    @property
    def dismissed(self) -> bool:
        return self.review.status == "dismissed"

    @property
    def to_check(self) -> bool:
        """Flagged in doubt by the classifier and not yet confirmed, corrected or dismissed by the seeker."""
        return self.in_doubt and self.review.status == "pending"


@dataclass
class Card:
    application_id: int
    company: str | None
    position: str | None
    channel: str
    type: str | None
    entries: list[Entry] = field(default_factory=list)

    @property
    def last_date(self) -> date:
        return max((e.date for e in self.entries if e.date), default=date.min)

    @property
    def title(self) -> tuple[str | None, str | None]:
        """The company and position as the application's entries, after corrections, name them."""
        first = next((e for e in self.entries if not e.dismissed), self.entries[0])
        return first.shown["company"] or self.company, first.shown["position"] or self.position


@dataclass(frozen=True)
class Timelines:
    cards: list[Card]
    declared: list[Declaration]
    to_check: int


_DOUBT = getattr(Event, "in_doubt", None)


def _query(seeker_id: int, filters: Filters):
    columns = [Event.id, Event.seq, Event.date, Event.kind, Event.company, Event.position, Event.channel,
               Event.demarche, Event.verification, Event.application_type, Event.application_id,
               SourceMessage.subject, SourceMessage.from_addr, SourceMessage.outgoing,
               Application.company.label("app_company"), Application.position.label("app_position"),
               Application.channel.label("app_channel"), Application.type.label("app_type")]
    if _DOUBT is not None:
        columns.append(_DOUBT.label("in_doubt"))
    query = (select(*columns).join(SourceMessage, SourceMessage.id == Event.source_message_id)
             .join(Application, Application.id == Event.application_id)
             .where(Event.seeker_id == seeker_id).order_by(Event.date, Event.seq))
    if filters.start is not None:
        query = query.where(Event.date >= filters.start)
    if filters.end is not None:
        query = query.where(Event.date <= filters.end)
    if filters.verification == VERIFIED:
        query = query.where(Event.verification != "none")
    elif filters.verification in VERIFICATIONS:
        query = query.where(Event.verification == filters.verification)
    return query


def timelines(session: Session, seeker_id: int, filters: Filters = Filters()) -> Timelines:
    """The seeker's cards, the most recent application first, and their declared applications."""
    rows = session.execute(_query(seeker_id, filters)).all()
    reviews = entry_reviews(session, seeker_id)
    cards: dict[int, Card] = {}
    for row in rows:
        entry = _entry(row, reviews.get(row.id, EntryReview()))
        if not _kept(entry, filters):
            continue
        card = cards.get(row.application_id)
        if card is None:
            card = cards[row.application_id] = Card(row.application_id, row.app_company, row.app_position,
                                                    row.app_channel, row.app_type)
        card.entries.append(entry)
    ordered = sorted(cards.values(), key=lambda c: (c.last_date, c.application_id), reverse=True)
    declared = [] if filters.verification not in (None, "none") or filters.kind not in (None, "application") \
        else declarations(session, seeker_id, filters.start, filters.end)
    return Timelines(ordered, declared, sum(e.to_check for c in ordered for e in c.entries))


def _entry(row, review: EntryReview) -> Entry:
    return Entry(row.id, row.seq, row.date, row.kind, row.company, row.position, row.channel, row.demarche,
                 row.verification, row.application_type, row.subject, row.from_addr, row.outgoing,
                 bool(getattr(row, "in_doubt", False)), review)


def _kept(entry: Entry, filters: Filters) -> bool:
    if entry.dismissed and not filters.show_dismissed:
        return False
    return filters.kind is None or entry.shown["kind"] == filters.kind

