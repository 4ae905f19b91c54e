"""Verification levels on real parts: dkimpy against a local DNS server, Dovecot, `carnet link` and `carnet sync`."""

from __future__ import annotations

import hashlib
import socket
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from carnet.config.settings import load_settings
from carnet.ingest.dkim_check import KeyLookup, check_all, check_one
from carnet.ingest.fetch import Streamed
from carnet.ingest.message import ProofLevel
from carnet.ingest.parse import parse_message
from carnet.ingest.verify import HeaderOnly, ProofPolicy, prove
from proofkit import SEEKER, SigningKey, World, Zone, dns_server, employer_mail, scenario, seed_and_sync

from carnet.demo.dovecot import Dovecot


@pytest.fixture(scope="module")
def signed() -> tuple[SigningKey, Zone, dict[str, tuple[str, bytes]]]:
    key, zone = SigningKey.generate(), Zone()
    return key, zone, scenario(key, zone, datetime.now(UTC))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, dovecot: Dovecot, signed) -> Iterator[World]:
    _, zone, messages = signed
    root = tmp_path_factory.mktemp("verification")
    with dns_server(zone) as dns:
        yield seed_and_sync(root, dovecot, dns, messages)


def test_signed_and_aligned_reply_is_dkim(world: World) -> None:
    entry = world.entry("dkim_aligned")
    assert entry["verification"] == "dkim"
    shown = world.cli("show", str(entry["id"]))
    assert shown.exit_code == 0, shown.output
    assert "DKIM : pass, domaine acme.fr, sélecteur sel1, aligné avec l'expéditeur : oui" in shown.stdout
    assert "Clé publique conservée : v=DKIM1; k=rsa; p=" in shown.stdout


def test_body_altered_after_signing_is_not_dkim(world: World) -> None:
    entry = world.entry("dkim_altered")
    assert entry["verification"] != "dkim"
    assert "DKIM : fail, domaine boulangerie-dupont.fr" in world.cli("show", str(entry["id"])).stdout


def test_signature_by_another_domain_is_not_aligned(world: World) -> None:
    entry = world.entry("dkim_other_domain")
    assert entry["verification"] == "none"
    shown = world.cli("show", str(entry["id"])).stdout
    assert "DKIM : pass, domaine envoi-massif.com, sélecteur sel1, aligné avec l'expéditeur : non" in shown


def test_forged_authentication_results_lower_in_the_message_are_ignored(world: World) -> None:
    entry = world.entry("forged_lower")
    assert entry["verification"] == "none"
    retained = "Authentication-Results retenu (fournisseur de confiance) : "
    shown = world.cli("show", str(entry["id"])).stdout
    assert f"{retained}mx.google.com; spf=pass smtp.mailfrom=globex.fr; dkim=none\n" in shown


def test_authentication_results_from_an_untrusted_id_are_ignored(world: World) -> None:
    entry = world.entry("untrusted_topmost")
    assert entry["verification"] == "none"
    assert "Aucun Authentication-Results d'un fournisseur de confiance." in world.cli("show", str(entry["id"])).stdout


def test_trusted_topmost_dkim_pass_is_provider(world: World) -> None:
    entry = world.entry("provider")
    assert entry["verification"] == "provider"
    shown = world.cli("show", str(entry["id"])).stdout
    assert "Authentication-Results retenu (fournisseur de confiance) : mx.google.com; dkim=pass" in shown


def test_reply_in_the_thread_of_a_sent_application_is_thread(world: World) -> None:
    assert world.entry("thread")["verification"] == "thread"


def test_show_prints_the_source_headers(world: World) -> None:
    entry = world.entry("forged_lower")
    shown = world.cli("show", str(entry["id"])).stdout
    for header in ("From: Globex <jobs@globex.fr>", f"To: {SEEKER}", "Date: ", "Subject: Votre candidature",
                   "Message-ID: <", "Authentication-Results: mx.google.com; spf=pass"):
        assert f"  {header}" in shown
    assert shown.count("Authentication-Results: mx.google.com") == 2  # both shown, only the topmost believed


def test_raw_writes_the_original_bytes(world: World, signed) -> None:
    entry = world.entry("dkim_aligned")
    result = world.cli("raw", str(entry["id"]))
    assert result.exit_code == 0
    assert result.stdout_bytes == signed[2]["dkim_aligned"][1]


def test_unknown_event_is_one_line_and_exit_1(world: World) -> None:
    result = world.cli("show", "999999")
    assert result.exit_code == 1
    assert "Événement 999999 inconnu." in result.stderr


# -- DNS failures are results, never crashes ----------------------------------------


@pytest.fixture
def silent_dns() -> Iterator[str]:
    """A UDP port that receives and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{sock.getsockname()[1]}"


def _signed_reply(key: SigningKey) -> bytes:
    raw = employer_mail("Acme <rh@acme.fr>", SEEKER, "Votre candidature", "Nous avons bien reçu votre candidature.")
    return key.sign(raw, "acme.fr")


def test_dns_timeout_is_temperror(signed, silent_dns: str) -> None:
    check = check_one(_signed_reply(signed[0]), 0, KeyLookup([silent_dns], timeout=0.5))
    assert check.result == "temperror"
    assert (check.domain, check.selector, check.key_record) == ("acme.fr", "sel1", None)


def test_bad_dns_server_setting_is_temperror(signed, tmp_path: Path) -> None:
    raw = _signed_reply(signed[0])
    settings = load_settings({"CARNET_DATA_DIR": str(tmp_path), "CARNET_DNS_SERVERS": "127.0.0.1:notaport"})
    proof = prove(raw, parse_message(raw), ProofPolicy.of(settings))
    assert (proof.level, proof.dkim_result) == ("none", "temperror")


def test_unpublished_key_is_permerror_and_unsigned_is_none(signed) -> None:
    key, zone, _ = signed
    raw = employer_mail("Acme <rh@acme.fr>", SEEKER, "Votre candidature", "Nous avons bien reçu votre candidature.")
    with dns_server(zone) as dns:
        assert check_all(key.sign(raw, "inconnu.example"), [dns])[0].result == "permerror"
        assert check_all(raw, [dns])[0].result == "none"


def test_one_prove_for_whole_streamed_and_header_only_messages(signed) -> None:
    """A streamed message is proved as its whole bytes are while it fits the policy's bound; past it, or
    with only its header at hand, from the trusted provider's results."""
    key, zone, _ = signed
    signed_reply = _signed_reply(key)
    raw = b"Authentication-Results: mx.google.com; dkim=pass header.d=acme.fr\r\n" + signed_reply
    message = parse_message(raw)
    header = raw[:raw.index(b"\r\n\r\n") + 2]
    streamed = Streamed(hashlib.sha256(raw).hexdigest(), len(raw), bytearray(zlib.compress(raw)), header)
    with dns_server(zone) as dns:
        policy = ProofPolicy(dns_servers=(dns,))
        whole = prove(raw, message, policy)
        assert (whole.level, whole.dkim_result, whole.dkim_aligned) == (ProofLevel.DKIM, "pass", True)
        assert prove(streamed, message, policy) == whole
        too_big = prove(streamed, message, replace(policy, max_message_bytes=len(raw) - 1))
    assert (too_big.level, too_big.dkim_result) == (ProofLevel.PROVIDER, None)
    assert too_big.auth_results == "mx.google.com; dkim=pass header.d=acme.fr"
    assert prove(HeaderOnly(header), message, policy) == too_big
    unvouched = HeaderOnly(signed_reply[:signed_reply.index(b"\r\n\r\n") + 2])
    assert prove(unvouched, message, policy).level is ProofLevel.NONE
