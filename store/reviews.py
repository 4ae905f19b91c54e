"""The seeker's reviews of their logbook: a second hash chain that never rewrites the first.

A review confirms an entry, dismisses it ("pas une candidature", "pas la mienne")
or corrects its kind, company or position; a declaration adds an application
made with no mail (in person, on a site that sends nothing), "déclaré, sans
preuve". Each is appended to the seeker's review chain: its hash covers who,
when, what, the reviewed entry's own hash at that moment, and the previous
review's hash. The machine's entry is never changed, so `carnet verify` checks
both chains, and a controller sees what Carnet found and what the seeker said.

The latest review of an entry decides its state (`EntryReview`); a dismissed
entry leaves the exports; a corrected one appears with its corrected values,
marked as corrected by the seeker.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from carnet.classify.evidence import ApplicationType, Kind
from carnet.store.chain import GENESIS
from carnet.store.models import Account, Event, Review, Seeker
from sqlalchemy import select
from sqlalchemy.orm import Session

CORRECTABLE = ("kind", "company", "position")
KINDS = tuple(kind.value for kind in Kind if kind is not Kind.NONE)
MAX_TEXT = 300


class Action(StrEnum):
    CONFIRM = "confirm"
    NOT_APPLICATION = "not_application"
    NOT_MINE = "not_mine"
    CORRECT = "correct"
    DECLARE = "declare"
    WITHDRAW = "withdraw"  # a declaration taken back


DISMISSALS = frozenset({Action.NOT_APPLICATION, Action.NOT_MINE})


class ReviewError(ValueError):
    """A review that cannot be made; `code` says why (`bad_kind`, `nothing_changed`, `bad_date`, `missing`)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# -- the chain -----------------------------------------------------------------------


def review_content(review: Review) -> dict[str, Any]:
    """The chained fields of a review, canonical and JSON-ready."""
    moment = review.created_at if review.created_at.tzinfo else review.created_at.replace(tzinfo=UTC)
    return {"seq": review.seq, "event": review.event_id, "event_hash": review.event_hash, "author": review.author,
            "action": review.action, "changes": json.loads(review.changes),
            "at": moment.astimezone(UTC).isoformat(timespec="seconds")}


def review_hash(prev_hash: str, content: dict[str, Any]) -> str:
    payload = json.dumps({"prev": prev_hash, "review": content}, sort_keys=True, ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _append(session: Session, account: Account, action: Action, event: Event | None,
            changes: dict[str, Any]) -> Review:
    """Append to the seeker's review chain, the seeker's row locked (as the worker locks it for events)."""
    seeker_id = account.seeker_id
    session.execute(select(Seeker.id).where(Seeker.id == seeker_id).with_for_update())
    last = session.execute(select(Review.seq, Review.hash).where(Review.seeker_id == seeker_id)
                           .order_by(Review.seq.desc()).limit(1)).first()
    seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS)
    review = Review(seeker_id=seeker_id, event_id=event.id if event else None,
                    event_hash=event.hash if event else None, account_id=account.id, author=account.email,
                    action=action.value, changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
                    created_at=datetime.now(UTC).replace(microsecond=0), seq=seq + 1, prev_hash=prev_hash)
    review.hash = review_hash(prev_hash, review_content(review))
    session.add(review)
    session.flush()
    return review


# -- making reviews ------------------------------------------------------------------


def seeker_event(session: Session, seeker_id: int, event_id: int) -> Event | None:
    """The entry when it is the seeker's; None for anyone else's (the caller answers 404)."""
    return session.scalar(select(Event).where(Event.id == event_id, Event.seeker_id == seeker_id))


def confirm(session: Session, account: Account, event: Event) -> Review:
    return _append(session, account, Action.CONFIRM, event, {})


def dismiss(session: Session, account: Account, event: Event, action: Action) -> Review:
    if action not in DISMISSALS:
        raise ReviewError("bad_action")
    return _append(session, account, action, event, {})


def correct(session: Session, account: Account, event: Event, values: dict[str, str]) -> Review:
    """Record the fields that differ from what the entry shows now (the machine's, or an earlier correction)."""
    shown = entry_reviews(session, event.seeker_id, [event.id]).get(event.id, EntryReview()).values(event)
    changes = {name: _clean(values[name]) for name in CORRECTABLE if name in values}
    changes = {name: value for name, value in changes.items() if value != (shown[name] or "")}
    if "kind" in changes and changes["kind"] not in KINDS:
        raise ReviewError("bad_kind")
    if not changes:
        raise ReviewError("nothing_changed")
    return _append(session, account, Action.CORRECT, event, changes)


def declare(session: Session, account: Account, day: date | None, company: str, position: str, channel: str,
            application_type: str | None) -> Review:
    """An application made with no mail: shown everywhere as declared, without proof."""
    if day is None or day > datetime.now(UTC).date():
        raise ReviewError("bad_date")
    if not _clean(company):
        raise ReviewError("missing")
    kind = application_type if application_type in {t.value for t in ApplicationType} else None
    changes = {"kind": Kind.APPLICATION.value, "date": day.isoformat(), "company": _clean(company),
               "position": _clean(position), "channel": _clean(channel), "application_type": kind}
    return _append(session, account, Action.DECLARE, None, changes)


def withdraw(session: Session, account: Account, declaration: Review) -> Review:
    return _append(session, account, Action.WITHDRAW, None, {"declaration": declaration.seq})


def _clean(value: str) -> str:
    return " ".join(value.split())[:MAX_TEXT]


# -- reading the state ---------------------------------------------------------------


@dataclass
class EntryReview:
    """What the seeker's reviews say of one entry, the latest last."""

    status: str = "pending"  # pending, confirmed, dismissed
    dismissal: str | None = None  # not_application, not_mine
    corrections: dict[str, str] = field(default_factory=dict)
    at: datetime | None = None
    author: str | None = None

    @property
    def corrected(self) -> bool:
        return bool(self.corrections)

    def values(self, event: Any) -> dict[str, str | None]:
        """kind, company and position as the seeker last left them."""
        return {name: self.corrections.get(name, getattr(event, name)) for name in CORRECTABLE}

    def apply(self, action: str, changes: dict[str, Any], at: datetime | str, author: str) -> None:
        """Fold one review (as stored, or as an export's proofs.json holds it) into the state."""
        action = Action(action)
        self.at, self.author = at, author
        if action in DISMISSALS:
            self.status, self.dismissal = "dismissed", action.value
        elif action is Action.CONFIRM:
            self.status, self.dismissal = "confirmed", None
        elif action is Action.CORRECT:
            self.status, self.dismissal = "confirmed", None
            self.corrections.update(changes)


def fold(contents: Iterable[dict[str, Any]]) -> dict[int, EntryReview]:
    """Each entry's state from chained review contents (`review_content`), taken in `seq` order."""
    states: dict[int, EntryReview] = {}
    for content in sorted(contents, key=lambda item: item["seq"]):
        if content["event"] is not None:
            states.setdefault(content["event"], EntryReview()).apply(
                content["action"], content["changes"], content["at"], content["author"])
    return states


def entry_reviews(session: Session, seeker_id: int, event_ids: Iterable[int] | None = None) -> dict[int, EntryReview]:
    """Each reviewed entry's state, in one query (all of the seeker's, or those of `event_ids`)."""
    query = select(Review).where(Review.seeker_id == seeker_id, Review.event_id.is_not(None)).order_by(Review.seq)
    if event_ids is not None:
        query = query.where(Review.event_id.in_(list(event_ids)))
    states: dict[int, EntryReview] = {}
    for review in session.scalars(query):
        states.setdefault(review.event_id, EntryReview()).apply(review.action, json.loads(review.changes),
                                                                 review.created_at, review.author)
    return states


def reviews_of_events(session: Session, event_ids: Iterable[int]) -> list[Review]:
    """Every review of these entries, whoever's they are, in chain order (for exports)."""
    ids = list(event_ids)
    found: list[Review] = []
    for start in range(0, len(ids), 1000):
        found += session.scalars(select(Review).where(Review.event_id.in_(ids[start:start + 1000])))
    return sorted(found, key=lambda review: (review.seeker_id, review.seq))


@dataclass(frozen=True)
class Declaration:
    """An application the seeker declared, with no mail to prove it."""

    seq: int
    review_id: int
    date: date
    company: str
    position: str
    channel: str
    application_type: str | None
    author: str
    at: datetime
    hash: str


def declarations(session: Session, seeker_id: int, start: date | None = None,
                 end: date | None = None) -> list[Declaration]:
    """The seeker's declarations not withdrawn, by date, within the period when one is given."""
    reviews = list(session.scalars(select(Review).where(
        Review.seeker_id == seeker_id, Review.action.in_([Action.DECLARE.value, Action.WITHDRAW.value]))
        .order_by(Review.seq)))
    withdrawn = {json.loads(r.changes)["declaration"] for r in reviews if r.action == Action.WITHDRAW}
    found = [_declaration(r) for r in reviews if r.action == Action.DECLARE and r.seq not in withdrawn]
    return sorted((d for d in found if (start is None or d.date >= start) and (end is None or d.date <= end)),
                  key=lambda d: (d.date, d.seq))


def _declaration(review: Review) -> Declaration:
    data = json.loads(review.changes)
    return Declaration(review.seq, review.id, date.fromisoformat(data["date"]), data["company"], data["position"],
                       data["channel"], data.get("application_type"), review.author, review.created_at, review.hash)


def declaration_of(session: Session, seeker_id: int, review_id: int) -> Review | None:
    return session.scalar(select(Review).where(Review.id == review_id, Review.seeker_id == seeker_id,
                                               Review.action == Action.DECLARE.value))


# -- verification --------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewBreak:
    """A finding in the review chain: `kind` is review_changed, review_removed, review_inserted or review_target."""

    kind: str
    seq: int
    review_id: int | None = None


def review_breaks(session: Session, seeker_id: int) -> Iterator[ReviewBreak]:
    """Walk the review chain like the event chain: content, numbering, links, and the entries reviewed."""
    reviews = list(session.scalars(select(Review).where(Review.seeker_id == seeker_id).order_by(Review.seq)))
    hashes = dict(session.execute(select(Event.id, Event.hash).where(Event.seeker_id == seeker_id)).all())
    previous: Review | None = None
    for review in reviews:
        expected = previous.seq + 1 if previous else 1
        if review.seq > expected:
            yield ReviewBreak("review_removed", expected)
        if review_hash(review.prev_hash, review_content(review)) != review.hash:
            yield ReviewBreak("review_changed", review.seq, review.id)
        elif review.prev_hash != (previous.hash if previous else GENESIS) and review.seq == expected:
            yield ReviewBreak("review_inserted", review.seq, review.id)
        if review.event_id is not None and hashes.get(review.event_id) != review.event_hash:
            yield ReviewBreak("review_target", review.seq, review.id)
        previous = review
