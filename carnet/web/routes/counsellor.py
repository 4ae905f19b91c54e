"""The counsellor's pages: the list of seekers who granted access, and one-time codes to hand out.

A consented seeker's own pages live under `/conseiller/{seeker_id}/…` and take
`SharedJournal`, `SharedEntry`… (carnet/web/shared.py), which answers 404 for anyone else.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from starlette.responses import Response

from carnet.export import Scope, export_bytes
from carnet.store import reviews
from carnet.store.consent import CODE_LIFETIME, issue_code
from carnet.store.counsellor import consented_seekers
from carnet.store.sources import original_bytes, owned_source, readable_source
from carnet.store.timeline import VERIFICATIONS, VERIFIED, timelines
from carnet.web.auth import CounsellorOnly, not_found
from carnet.web.deps import Database
from carnet.web.forms import RowId
from carnet.web.periods import chosen, usual_for
from carnet.web.routes.journal import KINDS, eml_response, journal_filters
from carnet.web.shared import Shared, SharedEntry, SharedExport, SharedJournal, SharedOriginal
from carnet.web.templating import render

router = APIRouter()


@router.get("/conseiller")
def seekers(account: CounsellorOnly, request: Request, db: Database) -> Response:
    return _list(request, db, account.id)


@router.post("/conseiller/code")
def new_code(account: CounsellorOnly, request: Request, db: Database) -> Response:
    """A fresh code, shown once on the answer to this POST (never kept in clear, never in a URL)."""
    return _list(request, db, account.id, issued=issue_code(db, account.id))


def _list(request: Request, db: Database, counsellor_id: int, **context) -> Response:
    return render(request, "counsellor_list.html", active="conseiller", seekers=consented_seekers(db, counsellor_id),
                  code_hours=int(CODE_LIFETIME.total_seconds() // 3600), **context)


@router.get("/conseiller/{seeker_id}")
def seeker_journal(shared: SharedJournal, request: Request, db: Database, du: str | None = None,
                   au: str | None = None, type: str | None = None, preuve: str | None = None,
                   page: int = 1) -> Response:
    """The seeker's timelines as she left them (her dismissed entries are not shown), without review buttons."""
    return _journal(request, db, shared, journal_filters(du, au, type, preuve, page))


def _journal(request: Request, db: Database, shared: Shared, filters, status_code: int = 200,
             **context) -> Response:
    filters = replace(filters, show_dismissed=False)
    base = f"/conseiller/{shared.seeker.id}"
    return render(request, "counsellor_seeker.html", status_code=status_code, active="conseiller",
                  seeker=shared.seeker, base=base, view=timelines(db, shared.seeker.id, filters), filters=filters,
                  kinds=KINDS, verifications=(VERIFIED, *VERIFICATIONS), can_review=False,
                  entry_base=f"{base}/entree/", period=usual_for(db, shared.seeker.id), **context)


@router.get("/conseiller/{seeker_id}/export.zip")
def seeker_export(shared: SharedExport, request: Request, db: Database, du: str | None = None,
                  au: str | None = None) -> Response:
    """The seeker's own export (her reviews applied), for the period asked."""
    period = chosen(du, au, usual_for(db, shared.seeker.id))
    if not period.valid:
        return _journal(request, db, shared, journal_filters(None, None, None, None), 400, export_error=True)
    data = export_bytes(db, Scope(period.start, period.end, seeker=shared.seeker.name))
    name = f"carnet-{shared.seeker.id}-{period.start.isoformat()}-{period.end.isoformat()}.zip"
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _entry_of(shared: Shared, db: Database, event_id: int):
    """The seeker's entry, its message and her review; an entry she dismissed is not the counsellor's to see."""
    found = owned_source(db, shared.seeker.id, event_id)
    if found is None:
        raise not_found()
    event, message = found
    review = reviews.entry_reviews(db, shared.seeker.id, [event.id]).get(event.id, reviews.EntryReview())
    if review.status == "dismissed":
        raise not_found()
    return event, message, review


@router.get("/conseiller/{seeker_id}/entree/{event_id}")
def seeker_entry(shared: SharedEntry, request: Request, db: Database, event_id: RowId) -> Response:
    event, message, review = _entry_of(shared, db, event_id)
    base = f"/conseiller/{shared.seeker.id}"
    return render(request, "entry.html", active="conseiller", source=readable_source(event, message),
                  review=review, kinds=KINDS, can_review=False, entry_base=f"{base}/entree/", back_url=base)


@router.get("/conseiller/{seeker_id}/entree/{event_id}/original.eml")
def seeker_original(shared: SharedOriginal, db: Database, event_id: RowId) -> Response:
    _, message, _ = _entry_of(shared, db, event_id)
    return eml_response(original_bytes(message), event_id)
