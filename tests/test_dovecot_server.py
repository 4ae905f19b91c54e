"""The embedded IMAP servers behave like the real thing the rest of the suite relies on."""

from __future__ import annotations

import datetime as dt
import hashlib
import ssl
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from carnet.demo import dovecot as dovecot_module
from carnet.demo.dovecot import Dovecot, DovecotUnavailable, port_open
from carnet.demo.pymap_server import PymapServer

if TYPE_CHECKING:
    from conftest import DovecotFactory, ImapAccount

RAW = (
    b"From: Recrutement <jobs@example.com>\r\n"
    b"To: seeker@example.org\r\n"
    b"Subject: =?utf-8?q?Votre_candidature?=\r\n"
    b"Message-ID: <abc@example.com>\r\n"
    b"Date: Mon, 3 Mar 2025 10:00:00 +0100\r\n"
    b"\r\n"
    b"Bonjour,\r\nnous avons bien re\xc3\xa7u votre candidature.\r\n"
)


def sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def roles(account: ImapAccount) -> dict[str, set[str]]:
    return {
        name: {a for a in attributes if not a.startswith("\\Has")} for name, attributes in account.folders().items()
    }


def test_login_capabilities_and_folders(imap_user: ImapAccount) -> None:
    with IMAPClient(imap_user.host, imap_user.port, ssl=False) as imap:
        imap.login(imap_user.user, imap_user.password)
        for capability in ("SPECIAL-USE", "UIDPLUS", "CONDSTORE", "QRESYNC", "MOVE", "IDLE"):
            assert imap.has_capability(capability), capability
    assert roles(imap_user) == {
        "INBOX": set(),
        "Sent": {"\\Sent"},
        "Drafts": {"\\Drafts"},
        "Trash": {"\\Trash"},
        "Junk": {"\\Junk"},
    }


def test_wrong_password_is_refused(imap_user: ImapAccount) -> None:
    with IMAPClient(imap_user.host, imap_user.port, ssl=False) as imap, pytest.raises(LoginError):
        imap.login(imap_user.user, "not-the-password")


def test_localized_folders_and_roles(imap_user_fr: ImapAccount) -> None:
    assert roles(imap_user_fr) == {
        "INBOX": set(),
        "Éléments envoyés": {"\\Sent"},
        "Brouillons": {"\\Drafts"},
        "Corbeille": {"\\Trash"},
        "Courrier indésirable": {"\\Junk"},
        "Sent Items": set(),
    }
    # On the wire the name is modified UTF-7 (RFC 3501 5.1.3), as clients must decode it.
    with IMAPClient(imap_user_fr.host, imap_user_fr.port, ssl=False) as imap:
        imap.login(imap_user_fr.user, imap_user_fr.password)
        imap.folder_encode = False
        raw_names = {name for _attributes, _sep, name in imap.list_folders()}
    assert b"&AMk-l&AOk-ments envoy&AOk-s" in raw_names


def test_append_and_snapshot(imap_user: ImapAccount) -> None:
    server, user = imap_user.server, imap_user.user
    when = dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)
    uid = imap_user.append("INBOX", RAW, flags=["\\Seen"], msg_time=when)
    assert uid == 1
    others = [RAW.replace(b"abc@", f"n{i}@".encode()) for i in range(3)]
    assert server.append_many(user, "Sent", [*others[:2], (others[2], ["\\Flagged"], when)]) == 3

    before = imap_user.snapshot()
    assert set(before) == {"INBOX", "Sent", "Drafts", "Trash", "Junk"}
    uidvalidity, inbox = before["INBOX"]
    assert uidvalidity > 0
    assert inbox == [(1, ("\\Seen",), sha(RAW))]
    assert before["Sent"][1] == [
        (1, (), sha(others[0])),
        (2, (), sha(others[1])),
        (3, ("\\Flagged",), sha(others[2])),
    ]
    assert before["Drafts"][1] == []
    # Taking a snapshot changes nothing (EXAMINE + BODY.PEEK: no \Seen set) ...
    assert imap_user.snapshot() == before
    # ... and a change is seen.
    with server.client(user) as imap:
        imap.select_folder("Sent")
        imap.add_flags([2], ["\\Seen"])
    after = imap_user.snapshot()
    assert after != before
    assert after["Sent"][1][1] == (2, ("\\Seen",), sha(others[1]))


def test_folder_helpers(imap_user: ImapAccount) -> None:
    server, user = imap_user.server, imap_user.user
    server.create_folder(user, "Candidatures/2025")
    server.append(user, "Candidatures/2025", RAW)
    server.rename_folder(user, "Candidatures/2025", "Candidatures/Été 2025")
    folders = imap_user.folders()
    assert "Candidatures/Été 2025" in folders
    assert "Candidatures/2025" not in folders
    assert imap_user.snapshot()["Candidatures/Été 2025"][1] == [(1, (), sha(RAW))]
    server.delete_folder(user, "Candidatures/Été 2025")
    assert "Candidatures/Été 2025" not in imap_user.folders()


def test_users_are_isolated(new_imap_user: Callable[..., ImapAccount]) -> None:
    first, second = new_imap_user(), new_imap_user()
    first.append("INBOX", RAW)
    assert first.snapshot()["INBOX"][1] != []
    assert second.snapshot()["INBOX"][1] == []


@pytest.fixture(scope="module")
def tls_servers(dovecot_factory: DovecotFactory) -> dict[str, Dovecot]:
    servers = {
        "ssl": dovecot_factory(tls="ssl"),
        "starttls": dovecot_factory(tls="starttls"),
        "ssl-wrong-host": dovecot_factory(tls="ssl", cert_names=["wrong.example"]),
        "starttls-wrong-host": dovecot_factory(tls="starttls", cert_names=["wrong.example"]),
    }
    for server in servers.values():
        server.add_user("seeker", "s3cret")
    return servers


def ca_context(server: Dovecot) -> ssl.SSLContext:
    assert server.ca_file is not None and server.ca_file.exists()
    return ssl.create_default_context(cafile=str(server.ca_file))


def tls_login(server: Dovecot) -> IMAPClient:
    if server.tls == "ssl":
        imap = IMAPClient(server.host, server.port, ssl=True, ssl_context=ca_context(server))
    else:
        imap = IMAPClient(server.host, server.port, ssl=False)
        imap.starttls(ca_context(server))
    imap.login("seeker", "s3cret")
    return imap


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_tls_with_generated_ca(tls_servers: dict[str, Dovecot], mode: str) -> None:
    server = tls_servers[mode]
    imap = tls_login(server)
    try:
        assert "INBOX" in {name for _a, _s, name in imap.list_folders()}
    finally:
        imap.logout()
    # The helpers work over TLS too.
    assert server.append("seeker", "INBOX", RAW) is not None


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_tls_wrong_host_certificate_fails(tls_servers: dict[str, Dovecot], mode: str) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_login(tls_servers[f"{mode}-wrong-host"])


def test_starttls_server_refuses_login_before_tls(tls_servers: dict[str, Dovecot]) -> None:
    server = tls_servers["starttls"]
    with IMAPClient(server.host, server.port, ssl=False) as imap:
        assert imap.has_capability("STARTTLS")
        with pytest.raises(LoginError):
            imap.login("seeker", "s3cret")


def test_restart_keeps_mail_and_stop_leaves_nothing(dovecot_factory: DovecotFactory) -> None:
    server = dovecot_factory()
    server.add_user("early", "pw")
    port = server.port
    server.append("early", "INBOX", RAW, flags=["\\Answered"])
    before = server.snapshot("early")
    server.restart()
    assert server.port == port
    assert server.snapshot("early") == before
    server.add_user("late", "pw2")  # added while running: no reload needed
    assert server.snapshot("late")["INBOX"][1] == []
    server.add_user("late", "changed")  # a new password takes effect at once
    with IMAPClient(server.host, port, ssl=False) as imap, pytest.raises(LoginError):
        imap.login("late", "pw2")
    assert server.snapshot("late")["INBOX"][1] == []
    pid = server._master_pid()
    server.stop()
    assert not port_open(server.host, port)
    assert pid is not None and not dovecot_module._pid_alive(pid)


def test_missing_dovecot_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dovecot_module, "_find_binary", lambda name: None)
    with tempfile.TemporaryDirectory() as folder:
        server = Dovecot(Path(folder))
        with pytest.raises(DovecotUnavailable, match="apt-get install -y dovecot-imapd"):
            server.start()


def test_pymap_fallback() -> None:
    with PymapServer("lea@example.org", "demo-pw") as server:
        uid = server.append("lea@example.org", "Sent", RAW, flags=["\\Seen"])
        server.create_folder("lea@example.org", "Archives")
        with IMAPClient(server.host, server.port, ssl=False) as imap:
            imap.login("lea@example.org", "demo-pw")
            names = {name for _a, _s, name in imap.list_folders()}
            assert {"INBOX", "Sent", "Archives"} <= names
            imap.select_folder("Sent", readonly=True)
            fetched = imap.fetch(imap.search("ALL"), ["BODY.PEEK[]", "FLAGS"])
        assert list(fetched) == [uid]
        assert fetched[uid][b"BODY[]"] == RAW
        assert fetched[uid][b"FLAGS"] == (b"\\Seen",)
        with IMAPClient(server.host, server.port, ssl=False) as imap, pytest.raises(LoginError):
            imap.login("lea@example.org", "wrong")
        # A different user after start: pymap is restarted for it.
        server.add_user("other@example.org", "pw")
        with server.client("other@example.org") as imap:
            assert imap.folder_exists("Sent")
    assert not port_open(server.host, server.port)
