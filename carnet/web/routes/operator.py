"""The operator's page: the staff accounts, and a form to create counsellors and operators.

Seekers sign up themselves; staff accounts are made here or by `carnet user add`.
The operator chooses the first password and hands it over; it is never shown back.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from carnet.store.accounts import AccountError, Role, create_account
from carnet.store.models import Account, Consent
from carnet.web.auth import OperatorOnly
from carnet.web.deps import Database
from carnet.web.templating import render

router = APIRouter()
STAFF = (Role.COUNSELLOR, Role.OPERATOR)


@router.get("/operateur")
def operator(_: OperatorOnly, request: Request, db: Database, cree: str = "") -> Response:
    """`cree` names the account just created; only an existing staff account's address is shown."""
    return _page(request, db, created=cree)


@router.post("/operateur/comptes")
def add_account(_: OperatorOnly, request: Request, db: Database, role: Annotated[str, Form()] = "",
                email: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "", password_again: Annotated[str, Form()] = "") -> Response:
    form = {"role": role, "email": email, "name": name}
    if role not in {r.value for r in STAFF}:
        return _page(request, db, status_code=400, error="operator_bad_role", form=form)
    if password != password_again:
        return _page(request, db, status_code=400, error="signup_mismatch", form=form)
    try:
        account = create_account(db, Role(role), email, password, name)
    except AccountError as exc:
        return _page(request, db, status_code=400, error=f"signup_{exc.code}", form=form)
    return RedirectResponse(f"/operateur?cree={account.email}", status_code=303)


def _page(request: Request, db: Session, status_code: int = 200, created: str = "", **context) -> Response:
    staff = _staff(db)
    created = next((account for account, _ in staff if account.email == created), None)
    return render(request, "operator.html", status_code=status_code, active="operateur", staff=staff,
                  roles=[r.value for r in STAFF], created=created, **context)


def _staff(db: Session) -> list[tuple[Account, int]]:
    """Counsellors and operators, with each one's count of seekers granting access now."""
    grants = (select(Consent.counsellor_id, func.count().label("seekers")).where(Consent.revoked_at.is_(None))
              .group_by(Consent.counsellor_id)).subquery()
    rows = db.execute(
        select(Account, func.coalesce(grants.c.seekers, 0))
        .outerjoin(grants, grants.c.counsellor_id == Account.id)
        .where(Account.role.in_([r.value for r in STAFF]))
        .order_by(Account.role, Account.name, Account.email)
    )
    return [(account, seekers) for account, seekers in rows]
