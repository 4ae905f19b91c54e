"""Test helpers for verified evidence: a signing key, a local DNS server, employer mail, a synced mailbox.

The DNS server is dnslib's, on 127.0.0.1 and a port the OS picks; dkimpy and
dnspython talk to it for real through `CARNET_DNS_SERVERS`.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.parser import BytesHeaderParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

import dkim
from click.testing import Result
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dnslib import QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer
from typer.testing import CliRunner

from carnet.cli import app
from carnet.demo.dovecot import Dovecot

SEEKER = "lea.martin@example.org"


@dataclass(frozen=True)
class SigningKey:
    """An RSA key: the PKCS#1 private key dkimpy signs with, and its DNS TXT record."""

    private_pem: bytes
    record: str

    @classmethod
    def generate(cls) -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(private, "v=DKIM1; k=rsa; p=" + base64.b64encode(public).decode())

    def sign(self, raw: bytes, domain: str, selector: str = "sel1") -> bytes:
        """`raw` with a DKIM-Signature header on top, relaxed/relaxed."""
        header = dkim.sign(
            raw, selector.encode(), domain.encode(), self.private_pem,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
        )
        return header + raw


@dataclass
class Zone(BaseResolver):
    """TXT records by name; every other question gets NXDOMAIN."""

    records: dict[str, str] = field(default_factory=dict)

    def publish(self, selector: str, domain: str, record: str) -> None:
        self.records[f"{selector}._domainkey.{domain}."] = record

    def resolve(self, request, handler):  # dnslib's interface
        reply = request.reply()
        name = str(request.q.qname).lower()
        if request.q.qtype == QTYPE.TXT and name in self.records:
            text = self.records[name].encode()
            chunks = [text[i : i + 255] for i in range(0, len(text), 255)]
            reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        else:
            reply.header.rcode = 3
        return reply


@contextmanager
def dns_server(zone: Zone) -> Iterator[str]:
    """Serve `zone` over UDP on 127.0.0.1; yields ``host:port`` for CARNET_DNS_SERVERS."""
    server = DNSServer(zone, address="127.0.0.1", port=0, logger=DNSLogger(logf=lambda _line: None))
    server.start_thread()
    try:
        yield f"127.0.0.1:{server.server.server_address[1]}"
    finally:
        server.stop()
        server.server.server_close()


def employer_mail(
    sender: str,
    to: str,
    subject: str,
    body: str,
    when: datetime | None = None,
    in_reply_to: str | None = None,
    extra_headers: tuple[str, ...] = (),
) -> bytes:
    """A plain French reply from an employer, CRLF line ends, as it arrives in an inbox."""
    domain = sender.rpartition("@")[2].rstrip(">")
    lines = [
        *extra_headers,
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        f"Date: {format_datetime(when or datetime.now(UTC))}",
        f"Message-ID: {make_msgid(domain=domain)}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode()


@dataclass
class World:
    """A seeker's mailbox on a real Dovecot, linked and synced by the real CLI."""

    env: dict[str, str]
    message_ids: dict[str, str] = field(default_factory=dict)

    def cli(self, *args: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(app, list(args), input=stdin, env=self.env, catch_exceptions=False)

    def logbook(self) -> list[dict]:
        result = self.cli("logbook", "--format", "jsonl")
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def entry(self, name: str) -> dict:
        """The logbook entry recorded from the message seeded as `name`."""
        by_id = {row["message_id"]: row for row in self.logbook()}
        return by_id[self.message_ids[name]]


def seed_and_sync(
    root: Path, dovecot: Dovecot, dns: str, messages: dict[str, tuple[str, bytes]], database_url: str | None = None
) -> World:
    """Append `messages` (name → (folder, raw)) for a fresh user, then `carnet link` and `carnet sync`."""
    user, password = f"lea-{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    dovecot.add_user(user, password)
    for folder, raw in messages.values():
        dovecot.append(user, folder, raw)
    env = _environment(root, dns, database_url or f"sqlite:///{root / 'carnet.db'}")
    world = World(env, {name: _message_id(raw) for name, (_, raw) in messages.items()})
    linked = world.cli("link", "--host", dovecot.host, "--port", str(dovecot.port), "--user", user,
                       "--password-stdin", "--security", "plain", "--seeker", "Léa Martin", stdin=password + "\n")
    assert linked.exit_code == 0, linked.output
    synced = world.cli("sync")
    assert synced.exit_code == 0, synced.output
    return world


def _environment(root: Path, dns: str, database_url: str) -> dict[str, str]:
    root.mkdir(parents=True, exist_ok=True)
    return {
        "CARNET_DATA_DIR": str(root / "data"),
        "CARNET_DATABASE_URL": database_url,
        "CARNET_SECRET_KEY": Fernet.generate_key().decode(),
        "CARNET_DNS_SERVERS": dns,
        "CARNET_CONFIG": str(root / "absent.toml"),
        "CARNET_LANG": "fr",
    }


def _message_id(raw: bytes) -> str:
    headers = BytesHeaderParser().parsebytes(raw)
    return str(headers["Message-ID"]).strip().strip("<>")


def application_mail(to: str, subject: str, body: str, message_id: str, when: datetime | None = None) -> bytes:
    """The seeker's own application, with a CV attached, as it sits in the Sent folder."""
    boundary = "=_carnet_cv_="
    cv = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    lines = [
        f"From: =?utf-8?q?L=C3=A9a?= Martin <{SEEKER}>",
        f"To: {to}",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        f"Date: {format_datetime(when or datetime.now(UTC))}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        *body.splitlines(),
        "",
        f"--{boundary}",
        "Content-Type: application/pdf",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="CV_Lea_Martin.pdf"',
        "",
        cv,
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode()


TRUSTED_MX = "mx.google.com"  # one of the default trusted_authserv_ids


def scenario(key: SigningKey, zone: Zone, now: datetime) -> dict[str, tuple[str, bytes]]:
    """The seeded mailbox: name → (folder, raw). Each received message tests one proof rule."""
    for domain in ("acme.fr", "boulangerie-dupont.fr", "envoi-massif.com"):
        zone.publish("sel1", domain, key.record)
    day = timedelta(days=1)
    ack = ("Bonjour Léa,\n\nNous accusons bonne réception de votre candidature au poste de {poste} et vous en "
           "remercions.\nNotre équipe l'étudie avec attention et reviendra vers vous dans les meilleurs délais.\n\n"
           "Cordialement,\nL'équipe recrutement {societe}\n")
    refus = ("Bonjour Léa,\n\nNous vous remercions pour votre candidature au poste de {poste}.\nAprès étude "
             "attentive de votre dossier, nous sommes au regret de vous informer que nous ne pouvons pas donner une "
             "suite favorable à votre candidature.\n\nNous vous souhaitons pleine réussite dans vos recherches.\n\n"
             "{societe}\n")
    candidature = ("Madame, Monsieur,\n\nSuite à votre annonce pour le poste de {poste}, je vous adresse ma "
                   "candidature. Vous trouverez ci-joint mon CV.\n\nJe reste à votre disposition pour un entretien."
                   "\n\nBien cordialement,\nLéa Martin\n")
    messages = {
        "sent_acme": ("Sent", application_mail(
            "Recrutement Acme <recrutement@acme.fr>", "Candidature au poste de Comptable (H/F)",
            candidature.format(poste="comptable"), "<cand-acme-1@example.org>", now - 20 * day)),
        "sent_soylent": ("Sent", application_mail(
            "Soylent RH <rh@soylent.fr>", "Candidature au poste d'Assistante logistique",
            candidature.format(poste="assistante logistique"), "<cand-soylent-1@example.org>", now - 18 * day)),
    }
    signed = {
        "dkim_aligned": ("Acme Recrutement <recrutement@acme.fr>", "acme.fr", ack, "Comptable (H/F)", "Acme"),
        "dkim_altered": ("Boulangerie Dupont <contact@boulangerie-dupont.fr>", "boulangerie-dupont.fr", refus,
                         "Vendeuse", "Boulangerie Dupont"),
        "dkim_other_domain": ("Cabinet Martin <rh@cabinet-martin.fr>", "envoi-massif.com", ack,
                              "Juriste", "Cabinet Martin"),
    }
    for offset, (name, (sender, signer, body, poste, societe)) in enumerate(signed.items()):
        raw = employer_mail(sender, SEEKER, f"Votre candidature au poste de {poste}",
                            body.format(poste=poste, societe=societe), now - (15 - offset) * day,
                            in_reply_to="<cand-acme-1@example.org>" if name == "dkim_aligned" else None)
        raw = key.sign(raw, signer)
        messages[name] = ("INBOX", raw.replace(b"attentive", b"rapide") if name == "dkim_altered" else raw)
    headers = {
        "forged_lower": (f"Authentication-Results: {TRUSTED_MX}; spf=pass smtp.mailfrom=globex.fr; dkim=none",
                         f"Authentication-Results: {TRUSTED_MX}; dkim=pass header.d=globex.fr header.s=s1"),
        "untrusted_topmost": ("Authentication-Results: mx.faux-fournisseur.example; dkim=pass header.d=hooli.fr",),
        "provider": (f"Authentication-Results: {TRUSTED_MX}; dkim=pass header.i=@initech.fr header.s=s1; "
                     "spf=pass smtp.mailfrom=initech.fr",),
    }
    senders = {"forged_lower": ("Globex <jobs@globex.fr>", "Globex", "Technicienne support"),
               "untrusted_topmost": ("Hooli <talents@hooli.fr>", "Hooli", "Chargée de clientèle"),
               "provider": ("Initech <recrutement@initech.fr>", "Initech", "Gestionnaire de paie")}
    for offset, (name, (sender, societe, poste)) in enumerate(senders.items()):
        body = (refus if name == "forged_lower" else ack).format(poste=poste, societe=societe)
        messages[name] = ("INBOX", employer_mail(sender, SEEKER, f"Votre candidature au poste de {poste}", body,
                                                 now - (10 - offset) * day, extra_headers=headers[name]))
    messages["thread"] = ("INBOX", employer_mail(
        "Soylent RH <rh@soylent.fr>", SEEKER, "RE: Candidature au poste d'Assistante logistique",
        refus.format(poste="assistante logistique", societe="Soylent"), now - 5 * day,
        in_reply_to="<cand-soylent-1@example.org>"))
    return messages

