"""The counsellor's pages: the list of seekers who granted access, and one-time codes to hand out.

A consented seeker's own pages live under `/conseiller/{seeker_id}/…` and take
`SharedJournal`, `SharedEntry`… (carnet/web/shared.py), which answers 404 for anyone else.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from carnet.store.consent import CODE_LIFETIME, issue_code
from carnet.store.counsellor import consented_seekers
from carnet.web.auth import CounsellorOnly
from carnet.web.deps import Database
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
