"""The seeker's export: the zip of `carnet export` (PDF report, CSV, originals, démarches, manifest) for a period."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from carnet.export import Scope, export_bytes
from carnet.web.auth import SeekerOnly, seeker_id
from carnet.web.deps import Database
from carnet.web.periods import chosen, usual_for
from carnet.web.templating import render

router = APIRouter()


@router.get("/export")
def export_page(account: SeekerOnly, request: Request, db: Database, du: str | None = None,
                au: str | None = None) -> Response:
    return render(request, "export.html", active="export", period=chosen(du, au, usual_for(db, seeker_id(account))))


@router.get("/export/carnet.zip")
def export_zip(account: SeekerOnly, request: Request, db: Database, du: str | None = None,
               au: str | None = None) -> Response:
    period = chosen(du, au, usual_for(db, seeker_id(account)))
    if not period.valid:
        return render(request, "export.html", status_code=400, active="export", period=period, error=True)
    data = export_bytes(db, Scope(period.start, period.end, seeker=account.seeker.name))
    name = f"carnet-{period.start.isoformat()}-{period.end.isoformat()}.zip"
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
