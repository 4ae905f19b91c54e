"""A seeker's consent to one counsellor, and the one-time codes counsellors hand out.

A consent runs from `granted_at` until `revoked_at`; revoking never deletes it, so
the seeker keeps the history of who could see their logbook and when. A seeker
grants access either by the counsellor's address or by a code the counsellor
generated: short (8 characters of Crockford's base 32, about 40 bits), valid for
`CODE_LIFETIME`, used once, and stored only as its SHA-256 (with so few bits a
hash guards against reading codes off a backup, not against a determined guess;
the expiry and single use do the rest).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from carnet.store.accounts import Role, normal_email
from carnet.store.models import Account, Consent, ConsentCode, Seeker
from sqlalchemy import select, update
from sqlalchemy.orm import Session

CODE_LIFETIME = timedelta(hours=72)
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8


class ConsentProblem(StrEnum):
    """Why a grant was refused; each has a message in `config/messages.toml`."""

    UNKNOWN_COUNSELLOR = "consent_unknown_counsellor"
    INVALID_CODE = "consent_invalid_code"


class ConsentError(Exception):
    def __init__(self, problem: ConsentProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Grant:
    """One consent as the seeker sees it in their history."""

    id: int
    counsellor_name: str
    counsellor_email: str
    granted_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class IssuedCode:
    """A code as shown once to the counsellor who asked for it."""

    code: str
    expires_at: datetime


def grant_by_address(session: Session, seeker_id: int, email: str, now: datetime | None = None) -> Consent:
    """Grant the counsellor whose account has `email`; an existing active grant is kept."""
    counsellor = session.scalar(
        select(Account).where(Account.email == normal_email(email), Account.role == Role.COUNSELLOR.value)
    )
    if counsellor is None:
        raise ConsentError(ConsentProblem.UNKNOWN_COUNSELLOR)
    return _grant(session, seeker_id, counsellor.id, now or datetime.now(UTC))


def issue_code(session: Session, counsellor_id: int, now: datetime | None = None) -> IssuedCode:
    """A new one-time code for the counsellor; only its hash is stored."""
    now = now or datetime.now(UTC)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = now + CODE_LIFETIME
    session.add(ConsentCode(counsellor_id=counsellor_id, code_hash=_code_hash(code), created_at=now,
                            expires_at=expires_at))
    session.flush()
    return IssuedCode(code=f"{code[:4]}-{code[4:]}", expires_at=expires_at)


def grant_by_code(session: Session, seeker_id: int, code: str, now: datetime | None = None) -> Consent:
    """Spend a counsellor's code to grant them access; unknown, expired and used codes are refused alike."""
    now = now or datetime.now(UTC)
    spent = session.execute(
        update(ConsentCode)
        .where(ConsentCode.code_hash == _code_hash(normalize_code(code)), ConsentCode.used_at.is_(None),
               ConsentCode.expires_at > now)
        .values(used_at=now, used_by_seeker_id=seeker_id)
        .returning(ConsentCode.counsellor_id)
        .execution_options(synchronize_session=False)
    ).scalar()
    if spent is None:
        raise ConsentError(ConsentProblem.INVALID_CODE)
    return _grant(session, seeker_id, spent, now)


def revoke(session: Session, seeker_id: int, consent_id: int, now: datetime | None = None) -> bool:
    """End one of the seeker's active grants now; False when there is no such grant."""
    result = session.execute(
        update(Consent)
        .where(Consent.id == consent_id, Consent.seeker_id == seeker_id, Consent.revoked_at.is_(None))
        .values(revoked_at=now or datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def may_see(session: Session, counsellor_id: int, seeker_id: int) -> bool:
    """Whether the counsellor holds an active grant from the seeker right now."""
    return session.scalar(
        select(Consent.id).where(Consent.counsellor_id == counsellor_id, Consent.seeker_id == seeker_id,
                                 Consent.revoked_at.is_(None))
    ) is not None


def consented_seeker(session: Session, counsellor_id: int, seeker_id: int) -> Seeker | None:
    """The seeker, when the counsellor may see them; None exactly as for a seeker that does not exist."""
    return session.scalar(
        select(Seeker).join(Consent, Consent.seeker_id == Seeker.id)
        .where(Seeker.id == seeker_id, Consent.counsellor_id == counsellor_id, Consent.revoked_at.is_(None))
    )


def grants_of(session: Session, seeker_id: int) -> list[Grant]:
    """The seeker's grants, active and revoked, newest first."""
    rows = session.execute(
        select(Consent, Account.name, Account.email)
        .join(Account, Account.id == Consent.counsellor_id)
        .where(Consent.seeker_id == seeker_id)
        .order_by(Consent.granted_at.desc(), Consent.id.desc())
    )
    return [Grant(consent.id, name or email, email, consent.granted_at, consent.revoked_at)
            for consent, name, email in rows]


def normalize_code(code: str) -> str:
    """A code as typed (any case, spaces, dashes, O for 0, I or L for 1) in its canonical form."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def _grant(session: Session, seeker_id: int, counsellor_id: int, now: datetime) -> Consent:
    active = session.scalar(
        select(Consent).where(Consent.seeker_id == seeker_id, Consent.counsellor_id == counsellor_id,
                              Consent.revoked_at.is_(None))
    )
    if active is not None:
        return active
    consent = Consent(seeker_id=seeker_id, counsellor_id=counsellor_id, granted_at=now)
    session.add(consent)
    session.flush()
    return consent


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()

