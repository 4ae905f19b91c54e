"""Error pages: a sentence and a way back, never a stack trace.

A 500 is logged with its traceback on the server (the exception's type and
place, which name no secret Carnet keeps in locals) and shown to the browser
as a plain page with a reference to quote.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from carnet.web.auth import SignInRequired
from carnet.web.forms import InvalidDate
from carnet.web.headers import apply_security_headers
from carnet.web.templating import render

log = logging.getLogger("carnet.web")
KNOWN = {400, 403, 404, 405, 413, 422, 429}


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(InvalidDate, _invalid_date)
    app.add_exception_handler(Exception, _server_error)


def _page(request: Request, status: int) -> Response:
    code = status if status in KNOWN else 400
    return render(request, "error.html", status_code=status, code=code)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    response = _page(request, exc.status_code)
    if exc.status_code == 405 and exc.headers:
        response.headers.update(exc.headers)
    return response


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """A path that names no row (`forms.RowId`) is a missing page; a bad query or form, a bad request."""
    in_path = any(error.get("loc", ("",))[0] == "path" for error in exc.errors())
    return _page(request, 404 if in_path else 400)


async def _invalid_date(request: Request, exc: InvalidDate) -> Response:
    """A date filter that is no date: the page says which value it could not read."""
    return render(request, "error.html", status_code=400, code=400, detail=("error_bad_date", exc.value[:40]))


async def _sign_in(request: Request, exc: SignInRequired) -> Response:
    return RedirectResponse(f"/login?next={quote(exc.path)}", status_code=303)


async def _server_error(request: Request, exc: Exception) -> Response:
    """Runs in Starlette's outermost middleware, so the security headers are added here too."""
    reference = secrets.token_hex(4)
    log.error("error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
    response = render(request, "error.html", status_code=500, code=500, reference=reference)
    apply_security_headers(MutableHeaders(raw=response.raw_headers), request.url.path)
    return response
