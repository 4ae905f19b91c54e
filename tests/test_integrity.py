"""`carnet verify` on a synced logbook, then on its database tampered with by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from carnet.store.chain import event_content, event_hash
from carnet.store.db import make_engine, session_factory, transaction
from carnet.store.models import Event, SourceMessage
from proofkit import SigningKey, World, Zone, dns_server, scenario, seed_and_sync
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from carnet.demo.dovecot import Dovecot


@pytest.fixture
def world(tmp_path: Path, dovecot: Dovecot, db_url: str) -> Iterator[World]:
    """A synced logbook, on SQLite then on PostgreSQL."""
    key, zone = SigningKey.generate(), Zone()
    messages = scenario(key, zone, datetime.now(UTC))
    with dns_server(zone) as dns:
        yield seed_and_sync(tmp_path / "world", dovecot, dns, messages, db_url)


@pytest.fixture
def factory(world: World) -> Iterator[sessionmaker[Session]]:
    """Direct access to the database, as someone tampering with it would have."""
    engine = make_engine(world.env["CARNET_DATABASE_URL"])
    yield session_factory(engine)
    engine.dispose()


def _events(session: Session) -> dict[int, Event]:
    return {event.seq: event for event in session.scalars(select(Event).order_by(Event.seq))}


def test_untouched_logbook_verifies(world: World) -> None:
    result = world.cli("verify")
    assert result.exit_code == 0, result.output
    assert "Léa Martin : chaîne intacte" in result.stdout
    assert world.cli("verify", "--seeker", "Léa Martin").exit_code == 0


def test_update_delete_and_insert_are_each_named(world: World, factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        events = _events(session)
        assert len(events) >= 6
        changed, removed, first = events[2], events[4], events[1]
        changed.company = "Entreprise Fictive"
        session.delete(removed)
        source = first.source
        fake = SourceMessage(mailbox_id=source.mailbox_id, sha256=hashlib.sha256(b"faux").hexdigest(),
                             raw=zlib.compress(b"faux"), recorded_at=source.recorded_at)
        session.add(fake)
        session.flush()
        copied = {name: getattr(first, name) for name in ("seeker_id", "application_id", "kind", "date", "position",
                                                         "verification", "confidence", "prev_hash", "hash")}
        inserted = Event(**copied, source_message_id=fake.id, company="Employeur Fictif", seq=max(events) + 1,
                         recorded_at=first.recorded_at)
        session.add(inserted)
        session.flush()
        ids = changed.id, inserted.id
    result = world.cli("verify")
    assert result.exit_code == 1
    out = result.stdout
    assert f"entrée n° 2 (événement {ids[0]}) modifiée : son contenu ne correspond plus à son empreinte." in out
    assert "entrée(s) n° 4 supprimée(s)" in out
    assert f"entrée n° {max(events) + 1} (événement {ids[1]}) insérée" in out
    assert out.count("\n  - ") == 3


def test_an_entry_rehashed_by_a_forger_is_named_by_the_next_one(world: World, factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        entry = _events(session)[3]
        entry.company = "Entreprise Fictive"
        entry.hash = event_hash(entry.prev_hash, event_content(entry), entry.source.sha256)
        entry_id = entry.id
    result = world.cli("verify")
    assert result.exit_code == 1
    assert f"entrée n° 3 (événement {entry_id}) modifiée : son empreinte a été recalculée" in result.stdout


def test_an_altered_original_breaks_its_entry_and_its_dkim_proof(world: World, factory: sessionmaker[Session]) -> None:
    dkim_event = world.entry("dkim_aligned")["id"]
    with transaction(factory) as session:
        source = session.get(Event, dkim_event).source
        forged = zlib.decompress(source.raw).replace(b"Nous accusons", b"Nous confirmons")
        source.raw = zlib.compress(forged)
        seq = session.get(Event, dkim_event).seq
    result = world.cli("verify")
    assert result.exit_code == 1
    assert f"entrée n° {seq} (événement {dkim_event}) : le message d'origine a été altéré (sha256)." in result.stdout
    assert f"entrée n° {seq} (événement {dkim_event}) : la preuve DKIM ne tient plus" in result.stdout


def test_unknown_seeker_is_refused(world: World) -> None:
    result = world.cli("verify", "--seeker", "Personne")
    assert result.exit_code == 1
    assert "Aucun chercheur Personne." in result.stderr
