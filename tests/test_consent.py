"""Consent, one-time codes, the access log and the counsellor's list, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from carnet.store import reviews
from carnet.store.access_log import Access, access_count, access_log, record_access
from carnet.store.accounts import Role, create_account
from carnet.store.consent import (
    CODE_LIFETIME,
    ConsentError,
    ConsentProblem,
    consented_seeker,
    grant_by_address,
    grant_by_code,
    grants_of,
    issue_code,
    may_see,
    normalize_code,
    revoke,
)
from carnet.store.counsellor import Alert, consented_seekers
from carnet.store.db import make_engine, session_factory, transaction, upgrade
from carnet.store.models import Account, ConsentCode
from entrykit import Entry, add_entries, mailbox_for
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

PASSWORD = "correct horse battery"


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def _account(factory: sessionmaker[Session], role: Role, email: str, name: str = "") -> Account:
    with transaction(factory) as session:
        return create_account(session, role, email, PASSWORD, name=name)


@pytest.fixture
def people(factory: sessionmaker[Session]) -> dict[str, Account]:
    return {
        "lea": _account(factory, Role.SEEKER, "lea@example.fr", "Léa Martin"),
        "karim": _account(factory, Role.SEEKER, "karim@example.fr", "Karim Benali"),
        "claire": _account(factory, Role.COUNSELLOR, "claire@france-travail.example", "Claire Dubois"),
        "marc": _account(factory, Role.COUNSELLOR, "marc@france-travail.example", "Marc Petit"),
        "olga": _account(factory, Role.OPERATOR, "olga@carnet.example", "Olga"),
    }


# -- granting and revoking ----------------------------------------------------------------


def test_a_grant_by_address_lets_that_counsellor_and_no_other_see_the_seeker(factory, people) -> None:
    lea, claire, marc = people["lea"], people["claire"], people["marc"]
    with transaction(factory) as session:
        grant_by_address(session, lea.seeker_id, "  Claire@France-Travail.example ")
    with transaction(factory) as session:
        assert may_see(session, claire.id, lea.seeker_id)
        assert not may_see(session, marc.id, lea.seeker_id)
        assert not may_see(session, claire.id, people["karim"].seeker_id)
        assert consented_seeker(session, claire.id, lea.seeker_id).id == lea.seeker_id
        assert consented_seeker(session, marc.id, lea.seeker_id) is None


@pytest.mark.parametrize("address", ["nobody@example.fr", "olga@carnet.example", "karim@example.fr"])
def test_only_a_counsellor_account_can_be_granted(factory, people, address: str) -> None:
    with transaction(factory) as session, pytest.raises(ConsentError) as refused:
        grant_by_address(session, people["lea"].seeker_id, address)
    assert refused.value.problem is ConsentProblem.UNKNOWN_COUNSELLOR


def test_granting_twice_keeps_one_active_grant(factory, people) -> None:
    lea = people["lea"]
    with transaction(factory) as session:
        first = grant_by_address(session, lea.seeker_id, "claire@france-travail.example")
        second = grant_by_address(session, lea.seeker_id, "claire@france-travail.example")
        assert first.id == second.id
    with transaction(factory) as session:
        assert len(grants_of(session, lea.seeker_id)) == 1


def test_revoking_ends_access_at_once_and_keeps_the_history(factory, people) -> None:
    lea, claire = people["lea"], people["claire"]
    granted = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    with transaction(factory) as session:
        consent = grant_by_address(session, lea.seeker_id, claire.email, now=granted)
    with transaction(factory) as session:
        assert revoke(session, lea.seeker_id, consent.id, now=granted + timedelta(days=3))
    with transaction(factory) as session:
        assert not may_see(session, claire.id, lea.seeker_id)
        assert consented_seeker(session, claire.id, lea.seeker_id) is None
        [grant] = grants_of(session, lea.seeker_id)
    assert (grant.counsellor_name, grant.granted_at, grant.revoked_at) == (
        "Claire Dubois", granted, granted + timedelta(days=3))
    assert not grant.active


def test_a_seeker_can_grant_again_after_revoking(factory, people) -> None:
    lea, claire = people["lea"], people["claire"]
    with transaction(factory) as session:
        first = grant_by_address(session, lea.seeker_id, claire.email)
        revoke(session, lea.seeker_id, first.id)
    with transaction(factory) as session:
        grant_by_address(session, lea.seeker_id, claire.email)
    with transaction(factory) as session:
        grants = grants_of(session, lea.seeker_id)
        assert may_see(session, claire.id, lea.seeker_id)
    assert [g.active for g in grants] == [True, False]


def test_a_seeker_cannot_revoke_another_seekers_grant(factory, people) -> None:
    with transaction(factory) as session:
        consent = grant_by_address(session, people["lea"].seeker_id, people["claire"].email)
    with transaction(factory) as session:
        assert not revoke(session, people["karim"].seeker_id, consent.id)
        assert not revoke(session, people["lea"].seeker_id, consent.id + 1000)
    with transaction(factory) as session:
        assert may_see(session, people["claire"].id, people["lea"].seeker_id)


# -- one-time codes -------------------------------------------------------------------------


def test_a_code_grants_its_counsellor_once_and_is_stored_hashed(factory, people) -> None:
    lea, karim, claire = people["lea"], people["karim"], people["claire"]
    with transaction(factory) as session:
        issued = issue_code(session, claire.id)
    assert len(normalize_code(issued.code)) == 8
    with transaction(factory) as session:
        stored = session.scalars(select(ConsentCode.code_hash)).all()
        assert stored and normalize_code(issued.code) not in stored[0]
    with transaction(factory) as session:
        grant_by_code(session, lea.seeker_id, issued.code.lower().replace("-", " "))
    with transaction(factory) as session:
        assert may_see(session, claire.id, lea.seeker_id)
    with transaction(factory) as session, pytest.raises(ConsentError) as refused:
        grant_by_code(session, karim.seeker_id, issued.code)
    assert refused.value.problem is ConsentProblem.INVALID_CODE
    with transaction(factory) as session:
        assert not may_see(session, claire.id, karim.seeker_id)


def test_an_expired_or_unknown_code_is_refused(factory, people) -> None:
    issued_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with transaction(factory) as session:
        issued = issue_code(session, people["claire"].id, now=issued_at)
    assert issued.expires_at == issued_at + CODE_LIFETIME
    for code, when in ((issued.code, issued.expires_at + timedelta(seconds=1)), ("ABCD-EFGH", issued_at)):
        with transaction(factory) as session, pytest.raises(ConsentError):
            grant_by_code(session, people["lea"].seeker_id, code, now=when)
    with transaction(factory) as session:
        grant_by_code(session, people["lea"].seeker_id, issued.code, now=issued.expires_at - timedelta(seconds=1))


def test_codes_are_read_leniently() -> None:
    assert normalize_code(" ab0l-o1iz ") == "AB01011Z"


# -- the access log ---------------------------------------------------------------------------


def test_the_access_log_names_who_saw_what_and_when_newest_first(factory, people) -> None:
    lea, claire = people["lea"], people["claire"]
    seen = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    with transaction(factory) as session:
        record_access(session, claire, lea.seeker_id, Access.JOURNAL, now=seen)
        record_access(session, claire, lea.seeker_id, Access.ORIGINAL, "entrée 12", now=seen + timedelta(minutes=1))
        record_access(session, claire, people["karim"].seeker_id, Access.JOURNAL, now=seen)
    with transaction(factory) as session:
        log = access_log(session, lea.seeker_id)
        assert access_count(session, lea.seeker_id) == 2
    assert [(v.viewer_name, v.what, v.detail, v.at) for v in log] == [
        ("Claire Dubois", Access.ORIGINAL, "entrée 12", seen + timedelta(minutes=1)),
        ("Claire Dubois", Access.JOURNAL, "", seen),
    ]


def test_the_access_log_outlives_the_counsellors_account(factory, people) -> None:
    lea, claire = people["lea"], people["claire"]
    with transaction(factory) as session:
        record_access(session, claire, lea.seeker_id, Access.EXPORT, "2026-11")
    with transaction(factory) as session:
        session.delete(session.get(Account, claire.id))
    with transaction(factory) as session:
        [view] = access_log(session, lea.seeker_id)
    assert (view.viewer_email, view.what) == ("claire@france-travail.example", Access.EXPORT)


# -- the counsellor's list ---------------------------------------------------------------------


def test_the_list_sums_up_each_consented_seeker(factory, people) -> None:
    lea, karim, claire = people["lea"], people["karim"], people["claire"]
    today = date(2026, 11, 25)
    synced = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    with transaction(factory) as session:
        mailbox = mailbox_for(session, lea.seeker_id, last_sync_at=synced)
        add_entries(session, mailbox, [
            Entry("application", date(2026, 10, 30)),
            Entry("application", date(2026, 11, 3), company="Airbus"),
            Entry("acknowledgement", date(2026, 11, 4), company="Airbus", verification="dkim"),
            Entry("interview", date(2026, 11, 12), company="Airbus", verification="thread"),
            Entry("rejection", date(2026, 11, 20), company="Decathlon", verification="none"),
        ])
        mailbox_for(session, karim.seeker_id, status="needs_relink")
        for seeker in (lea, karim):
            grant_by_address(session, seeker.seeker_id, claire.email)
    with transaction(factory) as session:
        rows = consented_seekers(session, claire.id, today=today)
    assert [(r.name, r.email) for r in rows] == [("Karim Benali", "karim@example.fr"), ("Léa Martin", "lea@example.fr")]
    karim_row, lea_row = rows
    assert (lea_row.entries_this_month, lea_row.verified_replies, lea_row.last_entry) == (4, 2, date(2026, 11, 20))
    assert lea_row.last_sync_at == synced
    assert lea_row.alerts == ()
    assert (karim_row.entries_this_month, karim_row.last_sync_at) == (0, None)
    assert karim_row.alerts == (Alert.RECONNECT, Alert.SILENT)


def test_the_list_flags_silence_and_missing_mailboxes_and_drops_revoked_seekers(factory, people) -> None:
    lea, karim, claire, marc = people["lea"], people["karim"], people["claire"], people["marc"]
    with transaction(factory) as session:
        mailbox = mailbox_for(session, lea.seeker_id)
        add_entries(session, mailbox, [Entry("application", date(2026, 10, 1))])
        grant_by_address(session, lea.seeker_id, claire.email)
        revoked = grant_by_address(session, karim.seeker_id, claire.email)
        revoke(session, karim.seeker_id, revoked.id)
        grant_by_address(session, karim.seeker_id, marc.email)
    with transaction(factory) as session:
        [row] = consented_seekers(session, claire.id, today=date(2026, 11, 1))
        [marcs] = consented_seekers(session, marc.id, today=date(2026, 11, 1))
        assert consented_seekers(session, people["olga"].id) == []
    assert (row.name, row.alerts) == ("Léa Martin", (Alert.SILENT,))
    assert (marcs.name, marcs.alerts) == ("Karim Benali", (Alert.NO_MAILBOX, Alert.SILENT))
    with transaction(factory) as session:
        [recent] = consented_seekers(session, claire.id, today=date(2026, 10, 31))
    assert recent.alerts == ()


def test_the_list_leaves_out_entries_the_seeker_dismissed(factory, people) -> None:
    lea, claire = people["lea"], people["claire"]
    with transaction(factory) as session:
        mailbox = mailbox_for(session, lea.seeker_id)
        _, dismissed, taken_back = add_entries(session, mailbox, [
            Entry("acknowledgement", date(2026, 11, 4), company="Airbus", verification="dkim"),
            Entry("acknowledgement", date(2026, 11, 5), company="Safran", verification="dkim"),
            Entry("interview", date(2026, 11, 6), company="Thales", verification="thread"),
        ])
        reviews.dismiss(session, lea, dismissed, reviews.Action.NOT_MINE)
        reviews.dismiss(session, lea, taken_back, reviews.Action.NOT_APPLICATION)
        reviews.confirm(session, lea, taken_back)
        grant_by_address(session, lea.seeker_id, claire.email)
    with transaction(factory) as session:
        [row] = consented_seekers(session, claire.id, today=date(2026, 11, 25))
    assert (row.entries_this_month, row.verified_replies) == (2, 2)
