"""TLS against real Dovecot servers with a CA generated for the test (`CARNET_CA_FILE`).

`ssl` and `starttls` both link and sync; a certificate from an unknown CA or for
another host is refused at link time with one line, no traceback, nothing stored,
and a sync that no longer trusts the server fails the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files

import pytest
from clikit import carnet, link_args, stored_counts
from conftest import DovecotFactory, ImapAccount

from carnet.demo.dovecot import Dovecot

#: A sent application and an employer's rejection: two logbook entries.
SEEDED = ("sent-01-candidature-boulangerie.eml", "inbox-07-refus-boulangerie.eml")


@pytest.fixture(scope="module")
def tls_servers(dovecot_factory: DovecotFactory) -> dict[str, Dovecot]:
    """One server per TLS mode (each with its own CA), and one whose certificate names another host."""
    return {
        "ssl": dovecot_factory(tls="ssl"),
        "starttls": dovecot_factory(tls="starttls"),
        "wrong-host": dovecot_factory(tls="ssl", cert_names=("imap.wrong.example",)),
    }


def seed(account: ImapAccount) -> None:
    for name in SEEDED:
        account.append(
            "Sent" if name.startswith("sent-") else "INBOX", (files("carnet.demo") / "mail" / name).read_bytes()
        )


def refusal(text: str) -> str:
    """The one line of a refused command; a traceback would be many lines."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}: {text!r}"
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_link_and_sync_over_tls(
    mode: str, tls_servers: dict[str, Dovecot], new_imap_user: Callable[..., ImapAccount]
) -> None:
    server = tls_servers[mode]
    account = new_imap_user(server)
    seed(account)
    env = {"CARNET_CA_FILE": str(server.ca_file)}

    linked = carnet(*link_args(account.host, account.port, account.user, mode), stdin=account.password, env=env)
    assert linked.returncode == 0, linked.stderr
    synced = carnet("sync", env=env)
    assert synced.returncode == 0, synced.stderr
    logbook = carnet("logbook", "--format", "jsonl", env=env)

    kinds = sorted(json.loads(line)["kind"] for line in logbook.stdout.splitlines())
    assert kinds == ["application", "rejection"]


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_unknown_ca_is_refused(
    mode: str, tls_servers: dict[str, Dovecot], new_imap_user: Callable[..., ImapAccount]
) -> None:
    account = new_imap_user(tls_servers[mode])

    result = carnet(*link_args(account.host, account.port, account.user, mode), stdin=account.password)

    assert result.returncode != 0
    line = refusal(result.stderr)
    assert f"{account.user}@{account.host}:{account.port}" in line
    assert "TLS certificate is not trusted" in line
    assert stored_counts() == (0, 0)


def test_certificate_for_another_host_is_refused(
    tls_servers: dict[str, Dovecot], new_imap_user: Callable[..., ImapAccount]
) -> None:
    server = tls_servers["wrong-host"]
    account = new_imap_user(server)
    env = {"CARNET_CA_FILE": str(server.ca_file)}

    result = carnet(*link_args(account.host, account.port, account.user, "ssl"), stdin=account.password, env=env)

    assert result.returncode != 0
    line = refusal(result.stderr)
    assert "TLS certificate is not trusted" in line
    assert "mismatch" in line
    assert stored_counts() == (0, 0)


def test_sync_without_the_ca_fails_in_one_line(
    tls_servers: dict[str, Dovecot], new_imap_user: Callable[..., ImapAccount]
) -> None:
    server = tls_servers["ssl"]
    account = new_imap_user(server)
    seed(account)
    env = {"CARNET_CA_FILE": str(server.ca_file)}
    assert (
        carnet(*link_args(account.host, account.port, account.user, "ssl"), stdin=account.password, env=env).returncode
        == 0
    )

    result = carnet("sync")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "TLS certificate is not trusted" in result.stderr
    assert carnet("logbook", "--format", "jsonl").stdout == ""
