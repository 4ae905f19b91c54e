"""Who may see a route: the one authorisation dependency every route declares.

Each route names its access with exactly one of the dependencies below:
`Public` (no account needed), `SignedIn` (any account), `SeekerOnly`,
`CounsellorOnly`, `OperatorOnly` (or `require_role(...)` for a mix). The app
refuses to start when a route declares none (`check_every_route`).

Someone not signed in is sent to `/login`; an account of another role gets a
404, like a page that does not exist: a URL tells nothing about what it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.routing import APIRoute

from carnet.store.accounts import Role
from carnet.store.models import Account
from carnet.store.web_sessions import account_for
from carnet.web.cookies import LANG_COOKIE, SESSION_COOKIE
from carnet.web.deps import Database

ACCESS_MARK = "_carnet_access"


class SignInRequired(Exception):
    """Raised for a protected page without a session; answered by a redirect to /login."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def _access(function: Callable[..., Any]) -> Callable[..., Any]:
    setattr(function, ACCESS_MARK, True)
    return function


def not_found() -> HTTPException:
    return HTTPException(status_code=404)


@_access
def _public(request: Request) -> None:
    request.state.account = None


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as templates see it: a copy that outlives the request's transaction."""

    id: int
    email: str
    name: str
    role: str
    seeker_id: int | None


def current_account(request: Request, db: Database) -> Account | None:
    """The signed-in account, or None; a `Viewer` copy is kept on `request.state.account` for templates."""
    account = account_for(db, request.cookies.get(SESSION_COOKIE))
    request.state.account = account and Viewer(account.id, account.email, account.name, account.role,
                                               account.seeker_id)
    chose = "lang" in request.query_params or LANG_COOKIE in request.cookies
    if account is not None and account.lang and not chose:
        request.state.lang = account.lang
    return account


@_access
def _signed_in(request: Request, db: Database) -> Account:
    account = current_account(request, db)
    if account is None:
        raise SignInRequired(request.url.path)
    return account


def require_role(*roles: Role) -> Any:
    """A dependency giving the signed-in account when its role is one of `roles`, else 404."""
    allowed = frozenset(roles)

    @_access
    def dependency(account: Annotated[Account, Depends(_signed_in)]) -> Account:
        if account.role not in allowed:
            raise not_found()
        return account

    dependency.__name__ = "require_" + "_or_".join(sorted(allowed))
    return Depends(dependency)


Public = Annotated[None, Depends(_public)]
SignedIn = Annotated[Account, Depends(_signed_in)]
SeekerOnly = Annotated[Account, require_role(Role.SEEKER)]
CounsellorOnly = Annotated[Account, require_role(Role.COUNSELLOR)]
OperatorOnly = Annotated[Account, require_role(Role.OPERATOR)]


def seeker_id(account: Account) -> int:
    """The seeker row of a seeker's account (always present for that role)."""
    if account.seeker_id is None:
        raise not_found()
    return account.seeker_id


def declared_access(route: APIRoute) -> list[str]:
    """The names of the access dependencies a route declares (directly or through another)."""
    found, stack = [], list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        if getattr(dependant.call, ACCESS_MARK, False):
            found.append(dependant.call.__name__)
        stack.extend(dependant.dependencies)
    return found


def check_every_route(app: FastAPI) -> None:
    """Refuse to build an app with a route that declares no access."""
    missing = [route.path for route in api_routes(app) if not declared_access(route)]
    if missing:
        raise RuntimeError(f"routes without an access dependency (carnet.web.auth): {', '.join(missing)}")


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route of the app, through included routers (FastAPI may keep them nested)."""
    return list(_walk(app.router.routes))


def _walk(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from _walk(nested.routes)
