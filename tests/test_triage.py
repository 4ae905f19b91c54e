"""Triage never drops what might be evidence, seen through the headers a sync fetches.

A sync reads only `ingest.fetch.TRIAGE_HEADERS` (IMAP `BODY.PEEK[HEADER.FIELDS (…)]`)
before deciding what to download, and its watermark moves past what it skips: a
labelled evidence message that triage refuses would be lost for good.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from carnet.classify.evaluate import Label, load_labels
from carnet.classify.evidence import Kind
from carnet.classify.triage import is_candidate
from carnet.ingest.fetch import TRIAGE_HEADERS, parse_headers
from carnet.ingest.message import Address
from carnet.ingest.parse import parse_addresses

CORPUS = Path(__file__).parent / "corpus"
FIELDS = frozenset(name.lower() for name in TRIAGE_HEADERS.split())
LABELS = load_labels(CORPUS)
EVIDENCE = [label for label in LABELS if label.kind is not Kind.NONE]
ME = frozenset({"lea.martin@gmail.com"})


def fetched_headers(raw: bytes) -> dict[str, str]:
    """The header block as IMAP HEADER.FIELDS returns it (only those fields), parsed as fetch does."""
    end = re.search(rb"\r?\n\r?\n", raw)
    kept, keep = [], False
    for line in (raw[: end.start()] if end else raw).splitlines(keepends=True):
        if line[:1] not in (b" ", b"\t"):
            keep = line.partition(b":")[0].strip().lower().decode("latin-1") in FIELDS
        if keep:
            kept.append(line)
    return parse_headers(b"".join(kept))


def triage(raw: bytes, role: str | None, me: frozenset[str]) -> bool:
    headers = fetched_headers(raw)
    sender = next(iter(parse_addresses(headers.get("from"))), None)
    return is_candidate(headers.get("subject", ""), sender, headers, role, me)


def roles_for(label: Label, headers: dict[str, str]) -> list[str | None]:
    """Where the message may sit: the seeker's own mail in Sent (or anywhere, known by address)."""
    sender = next(iter(parse_addresses(headers.get("from"))), None)
    own = sender is not None and sender.email in label.me
    return ["sent", None, "inbox"] if own else [None, "inbox"]


def test_the_labelled_corpus_has_evidence_of_every_kind() -> None:
    assert {label.kind for label in EVIDENCE} == set(Kind) - {Kind.NONE}
    assert len(EVIDENCE) >= 250


@pytest.mark.parametrize("label", EVIDENCE, ids=lambda label: label.path.name)
def test_every_evidence_message_is_a_candidate(label: Label) -> None:
    raw = label.path.read_bytes()
    for role in roles_for(label, fetched_headers(raw)):
        assert triage(raw, role, label.me), f"{label.kind.value} refused by triage in folder role {role!r}"


def test_triage_sees_only_the_fetched_fields() -> None:
    raw = b"From: a@b.fr\r\nX-Mailer: x\r\nSubject: s\r\n folded\r\nReceived: y\r\n\r\nbody"
    assert fetched_headers(raw) == {"from": "a@b.fr", "subject": "s folded"}


# -- table tests: what triage lets through and what it refuses ----------------------------

NEWSLETTER = {"list-unsubscribe": "<mailto:u@news.shop.fr>", "from": "Shop <news@shop.fr>"}


@pytest.mark.parametrize(
    ("subject", "sender", "headers", "role", "expected"),
    [
        ("Soldes d'hiver", Address("Shop", "news@shop.fr"), NEWSLETTER, None, False),
        ("Dîner samedi ?", Address("Paul", "paul.durand@gmail.com"), {}, None, False),
        ("New login to your account", Address("", "no-reply@bank.fr"), {}, None, False),
        ("Your weekly summary", Address("", "notifications@github.com"), {}, "inbox", False),
        ("Précédence", Address("", "x@asso.org"), {"precedence": "bulk"}, None, False),
        ("Votre candidature", Address("Shop", "news@shop.fr"), NEWSLETTER, None, True),
        ("Entretien", Address("Paul", "paul.durand@gmail.com"), {}, None, True),
        ("RE: dîner", Address("Paul", "paul.durand@gmail.com"), {}, None, True),
        ("samedi", Address("Paul", "paul.durand@gmail.com"), {"in-reply-to": "<a@b>"}, None, True),
        ("Quick question", Address("Anne Roy", "anne.roy@acme.fr"), {}, None, True),
        ("Update", Address("", "no-reply@greenhouse.io"), NEWSLETTER, None, True),
        ("hello", Address("Léa", "lea.martin@gmail.com"), {}, None, True),
        ("hello", Address("Léa", "lea.other@gmail.com"), {}, "sent", True),
        ("hello", None, {}, "Sent", True),
        ("hello", None, {}, None, False),
        ("12 nouvelles offres pour vous", Address("Indeed", "alert@indeed.com"), NEWSLETTER, None, False),
        ("Data analyst: 30+ new jobs in Paris", Address("", "jobalerts-noreply@linkedin.com"), NEWSLETTER, None,
         False),
        ("3 nouvelles offres : votre candidature", Address("Indeed", "alert@indeed.com"), NEWSLETTER, None, True),
        ("12 nouvelles offres pour vous", Address("Indeed", "alert@indeed.com"), {}, None, True),
        ("Votre facture n°12", Address("EDF", "facturation@edf.fr"), {}, None, False),
        ("Your order has shipped", Address("Shop", "orders@shop.example"), {}, None, False),
        ("RE: facture", Address("EDF", "facturation@edf.fr"), {}, None, True),
        ("Jeudi", Address("Garage Moreau", "garage.moreau.autos@gmail.com"), {}, None, True),
        ("bonjour", Address("", "boulangerie.martin@gmail.com"), {}, None, True),
        ("ouvrier paysagiste", Address("Vert Paysage", "vertpaysage.entreprise@gmail.com"), {}, None, True),
        ("Saturday", Address("Dave Holloway", "crownandanchor.brighton@gmail.com"), {}, None, True),
        ("Saturday", Address("Dave Holloway", "dave.holloway@gmail.com"), {}, None, False),
        ("Remplacement juillet", Address("Corinne Lafon", "corinne.lafon@gmail.com"), {}, None, True),
        ("Nos promos", Address("Boulangerie Martin", "boulangerie.martin@gmail.com"), NEWSLETTER, None, False),
        ("Votre offre exclusive membre", Address("Darty", "newsletter@darty.com"), NEWSLETTER, None, False),
        ("Votre entretien auto à -20 %", Address("Norauto", "newsletter@norauto.fr"), NEWSLETTER, None, False),
        ("Rendez-vous en gare", Address("SNCF Connect", "newsletter@sncf-connect.com"), NEWSLETTER, None, False),
        ("Nouvelles offres d'emploi chez nous", Address("Shop", "news@shop.fr"), NEWSLETTER, None, True),
        ("Invitation to interview", Address("Acme", "talent@acme.example"), NEWSLETTER, None, True),
        ("Avis de passage", Address("La Poste", "noreply@laposte.fr"), {}, None, False),
        ("Votre avis d'impôt", Address("impots.gouv.fr", "ne-pas-repondre@dgfip.finances.gouv.fr"), {}, None,
         False),
        ("Votre rendez-vous est confirmé", Address("Doctolib", "no-reply@doctolib.fr"), {}, None, True),
        ("Merci", Address("Acme Recrutement", "no-reply@acme.fr"), {}, None, True),
    ],
)
def test_triage_table(subject: str, sender: Address | None, headers: dict[str, str], role: str | None,
                      expected: bool) -> None:
    assert is_candidate(subject, sender, headers, role, ME) is expected


def test_header_names_are_case_insensitive() -> None:
    sender = Address("Shop", "deals@shop.fr")
    assert not is_candidate("Soldes", sender, {"List-Unsubscribe": "<mailto:u@shop.fr>"}, None, ME)
    assert is_candidate("Soldes", sender, {"In-Reply-To": "<a@b>"}, None, ME)
