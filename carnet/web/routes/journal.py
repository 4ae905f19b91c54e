"""The seeker's logbook page: one timeline per application."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from carnet.web.auth import SeekerOnly
from carnet.web.templating import render

router = APIRouter()


@router.get("/journal")
def journal(account: SeekerOnly, request: Request) -> Response:
    return render(request, "journal.html", active="journal")
