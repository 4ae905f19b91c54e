"""The seeker's reviews in an export: what they changed, what they declared, and the records proving it.

A dismissed entry, and one the classifier flagged in doubt that the seeker has
not confirmed, leaves the export. A corrected one keeps Carnet's values in the
usual columns (they are what the chain covers) and the seeker's in
`corrected_kind`, `corrected_company`, `corrected_position`, with `review`
saying so. A declared application is a row of its own, `origin` `declared`,
without an original. `proofs.json` carries each review used as a chained record
(`store.reviews.review_content`), so `verify-export` recomputes the reviews'
hashes and checks the corrected and declared cells against them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carnet.store.demarches import demarche_code
from carnet.store.models import Event, Review, Seeker
from carnet.store.reviews import (
    Action,
    Declaration,
    EntryReview,
    declarations,
    fold,
    review_content,
    review_hash,
    reviews_of_events,
)

CSV_REVIEW = ("origin", "review", "corrected_kind", "corrected_company", "corrected_position")
DECLARED = "declared"


@dataclass(frozen=True)
class Reviewed:
    states: dict[int, EntryReview]
    declared: list[tuple[str, Declaration]]  # (seeker's name, declaration)
    records: list[dict[str, Any]]

    def state(self, event_id: int) -> EntryReview:
        return self.states.get(event_id, EntryReview())


def read_reviews(session: Session, events: list[Event], seekers: Iterable[Seeker], start: date,
                 end: date) -> Reviewed:
    names = {seeker.id: seeker.name for seeker in seekers}
    names.update(dict(session.execute(select(Seeker.id, Seeker.name).where(
        Seeker.id.in_({event.seeker_id for event in events}))).all()))
    reviews = reviews_of_events(session, [event.id for event in events])
    states = fold(review_content(review) for review in reviews)
    exported = {event.id for event in events if kept(event, states.get(event.id, EntryReview()))}
    declared = [(names[seeker_id], item) for seeker_id in sorted(names)
                for item in declarations(session, seeker_id, start, end)]
    declare_reviews = [session.get(Review, item.review_id) for _, item in declared]
    records = [_record(review, names[review.seeker_id])
               for review in [*(r for r in reviews if r.event_id in exported), *declare_reviews]]
    return Reviewed(states, declared, records)


def _record(review: Review, seeker: str) -> dict[str, Any]:
    return {"seeker": seeker, "chain": {"seq": review.seq, "prev_hash": review.prev_hash, "hash": review.hash,
                                        "content": review_content(review)}}


def kept(event: Event, state: EntryReview) -> bool:
    """In the export: not dismissed, and not in doubt unless the seeker confirmed or corrected it."""
    if state.status == "dismissed":
        return False
    return not (event.in_doubt and state.status == "pending")


def csv_columns(state: EntryReview) -> dict[str, Any]:
    review = "corrected" if state.corrected else ("confirmed" if state.status == "confirmed" else "")
    return {"origin": "carnet", "review": review,
            **{f"corrected_{name}": state.corrections.get(name, "") for name in ("kind", "company", "position")}}


def declared_rows(reviewed: Reviewed) -> list[dict[str, Any]]:
    """The declared applications as logbook.csv rows."""
    return [{"id": f"declared-{item.seq}", "seeker": seeker, "date": item.date.isoformat(), "kind": "application",
             "company": item.company, "position": item.position, "verification": "none", "channel": item.channel,
             "application_type": item.application_type or "", "demarche": demarche_code("application",
                                                                                         item.application_type),
             "origin": DECLARED, "review": "", "seq": item.seq, "hash": item.hash}
            for seeker, item in reviewed.declared]


# -- verify-export -----------------------------------------------------------------


def record_problems(records: list[dict[str, Any]]) -> Iterator[str]:
    """Each review's hash against its content, and consecutive reviews of a seeker linked."""
    by_seeker: dict[str, dict[int, dict[str, Any]]] = {}
    for record in records:
        chain = record["chain"]
        if review_hash(chain["prev_hash"], chain["content"]) != chain["hash"]:
            yield f"avis n° {chain['seq']} de {record['seeker']} : son contenu ne correspond pas à son empreinte"
        by_seeker.setdefault(record["seeker"], {})[chain["seq"]] = chain
    for seeker, chain in by_seeker.items():
        for seq, link in sorted(chain.items()):
            before = chain.get(seq - 1)
            if before is not None and link["prev_hash"] != before["hash"]:
                yield f"{seeker} : l'avis n° {seq} ne s'enchaîne pas à l'avis n° {seq - 1}"


def review_claim_problems(rows: list[dict[str, str]], records: list[dict[str, Any]]) -> Iterator[str]:
    """The corrected and declared cells of logbook.csv against the chained reviews."""
    contents = [record["chain"]["content"] for record in records]
    states = fold(contents)
    declared = {str(c["seq"]): c["changes"] for c in contents if c["action"] == Action.DECLARE.value}
    for row in rows:
        if row.get("origin") == DECLARED:
            yield from _declared_problems(row, declared.get(str(row.get("seq"))))
        elif row.get("origin"):
            corrections = states.get(int(row["id"]), EntryReview()).corrections
            for name in ("kind", "company", "position"):
                if (row.get(f"corrected_{name}") or "") != (corrections.get(name) or ""):
                    yield f"logbook.csv : entrée {row['id']}, corrected_{name} diffère des avis enchaînés"


def _declared_problems(row: dict[str, str], changes: dict[str, Any] | None) -> Iterator[str]:
    if changes is None:
        yield f"logbook.csv : {row['id']} n'a pas d'avis enchaîné dans proofs.json"
        return
    for name in ("date", "company", "position", "channel"):
        if (row.get(name) or "") != (changes.get(name) or ""):
            yield f"logbook.csv : {row['id']}, {name} diffère de la déclaration enchaînée"
