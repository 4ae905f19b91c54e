"""A seeker's logbook as timelines: one card per application, its entries in date order.

The page is read in two queries whatever its size: the entries with their
application and a few header columns of their source (never the raw bytes),
then the seeker's reviews. Filters on the period and the proof are SQL; the
filter on the kind applies to the kind as the seeker left it (after corrections).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from carnet.ingest.message import ProofLevel
from carnet.store.models import Application, Event, SourceMessage
from carnet.store.reviews import Declaration, EntryReview, declarations, entry_reviews
from sqlalchemy import select
from sqlalchemy.orm import Session

VERIFICATIONS = tuple(ProofLevel)
VERIFIED = "verified"  # any proof but none
PAGE_SIZE = 30  # cards a page
NOT_REVIEWED = EntryReview()


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    kind: str | None = None
    verification: str | None = None  # one of VERIFICATIONS, or VERIFIED
    show_dismissed: bool = True
    page: int = 1
    to_check: bool = False  # only the entries in doubt the seeker has not reviewed: the review queue


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
    cards: list[Card]  # the page's
    declared: list[Declaration]
    to_check: int
    page: int = 1
    pages: int = 1
    total: int = 0  # cards on every page


def _query(seeker_id: int, filters: Filters):
    columns = [Event.id, Event.seq, Event.date, Event.kind, Event.company, Event.position, Event.channel,
               Event.demarche, Event.verification, Event.application_type, Event.application_id,
               SourceMessage.subject, SourceMessage.from_addr, SourceMessage.outgoing,
               Application.company.label("app_company"), Application.position.label("app_position"),
               Application.channel.label("app_channel"), Application.type.label("app_type"), Event.in_doubt]
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
    """A page of the seeker's cards, the most recent application first, and their declared applications.

    Every row is read (small columns) to group and order the cards, but entries are
    built for the page's cards only."""
    rows = session.execute(_query(seeker_id, filters)).all()
    reviews = entry_reviews(session, seeker_id)
    groups: dict[int, list] = {}
    to_check = 0
    for row in rows:
        review = reviews.get(row.id, NOT_REVIEWED)
        if _kept(row, review, filters):
            groups.setdefault(row.application_id, []).append((row, review))
            to_check += row.in_doubt and review.status == "pending"
    ordered = sorted(groups.items(), key=lambda item: (_last_date(item[1]), item[0]), reverse=True)
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    cards = [_card(group) for _, group in ordered[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]]
    declared = [] if filters.verification not in (None, "none") or filters.kind not in (None, "application") \
        else declarations(session, seeker_id, filters.start, filters.end)
    return Timelines(cards, declared, to_check, page, pages, len(ordered))


def _last_date(group: list) -> date:
    return max((row.date for row, _ in group if row.date), default=date.min)


def _card(group: list) -> Card:
    first = group[0][0]
    card = Card(first.application_id, first.app_company, first.app_position, first.app_channel, first.app_type)
    card.entries = [_entry(row, review) for row, review in group]
    return card


def _entry(row, review: EntryReview) -> Entry:
    return Entry(row.id, row.seq, row.date, row.kind, row.company, row.position, row.channel, row.demarche,
                 row.verification, row.application_type, row.subject, row.from_addr, row.outgoing,
                 row.in_doubt, review)


def _kept(row, review: EntryReview, filters: Filters) -> bool:
    if review.status == "dismissed" and not filters.show_dismissed:
        return False
    if filters.to_check and not (row.in_doubt and review.status == "pending"):
        return False
    return filters.kind is None or review.corrections.get("kind", row.kind) == filters.kind

