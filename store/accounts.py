"""Web accounts: creation, argon2id passwords, sign-in with throttling.

Throttling counts refused sign-ins in the database (so every `carnet serve`
process behind a proxy shares it), per account and per client address: a
guesser is slowed down on one account from many addresses, and on many
accounts from one address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from carnet.store.mailboxes import get_or_create_seeker
from carnet.store.models import Account, LoginFailure, Seeker
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

HASHER = PasswordHasher()  # argon2id, the library's recommended parameters
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH = HASHER.hash("carnet: no such account")


class Role(StrEnum):
    SEEKER = "seeker"
    COUNSELLOR = "counsellor"
    OPERATOR = "operator"


class AccountError(ValueError):
    """An account cannot be created; `code` says why (`email_taken`, `email_invalid`, `password_short`)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SignIn(StrEnum):
    """Why a sign-in was refused."""

    REFUSED = "refused"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class SignInResult:
    account: Account | None
    refusal: SignIn | None = None


def normal_email(email: str) -> str:
    return email.strip().lower()


def create_account(session: Session, role: Role, email: str, password: str, name: str = "") -> Account:
    """A new account (a seeker's with its `Seeker` row); AccountError when it cannot be."""
    email = normal_email(email)
    if "@" not in email.strip("@") or len(email) > 320 or any(c.isspace() for c in email):
        raise AccountError("email_invalid")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short")
    if session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise AccountError("email_taken")
    account = Account(email=email, name=name.strip()[:200], role=Role(role).value,
                      password_hash=HASHER.hash(password), created_at=datetime.now(UTC))
    if account.role == Role.SEEKER:
        account.seeker_id = _new_seeker(session, account.name or email).id
    session.add(account)
    session.flush()
    return account


def _new_seeker(session: Session, name: str) -> Seeker:
    """The seeker's row, under their name unless another seeker already has it."""
    taken = session.scalar(select(Seeker.id).where(Seeker.name == name)) is not None
    return get_or_create_seeker(session, f"{name} (#{_next_seeker_number(session)})" if taken else name)


def _next_seeker_number(session: Session) -> int:
    return (session.scalar(select(func.max(Seeker.id))) or 0) + 1


def sign_in(session: Session, email: str, password: str, address: str) -> SignInResult:
    """The account when the password is right and neither the account nor the address is throttled."""
    email = normal_email(email)
    keys = (f"account:{email}", f"address:{address}")
    if _throttled(session, *keys):
        return SignInResult(None, SignIn.THROTTLED)
    account = session.scalar(select(Account).where(Account.email == email))
    if not _password_matches(account, password):
        for key in keys:
            session.add(LoginFailure(key=key[:400], at=datetime.now(UTC)))
        return SignInResult(None, SignIn.REFUSED)
    session.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    return SignInResult(account)


def _password_matches(account: Account | None, password: str) -> bool:
    """argon2 verification; an unknown account costs the same time as a known one."""
    try:
        return HASHER.verify(account.password_hash if account else _DUMMY_HASH, password) and account is not None
    except (VerificationError, InvalidHashError):
        return False


def _throttled(session: Session, account_key: str, address_key: str) -> bool:
    since = datetime.now(UTC) - THROTTLE_WINDOW
    counts = dict(session.execute(
        select(LoginFailure.key, func.count()).where(LoginFailure.key.in_([account_key, address_key]),
                                                      LoginFailure.at >= since).group_by(LoginFailure.key)
    ).all())
    return (counts.get(account_key, 0) >= MAX_FAILURES_PER_ACCOUNT
            or counts.get(address_key, 0) >= MAX_FAILURES_PER_ADDRESS)


def forget_old_failures(session: Session) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.at < datetime.now(UTC) - THROTTLE_WINDOW))


def set_language(account: Account, lang: str) -> None:
    account.lang = lang if lang in ("fr", "en") else None
