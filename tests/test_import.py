"""`carnet import`: an mbox, a Maildir or `.eml` files give the logbook a sync of the same messages gives.

The same messages are served by the test Dovecot and written as a Google Takeout
mbox (labels, LF line ends, mboxrd quoting), a Maildir++ and a folder of `.eml`
files; each import, in a database of its own, must give the sync's logbook.
Importing twice, or importing then syncing the mailbox (or the other way round)
for the same seeker, doubles nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections import Counter
from pathlib import Path

import pytest
from carnet.ingest import mailfiles
from carnet.store.db import transaction
from carnet.store.logbook import logbook_rows
from carnet.store.models import Event, Mailbox, ParseFailure, SourceMessage
from clikit import carnet
from conftest import ImapAccount
from importkit import eml_folder, maildir, takeout_mbox, thunderbird
from mailgen import SEEKER, mailbox, seed
from proofkit import SigningKey, Zone, dns_server, employer_mail
from synckit import link, runtime, sync

from carnet.importing import import_path
from carnet.proof_commands import dkim_lines
from carnet.runtime import Runtime

Row = tuple[str, str | None, str | None, str | None, str, str | None]
MAILS = mailbox(total=160, seed=11, sample=70)


def logbook(rt: Runtime, seeker: str | None = None) -> Counter[Row]:
    """Every recorded entry, those in doubt (waiting for the seeker's review) included."""
    with transaction(rt.factory) as session:
        rows = logbook_rows(session, seeker=seeker, in_doubt=True)
    return Counter((r.kind, r.company, r.position, r.date.isoformat() if r.date else None, r.verification,
                    r.message_id) for r in rows)


@pytest.fixture
def rt(db_url: str, tmp_path: Path) -> Runtime:
    return runtime(db_url, tmp_path / "data")


@pytest.fixture
def synced(imap_user: ImapAccount, rt: Runtime) -> Counter[Row]:
    """The logbook of a sync of MAILS, for the seeker "synced" (imports go to other seekers)."""
    seed(imap_user.server, imap_user.user, MAILS)
    assert not sync(rt, link(rt, imap_user.host, imap_user.port, imap_user.user, imap_user.password,
                             seeker="synced")).errors
    return logbook(rt, "synced")


@pytest.mark.parametrize("source", [takeout_mbox, maildir, eml_folder, thunderbird])
def test_an_import_gives_the_logbook_of_a_sync(source, synced: Counter[Row], rt: Runtime, tmp_path: Path) -> None:
    target = tmp_path / ("Takeout.mbox" if source is takeout_mbox else source.__name__)
    report = import_path(rt.factory, rt.settings, source(target, MAILS), "imported")
    assert report.failed == 0 and report.new == sum(synced.values())
    assert logbook(rt, "imported") == synced
    assert sum(synced.values()) > 20 and {kind for kind, *_ in synced} >= {"application", "rejection", "interview"}


def test_importing_twice_records_nothing_new(db_url: str, tmp_path: Path) -> None:
    rt = runtime(db_url, tmp_path / "import")
    path = takeout_mbox(tmp_path / "Takeout.mbox", MAILS)
    first = import_path(rt.factory, rt.settings, path, "Léa Martin")
    before = logbook(rt)
    again = import_path(rt.factory, rt.settings, path, "Léa Martin")
    assert (again.messages, again.new) == (0, 0)  # the checkpoints say every message is recorded
    path.touch()  # the same file seen anew (a new export): read again, nothing recorded twice
    anew = import_path(rt.factory, rt.settings, path, "Léa Martin")
    assert anew.messages == first.messages and anew.new == 0
    assert logbook(rt) == before


@pytest.mark.parametrize("import_first", [True, False])
def test_import_and_sync_of_the_same_mailbox_double_nothing(
    import_first: bool, imap_user: ImapAccount, db_url: str, tmp_path: Path
) -> None:
    seed(imap_user.server, imap_user.user, MAILS)
    rt = runtime(db_url, tmp_path / "both")
    path = maildir(tmp_path / "Maildir", MAILS)
    mailbox_id = link(rt, imap_user.host, imap_user.port, imap_user.user, imap_user.password, seeker="Léa Martin")
    if import_first:
        assert import_path(rt.factory, rt.settings, path, "Léa Martin").new > 20
    assert not sync(rt, mailbox_id).errors
    once = logbook(rt)
    second = import_path(rt.factory, rt.settings, path, "Léa Martin")
    assert second.new == 0 or not import_first
    assert logbook(rt) == once
    assert max(once.values()) == 1
    with transaction(rt.factory) as session:
        assert session.query(SourceMessage).count() == sum(once.values())


def test_raw_bytes_and_sha256_are_those_the_server_serves(imap_user: ImapAccount, db_url: str, tmp_path: Path) -> None:
    """CRLF, no Takeout headers, no mboxrd quote: the import keeps the bytes the sync keeps (two seekers here)."""
    seed(imap_user.server, imap_user.user, MAILS)
    rt = runtime(db_url, tmp_path / "data")
    assert not sync(rt, link(rt, imap_user.host, imap_user.port, imap_user.user, imap_user.password,
                             seeker="synced")).errors
    import_path(rt.factory, rt.settings, takeout_mbox(tmp_path / "T.mbox", MAILS), "imported")
    with transaction(rt.factory) as session:
        rows = session.query(SourceMessage.sha256, SourceMessage.raw, Mailbox.host).join(
            Mailbox, Mailbox.id == SourceMessage.mailbox_id).all()
    imported = {sha for sha, _, host in rows if host == "import"}
    assert imported and imported == {sha for sha, _, host in rows if host != "import"}
    for sha, raw, _ in rows:
        whole = zlib.decompress(raw)
        assert hashlib.sha256(whole).hexdigest() == sha and b"X-Gmail-Labels" not in whole


def test_a_broken_message_is_counted_and_the_others_recorded(db_url: str, tmp_path: Path) -> None:
    rt = runtime(db_url, tmp_path / "import")
    folder = maildir(tmp_path / "Maildir", MAILS[:40])
    (folder / "cur" / "empty.carnet:2,S").write_bytes(b"")
    (folder / "cur" / "blank.carnet:2,S").write_bytes(b"\r\n\r\n")
    report = import_path(rt.factory, rt.settings, folder, "Léa Martin")
    assert report.failed == 2 and report.new > 0
    with transaction(rt.factory) as session:
        assert session.query(ParseFailure).count() == report.failed


def test_dkim_is_checked_at_import_and_a_rotated_key_says_so(db_url: str, tmp_path: Path) -> None:
    key, rotated = SigningKey.generate(), SigningKey.generate()
    zone = Zone()
    reply = employer_mail("Recrutement Moreau <rh@boulangerie-moreau.fr>", SEEKER,
                          "Votre candidature au poste de vendeuse",
                          "Bonjour,\nNous sommes au regret de vous informer que votre candidature n'a pas été retenue "
                          "pour le poste de vendeuse.\nCordialement,\nLe service recrutement")
    old = employer_mail("Recrutement Atelier <rh@atelier-numerique.fr>", SEEKER,
                        "Entretien pour le poste de développeuse web",
                        "Bonjour,\nVotre candidature a retenu notre attention : nous vous invitons à un entretien "
                        "le 12 mars à 10 h pour le poste de développeuse web.\nCordialement")
    folder = tmp_path / "emls"
    folder.mkdir()
    (folder / "reply.eml").write_bytes(key.sign(reply, "boulangerie-moreau.fr"))
    (folder / "old.eml").write_bytes(key.sign(old, "atelier-numerique.fr"))
    retired = employer_mail("Recrutement Brico <rh@brico-depot.fr>", SEEKER, "Votre candidature : entretien",
                            "Bonjour,\nNous vous invitons à un entretien pour le poste de vendeur conseil "
                            "le 3 avril à 14 h.\nCordialement")
    (folder / "retired.eml").write_bytes(key.sign(retired, "brico-depot.fr", selector="2019"))
    zone.publish("sel1", "boulangerie-moreau.fr", key.record)
    zone.publish("sel1", "atelier-numerique.fr", rotated.record)  # the key that signed it is gone
    with dns_server(zone) as dns:
        rt = runtime(db_url, tmp_path / "import", dns_servers=(dns,))
        import_path(rt.factory, rt.settings, folder, "Léa Martin", frozenset({SEEKER}))
    with transaction(rt.factory) as session:
        proofs = {s.message_id.rsplit("@", 1)[1]: (s.dkim_result, s.dkim_key_record, s.dkim_failure)
                  for s in session.query(SourceMessage)}
        verification = {r.message_id.rsplit("@", 1)[1]: r.verification for r in logbook_rows(session)}
        said = {e.source.message_id.rsplit("@", 1)[1]: " ".join(dkim_lines(e)) for e in session.query(Event)}
    assert proofs["boulangerie-moreau.fr"] == ("pass", key.record, None)
    # Checked against the key published today, which is not the one that signed it: the proof says so.
    assert proofs["atelier-numerique.fr"] == ("fail", rotated.record, "does_not_verify")
    assert proofs["brico-depot.fr"] == ("permerror", None, "key_not_published")  # the 2019 key was retired
    assert verification == {"boulangerie-moreau.fr": "dkim", "atelier-numerique.fr": "none", "brico-depot.fr": "none"}
    assert "soit le domaine a changé de clé depuis" in said["atelier-numerique.fr"]
    assert "n'était plus publiée" in said["brico-depot.fr"]
    assert "plus publiée" not in said["boulangerie-moreau.fr"] and "changé de clé" not in said["boulangerie-moreau.fr"]


def test_trusted_authentication_results_are_honoured(db_url: str, tmp_path: Path) -> None:
    reply = employer_mail("Recrutement Moreau <rh@boulangerie-moreau.fr>", SEEKER,
                          "Votre candidature au poste de vendeuse",
                          "Bonjour,\nNous sommes au regret : votre candidature n'a pas été retenue.\n",
                          extra_headers=("Authentication-Results: mx.google.com; dkim=pass "
                                         "header.i=@boulangerie-moreau.fr header.s=sel1; spf=pass",))
    folder = tmp_path / "emls"
    folder.mkdir()
    (folder / "reply.eml").write_bytes(reply)
    rt = runtime(db_url, tmp_path / "import")
    import_path(rt.factory, rt.settings, folder, "Léa Martin", frozenset({SEEKER}))
    with transaction(rt.factory) as session:
        assert [row.verification for row in logbook_rows(session)] == ["provider"]


def test_the_command_prints_one_summary_line_and_refuses_what_is_no_mailbox(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    path = takeout_mbox(tmp_path / "Takeout.mbox", MAILS[:30])
    done = carnet("import", str(path), "--seeker", "Léa Martin")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"Import done: 2 folder\(s\), 30 message\(s\) read, \d+ new entr\(y/ies\), "
                        r"0 unreadable message\(s\) \(counted, not fatal\)\.\n", done.stdout), done.stdout
    (tmp_path / "notes.txt").write_text("nothing to see")
    refused = carnet("import", str(tmp_path / "notes.txt"), "--seeker", "Léa Martin")
    assert refused.returncode == 1 and "is neither an mbox file" in refused.stderr and "Traceback" not in refused.stderr
    assert carnet("import", str(path)).returncode == 1  # for whom?


@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
def test_the_mbox_is_split_on_separators_only_whatever_the_read_size(chunk: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailfiles, "_CHUNK", chunk)
    data = (b"From a@b Mon\nSubject: one\n\nbody\nFrom here, no blank line before\n\n"
            b"From b@c Tue\r\nSubject: two\r\n\r\n>From quoted\r\n>>From twice\r\n\r\n"
            b"From c Wed\nX-GM-THRID: 1\nX-Gmail-Labels: Sent,\n Important\nSubject: three\n\nend\n")
    chunks = list(mailfiles._split_mbox(io.BytesIO(data)))
    messages = [mailfiles.canonical(mailfiles._unquote(mailfiles._takeout_labels(c)[1])) for c in chunks]
    assert messages == [b"Subject: one\r\n\r\nbody\r\nFrom here, no blank line before\r\n",
                        b"Subject: two\r\n\r\nFrom quoted\r\n>From twice\r\n",
                        b"Subject: three\r\n\r\nend\r\n"]
    assert mailfiles._takeout_labels(chunks[2])[0] == ["Sent", "Important"]
