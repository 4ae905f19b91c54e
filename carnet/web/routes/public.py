"""Signing in and out, signing up, and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from carnet.store.accounts import AccountError, Role, SignIn, create_account, sign_in
from carnet.store.models import Account
from carnet.store.web_sessions import close_session, open_session
from carnet.web import csrf
from carnet.web.auth import Public, SignedIn, current_account
from carnet.web.cookies import SESSION_COOKIE, delete_cookie, set_cookie
from carnet.web.deps import Database
from carnet.web.i18n import language
from carnet.web.templating import render

router = APIRouter()
HOME = {Role.SEEKER: "/journal", Role.COUNSELLOR: "/conseiller", Role.OPERATOR: "/operateur"}


def home_of(account: Account) -> str:
    return HOME[Role(account.role)]


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site: never `//host` or a scheme, so a link cannot send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.api_route("/healthz", methods=["GET", "HEAD"], response_class=PlainTextResponse)
def healthz(_: Public) -> str:
    return "ok"


@router.get("/favicon.ico")
def favicon(_: Public) -> Response:
    """Browsers and tools that ask for the icon at its old address get the page's SVG icon."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/")
def index(_: Public, request: Request, db: Database) -> Response:
    account = current_account(request, db)
    return RedirectResponse(home_of(account) if account else "/login", status_code=303)


@router.get("/login")
def login_page(_: Public, request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_safe_next(next) or "")


@router.post("/login")
def login(_: Public, request: Request, db: Database, email: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    result = sign_in(db, email, password, client_address(request))
    if result.account is None:
        key = "login_throttled" if result.refusal is SignIn.THROTTLED else "login_refused"
        status = 429 if result.refusal is SignIn.THROTTLED else 401
        return render(request, "login.html", status_code=status, error=key, email=email, next=_safe_next(next) or "")
    return signed_in_response(request, db, result.account, _safe_next(next))


def signed_in_response(request: Request, db: Database, account: Account, target: str | None = None) -> Response:
    """Open a session for `account` and send the browser to its home (or `target`)."""
    response = RedirectResponse(target or home_of(account), status_code=303)
    close_session(db, request.cookies.get(SESSION_COOKIE))
    set_cookie(response, request, SESSION_COOKIE, open_session(db, account))
    csrf.rotate(request, response)
    return response


@router.post("/logout")
def logout(_: SignedIn, request: Request, db: Database) -> Response:
    close_session(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    delete_cookie(response, request, SESSION_COOKIE)
    csrf.rotate(request, response)
    return response


@router.get("/inscription")
def signup_page(_: Public, request: Request) -> Response:
    return render(request, "signup.html")


@router.post("/inscription")
def signup(_: Public, request: Request, db: Database, email: Annotated[str, Form()] = "",
           name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
           password_again: Annotated[str, Form()] = "") -> Response:
    if password != password_again:
        return render(request, "signup.html", status_code=400, error="signup_mismatch", email=email, name=name)
    try:
        account = create_account(db, Role.SEEKER, email, password, name)
    except AccountError as exc:
        return render(request, "signup.html", status_code=400, error=f"signup_{exc.code}", email=email, name=name)
    account.lang = language(getattr(request.state, "lang", None))
    return signed_in_response(request, db, account)
