"""The seeker's logbook: timelines, each entry's source message and original, and the seeker's reviews.

Every entry is looked up by its id AND the seeker's own id (`store.timeline`,
`store.sources`, `store.reviews`): another seeker's id answers 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from carnet.store import reviews
from carnet.store.models import Account
from carnet.store.sources import original_bytes, owned_source, readable_source
from carnet.store.timeline import VERIFICATIONS, VERIFIED, Filters, timelines
from carnet.web.auth import SeekerOnly, not_found, seeker_id
from carnet.web.deps import Database
from carnet.web.forms import RowId, day, filter_day, one_of
from carnet.web.templating import render

router = APIRouter()
KINDS = reviews.KINDS
DONE = ("confirmed", "dismissed", "corrected", "declared", "withdrawn", "unchanged")


def journal_filters(du: str | None, au: str | None, type: str | None, preuve: str | None, page: int = 1,
                    to_check: bool = False) -> Filters:
    return Filters(filter_day(du), filter_day(au), one_of(type, KINDS), one_of(preuve, (*VERIFICATIONS, VERIFIED)),
                   page=page, to_check=to_check)


@router.get("/journal")
def journal(account: SeekerOnly, request: Request, db: Database, du: str | None = None, au: str | None = None,
            type: str | None = None, preuve: str | None = None, fait: str | None = None, page: int = 1,
            a_verifier: str | None = None) -> Response:
    filters = journal_filters(du, au, type, preuve, page, a_verifier == "1")
    return render(request, "journal.html", active="journal", view=timelines(db, seeker_id(account), filters),
                  filters=filters, kinds=KINDS, verifications=(VERIFIED, *VERIFICATIONS), can_review=True,
                  entry_base="/journal/entree/", done=one_of(fait, DONE))


def _owned(db: Database, account: Account, event_id: int):
    found = owned_source(db, seeker_id(account), event_id)
    if found is None:
        raise not_found()
    return found


@router.get("/journal/entree/{event_id}")
def entry(account: SeekerOnly, request: Request, db: Database, event_id: RowId) -> Response:
    event, message = _owned(db, account, event_id)
    review = reviews.entry_reviews(db, seeker_id(account), [event.id]).get(event.id, reviews.EntryReview())
    return render(request, "entry.html", active="journal", source=readable_source(event, message), review=review,
                  kinds=KINDS, can_review=True, entry_base="/journal/entree/")


@router.get("/journal/entree/{event_id}/original.eml")
def original(account: SeekerOnly, db: Database, event_id: RowId) -> Response:
    _, message = _owned(db, account, event_id)
    return eml_response(original_bytes(message), event_id)


def eml_response(raw: bytes, event_id: int) -> Response:
    """The original as a download, never rendered by the browser."""
    return Response(raw, media_type="message/rfc822", headers={
        "Content-Disposition": f'attachment; filename="carnet-{event_id}.eml"'})


def _back(event_id: int, done: str) -> Response:
    return RedirectResponse(f"/journal/entree/{event_id}?fait={done}", status_code=303)


@router.post("/journal/entree/{event_id}/confirmer")
def confirm(account: SeekerOnly, db: Database, event_id: RowId) -> Response:
    event, _ = _owned(db, account, event_id)
    reviews.confirm(db, account, event)
    return _back(event_id, "confirmed")


@router.post("/journal/entree/{event_id}/ecarter")
def dismiss(account: SeekerOnly, db: Database, event_id: RowId, reason: Annotated[str, Form()] = "") -> Response:
    event, _ = _owned(db, account, event_id)
    action = one_of(reason, tuple(a.value for a in reviews.DISMISSALS))
    if action is None:
        raise not_found()
    reviews.dismiss(db, account, event, reviews.Action(action))
    return _back(event_id, "dismissed")


@router.post("/journal/entree/{event_id}/corriger")
def correct(account: SeekerOnly, request: Request, db: Database, event_id: RowId,
            kind: Annotated[str, Form()] = "", company: Annotated[str, Form()] = "",
            position: Annotated[str, Form()] = "") -> Response:
    event, _ = _owned(db, account, event_id)
    try:
        reviews.correct(db, account, event, {"kind": kind, "company": company, "position": position})
    except reviews.ReviewError as exc:
        return _back(event_id, "unchanged") if exc.code == "nothing_changed" else _bad_request(request)
    return _back(event_id, "corrected")


def _bad_request(request: Request) -> Response:
    return render(request, "error.html", status_code=400, code=400)


@router.get("/journal/declarer")
def declare_form(account: SeekerOnly, request: Request) -> Response:
    return render(request, "declare.html", active="journal", values={})


@router.post("/journal/declarer")
def declare(account: SeekerOnly, request: Request, db: Database, date: Annotated[str, Form()] = "",
            company: Annotated[str, Form()] = "", position: Annotated[str, Form()] = "",
            channel: Annotated[str, Form()] = "", application_type: Annotated[str, Form()] = "") -> Response:
    values = {"date": date, "company": company, "position": position, "channel": channel,
              "application_type": application_type}
    try:
        reviews.declare(db, account, day(date), company, position, channel, application_type or None)
    except reviews.ReviewError as exc:
        return render(request, "declare.html", status_code=400, active="journal", values=values,
                      error=f"declare_{exc.code}")
    return RedirectResponse("/journal?fait=declared", status_code=303)


@router.post("/journal/declaration/{review_id}/retirer")
def withdraw(account: SeekerOnly, db: Database, review_id: RowId) -> Response:
    declaration = reviews.declaration_of(db, seeker_id(account), review_id)
    if declaration is None:
        raise not_found()
    reviews.withdraw(db, account, declaration)
    return RedirectResponse("/journal?fait=withdrawn", status_code=303)
