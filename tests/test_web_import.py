"""Importing from the web: the seeker uploads an mbox, the page shows the job, a worker imports it.

The web process only stores the file and queues the job; `carnet.worker.tick`
(what `carnet run` does at each tick) imports it and deletes the file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from carnet.config.settings import load_settings
from carnet.store.db import transaction
from carnet.store.logbook import logbook_rows
from carnet.store.models import Event, ImportJob, SourceMessage
from fastapi.testclient import TestClient
from importkit import takeout_mbox
from mailgen import mailbox
from webkit import Person, csrf_of, shown, signed_in_seekers

from carnet.runtime import Runtime, open_runtime
from carnet.worker import tick

MAILS = mailbox(total=60, seed=5, sample=30)


@pytest.fixture
def small_limit() -> int:
    return 0


@pytest.fixture
def import_runtime(db_url: str, monkeypatch: pytest.MonkeyPatch, small_limit: int) -> Iterator[Runtime]:
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    settings = load_settings()
    runtime = open_runtime(replace(settings, max_upload_bytes=small_limit or settings.max_upload_bytes))
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def seeker(import_runtime: Runtime) -> Iterator[Callable[[], tuple[TestClient, Person]]]:
    with signed_in_seekers(import_runtime) as make:
        yield make


def upload(client: TestClient, path: Path, name: str = "Toute la messagerie.mbox"):
    with path.open("rb") as handle:
        return client.post("/boite/importer", data={"csrf": csrf_of(client)},
                           files={"mailbox_file": (name, handle, "application/mbox")})


def test_an_uploaded_mbox_is_queued_then_imported_by_the_worker(seeker, import_runtime: Runtime,
                                                                tmp_path: Path) -> None:
    client, person = seeker()
    assert 'href="/boite/importer"' in client.get("/boite/lier").text
    assert 'enctype="multipart/form-data"' in client.get("/boite/importer").text
    sent = upload(client, takeout_mbox(tmp_path / "Takeout.mbox", MAILS))
    assert (sent.status_code, sent.headers["Location"]) == (303, "/boite/importer?done=queued")
    page = shown(client.get("/boite/importer?done=queued"))
    assert "Toute la messagerie.mbox" in page and "En attente" in page
    with transaction(import_runtime.factory) as session:
        job = session.query(ImportJob).one()
        stored, job_id = Path(job.path), job.id
        assert session.query(SourceMessage).count() == 0  # the web process imports nothing
    assert stored.is_file() and stored.stat().st_mode & 0o777 == 0o600
    assert stored.read_bytes() == (tmp_path / "Takeout.mbox").read_bytes()

    assert tick(import_runtime, "test-worker", threading.Event()) == 1
    with transaction(import_runtime.factory) as session:
        job = session.get(ImportJob, job_id)
        assert (job.status, job.failed, job.error) == ("done", 0, None) and job.new > 5
        recorded = session.query(Event).filter(Event.seeker_id == person.seeker_id).count()
        assert logbook_rows(session, seeker=person.email.split("@")[0])
    assert recorded == job.new
    assert not stored.exists()  # only the evidence stays, in the database
    assert f"{job.new} nouvelle(s) entrée(s)" in shown(client.get("/boite/importer"))
    assert tick(import_runtime, "test-worker", threading.Event()) == 0  # nothing left to do
    assert "Aucune boîte n'est liée" in shown(client.get("/boite"))  # the import mailbox is no linked one


def test_a_file_that_is_no_mbox_is_refused_in_one_sentence(seeker, import_runtime: Runtime, tmp_path: Path) -> None:
    client, _ = seeker()
    (tmp_path / "takeout.zip").write_bytes(b"PK\x03\x04 an archive, not yet unzipped")
    refused = upload(client, tmp_path / "takeout.zip", "takeout.zip")
    assert refused.status_code == 400 and "Décompressez l'archive" in shown(refused)
    with transaction(import_runtime.factory) as session:
        assert session.query(ImportJob).count() == 0
    assert not any((import_runtime.settings.data_dir / "uploads").iterdir())


@pytest.mark.parametrize("small_limit", [20_000])
def test_a_file_past_the_limit_is_refused_and_not_kept(seeker, import_runtime: Runtime, tmp_path: Path) -> None:
    client, _ = seeker()
    refused = upload(client, takeout_mbox(tmp_path / "Takeout.mbox", MAILS))
    assert refused.status_code == 413 and "dépasse la taille permise" in shown(refused)
    with transaction(import_runtime.factory) as session:
        assert session.query(ImportJob).count() == 0
    uploads = import_runtime.settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_a_seeker_sees_only_their_own_imports(seeker, tmp_path: Path) -> None:
    first, _ = seeker()
    upload(first, takeout_mbox(tmp_path / "Takeout.mbox", MAILS[:5]), "lea-secret-export.mbox")
    other, _ = seeker()
    assert "lea-secret-export.mbox" not in other.get("/boite/importer").text
    assert "lea-secret-export.mbox" in first.get("/boite/importer").text


def test_an_upload_that_turns_out_unreadable_fails_in_words_and_is_deleted(seeker, import_runtime: Runtime,
                                                                           tmp_path: Path) -> None:
    client, _ = seeker()
    upload(client, takeout_mbox(tmp_path / "Takeout.mbox", MAILS[:5]))
    with transaction(import_runtime.factory) as session:
        stored = Path(session.query(ImportJob).one().path)
    stored.write_bytes(b"no longer an mbox")  # what a worker finds is no mailbox
    assert tick(import_runtime, "test-worker", threading.Event()) == 1
    page = shown(client.get("/boite/importer"))
    assert "Échec" in page and "ce n'est pas un fichier mbox" in page and str(stored) not in page
    assert not stored.exists()
