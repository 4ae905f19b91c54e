"""The seeker's "Partage" page: who may see the logbook, granting and revoking, the access log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from carnet.store.access_log import access_count, access_log
from carnet.store.consent import ConsentError, grant_by_address, grant_by_code, grants_of, revoke
from carnet.web.access_words import described
from carnet.web.auth import SeekerOnly, not_found, seeker_id
from carnet.web.deps import Database
from carnet.web.forms import RowId
from carnet.web.templating import page_language, render

router = APIRouter()
LOG_PAGE = 200
DONE = {"granted": "sharing_done_granted", "revoked": "sharing_done_revoked"}


@router.get("/partage")
def sharing(account: SeekerOnly, request: Request, db: Database, fait: str = "") -> Response:
    return _page(request, db, seeker_id(account), notice=DONE.get(fait))


@router.post("/partage/adresse")
def grant_address(account: SeekerOnly, request: Request, db: Database,
                  email: Annotated[str, Form()] = "") -> Response:
    try:
        grant_by_address(db, seeker_id(account), email)
    except ConsentError as exc:
        return _page(request, db, seeker_id(account), error=exc.problem.value, status_code=400, email=email)
    return _done("granted")


@router.post("/partage/code")
def grant_code(account: SeekerOnly, request: Request, db: Database, code: Annotated[str, Form()] = "") -> Response:
    try:
        grant_by_code(db, seeker_id(account), code)
    except ConsentError as exc:
        return _page(request, db, seeker_id(account), error=exc.problem.value, status_code=400)
    return _done("granted")


@router.post("/partage/{consent_id}/retirer")
def revoke_grant(account: SeekerOnly, db: Database, consent_id: RowId) -> Response:
    """End a grant now; a grant that is not this seeker's, or no longer active, is a missing page."""
    if not revoke(db, seeker_id(account), consent_id):
        raise not_found()
    return _done("revoked")


def _done(what: str) -> Response:
    return RedirectResponse(f"/partage?fait={what}", status_code=303)


def _page(request: Request, db: Session, seeker: int, status_code: int = 200, **context) -> Response:
    grants = grants_of(db, seeker)
    log = described(db, seeker, access_log(db, seeker, limit=LOG_PAGE), page_language(request))
    return render(request, "sharing.html", status_code=status_code, active="partage",
                  active_grants=[g for g in grants if g.active], past_grants=[g for g in grants if not g.active],
                  log=log, log_total=access_count(db, seeker), log_page=LOG_PAGE, **context)
