"""`carnet link` as a user runs it: a subprocess, the password on stdin, a real Dovecot.

Good credentials print the new mailbox's id and store the password encrypted;
every refusal is one line on stderr naming the mailbox and the cause, a non-zero
exit, and nothing stored — not even the seeker.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from carnet.config.settings import load_settings
from carnet.store.db import transaction
from carnet.store.models import Mailbox
from carnet.store.secrets import decrypt
from clikit import carnet, carnet_env, link_args, stored_counts
from conftest import DovecotFactory, ImapAccount
from cryptography.fernet import Fernet

from carnet.demo.dovecot import Dovecot, free_port
from carnet.runtime import open_runtime


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}: {text!r}"
    return lines[0]


def test_good_credentials_print_an_id_and_store_the_password_encrypted(
    imap_user: ImapAccount, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    args = link_args(imap_user.host, imap_user.port, imap_user.user, seeker="Léa Martin")
    result = carnet(*args, stdin=imap_user.password + "\n")

    assert result.returncode == 0, result.stderr
    mailbox_id = int(result.stdout.strip())
    runtime = open_runtime(load_settings(carnet_env()))
    with transaction(runtime.factory) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        assert (mailbox.host, mailbox.port, mailbox.username, mailbox.security, mailbox.status) == (
            imap_user.host,
            imap_user.port,
            imap_user.user,
            "plain",
            "active",
        )
        assert mailbox.seeker.name == "Léa Martin"
        assert imap_user.password.encode() not in mailbox.secret
        assert decrypt(load_settings().require_secret_key(), mailbox.secret) == imap_user.password
    runtime.engine.dispose()


def test_wrong_password_is_one_line_and_stores_nothing(
    imap_user: ImapAccount, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARNET_DATABASE_URL", db_url)
    wrong = "not-" + imap_user.password
    result = carnet(*link_args(imap_user.host, imap_user.port, imap_user.user), stdin=wrong + "\n")

    assert result.returncode != 0
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert f"{imap_user.user}@{imap_user.host}:{imap_user.port}" in line
    assert "rejected the user name or password" in line
    assert wrong not in result.stderr
    assert stored_counts() == (0, 0)


@pytest.mark.parametrize(
    ("host", "security", "cause"),
    [("127.0.0.1", "plain", "cannot reach the server"), ("mail.nonexistent.invalid", "ssl", "unknown host")],
    ids=["closed-port", "unknown-host"],
)
def test_unreachable_server_is_one_line_and_stores_nothing(host: str, security: str, cause: str) -> None:
    port = free_port()
    password = Fernet.generate_key().decode()
    result = carnet(*link_args(host, port, "lea", security), stdin=password + "\n")

    assert result.returncode != 0
    line = one_line(result.stderr)
    assert f"lea@{host}:{port}" in line
    assert cause in line
    assert password not in result.stderr
    assert stored_counts() == (0, 0)


def non_loopback_address() -> str:
    """This machine's address on its default route (no packet is sent: UDP `connect` only picks a route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("203.0.113.1", 9))
        except OSError as exc:
            pytest.fail(f"the test needs a non-loopback network interface: {exc}", pytrace=False)
        return str(probe.getsockname()[0])


@pytest.fixture(scope="module")
def off_loopback_dovecot(dovecot_factory: DovecotFactory) -> Dovecot:
    """A plaintext server on a non-loopback address: only Carnet's own check stands in the way."""
    return dovecot_factory(host=non_loopback_address())


def test_plain_is_refused_off_loopback(
    off_loopback_dovecot: Dovecot, new_imap_user: Callable[..., ImapAccount]
) -> None:
    account = new_imap_user(off_loopback_dovecot)
    with off_loopback_dovecot.client(account.user):
        pass  # the server itself would take these credentials in clear

    result = carnet(*link_args(account.host, account.port, account.user, "plain"), stdin=account.password + "\n")

    assert result.returncode != 0
    line = one_line(result.stderr)
    assert f"{account.user}@{account.host}:{account.port}" in line
    assert "plain IMAP is refused off loopback" in line
    assert stored_counts() == (0, 0)


@pytest.mark.parametrize("flag", [True, False], ids=["empty-stdin", "no-flag"])
def test_no_password_on_stdin_says_how_to_give_one(imap_user: ImapAccount, flag: bool) -> None:
    args = link_args(imap_user.host, imap_user.port, imap_user.user)
    if not flag:
        args.remove("--password-stdin")
    result = carnet(*args, stdin="")

    assert result.returncode != 0
    assert "No password on standard input" in one_line(result.stderr)
    assert "--password-stdin" in result.stderr
    assert stored_counts() == (0, 0)


def test_relinking_with_a_new_password_reactivates_the_same_mailbox(imap_user: ImapAccount) -> None:
    args = link_args(imap_user.host, imap_user.port, imap_user.user)
    first = carnet(*args, stdin=imap_user.password + "\n")
    new_password = "new-" + imap_user.password
    imap_user.server.add_user(imap_user.user, new_password)
    runtime = open_runtime(load_settings(carnet_env()))
    with transaction(runtime.factory) as session:
        session.get(Mailbox, int(first.stdout)).status = "needs_relink"

    second = carnet(*args, stdin=new_password + "\n")

    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    with transaction(runtime.factory) as session:
        mailbox = session.get(Mailbox, int(second.stdout))
        assert mailbox.status == "active"
        assert decrypt(runtime.settings.require_secret_key(), mailbox.secret) == new_password
    runtime.engine.dispose()
    assert stored_counts() == (1, 1)
