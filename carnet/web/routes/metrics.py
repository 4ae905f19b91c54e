"""The seeker's figures for a chosen period, with the weekly chart."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from carnet.store.metrics import seeker_metrics
from carnet.web.auth import SeekerOnly, seeker_id
from carnet.web.chart import weekly_chart
from carnet.web.deps import Database
from carnet.web.periods import Period, chosen, usual_for
from carnet.web.templating import render

router = APIRouter()
LONGEST = timedelta(days=731)


@router.get("/bilan")
def metrics(account: SeekerOnly, request: Request, db: Database, du: str | None = None,
            au: str | None = None) -> Response:
    period = chosen(du, au, usual_for(db, seeker_id(account)))
    if not period.valid:
        period = Period(period.end, period.start)
    if period.end - period.start > LONGEST:
        period = Period(period.end - LONGEST, period.end)
    figures = seeker_metrics(db, seeker_id(account), period.start, period.end)
    return render(request, "metrics.html", active="bilan", period=period, m=figures,
                  chart=weekly_chart(figures.weeks))
