"""Logbooks that look like real French job searches, written straight into a database for the web benchmarks.

Deterministic (seeded): each seeker applies to French employers for French
positions over many months, through a mix of channels; about half the
applications get an acknowledgement, a third a rejection, one in eight an
interview and a few an offer, each reply with its proof (DKIM, provider,
thread or none). Every entry has a small real message behind it and its place
in the seeker's hash chain, as the worker would have recorded it. Rows are
inserted in bulk (a few statements per seeker), not through the sync.
"""

from __future__ import annotations

import hashlib
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from types import SimpleNamespace

from carnet.store.chain import GENESIS, event_content, event_hash
from carnet.store.demarches import demarche_code
from carnet.store.models import Application, Event, Mailbox, SourceMessage
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

COMPANIES = (
    "Decathlon", "Leroy Merlin", "Airbus", "Safran", "Thales", "Capgemini", "Sopra Steria", "Orange", "SNCF",
    "La Poste", "Carrefour", "Auchan", "BNP Paribas", "Société Générale", "Crédit Agricole", "L'Oréal", "Danone",
    "Michelin", "Renault", "Stellantis", "EDF", "Engie", "Veolia", "Bouygues Construction", "Vinci", "Eiffage",
    "Accor", "Sodexo", "Fnac Darty", "Boulanger", "Kiabi", "Picard", "Biocoop", "Schneider Electric",
    "Dassault Systèmes", "Ubisoft", "Doctolib", "BlaBlaCar", "Back Market", "Leboncoin", "Mairie de Lyon",
    "CHU de Bordeaux", "AP-HP", "Boulangerie Moreau", "Pharmacie du Centre", "Garage Martin", "Groupe SEB",
    "Lactalis", "Intermarché", "Cdiscount", "Alan", "Qonto", "Free", "Bouygues Telecom", "Transdev", "Keolis",
)
POSITIONS = (
    "Vendeuse conseil", "Technicien de maintenance", "Assistante administrative", "Développeur web junior",
    "Comptable", "Chargée de clientèle", "Préparateur de commandes", "Aide-soignante", "Agent d'accueil",
    "Conducteur de travaux", "Commercial B2B", "Data analyst", "Chef de rayon", "Cuisinier", "Serveuse",
    "Magasinier cariste", "Infirmière", "Électricien", "Gestionnaire de paie", "Community manager",
    "Chargée de recrutement", "Technicienne méthodes", "Opérateur de production", "Hôtesse de caisse",
    "Assistant RH", "Chef de projet digital", "Secrétaire médicale", "Mécanicien automobile", "Boulanger",
    "Auxiliaire de vie",
)
CHANNELS = ("email", "email", "email", "Indeed", "HelloWork", "Welcome to the Jungle", "LinkedIn",
            "France Travail", "APEC")
FIRST_NAMES = ("Léa", "Karim", "Camille", "Nadia", "Thomas", "Inès", "Hugo", "Chloé", "Yanis", "Manon", "Lucas",
               "Sarah", "Mehdi", "Emma", "Julien", "Aïcha", "Nathan", "Zoé", "Rayan", "Louise")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "Haddad", "Benali", "Nguyen", "Roux", "Fournier")
REPLIES = (("acknowledgement", 0.5, 2), ("rejection", 0.3, 18), ("interview", 0.12, 9), ("offer", 0.03, 25))
PROOFS = ("dkim", "dkim", "provider", "thread", "none")
SUBJECTS = {
    "application": "Candidature au poste de {position}",
    "acknowledgement": "Accusé de réception de votre candidature — {position}",
    "rejection": "Votre candidature chez {company}",
    "interview": "Invitation à un entretien — {position}",
    "offer": "Proposition d'embauche — {position}",
}


@dataclass(frozen=True)
class Planned:
    kind: str
    day: date
    company: str
    position: str
    channel: str
    type: str
    verification: str


def seeker_name(index: int) -> str:
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]}" \
           f" ({index + 1})"


def plan(rng: random.Random, events: int, end: date) -> list[list[Planned]]:
    """Applications with their replies, about `events` entries in all, ending before `end`."""
    applications: list[list[Planned]] = []
    total = 0
    while total < events:
        applications.append(_application(rng, end))
        total += len(applications[-1])
    extra = total - events
    while extra > 0:
        longest = max(applications, key=len)
        longest.pop()
        extra -= 1
    return applications


def _application(rng: random.Random, end: date) -> list[Planned]:
    day = end - timedelta(days=rng.randint(1, 540))
    company, position = rng.choice(COMPANIES), rng.choice(POSITIONS)
    channel, kind = rng.choice(CHANNELS), rng.choice(("ad_response", "ad_response", "spontaneous"))
    entries = [Planned("application", day, company, position, channel, kind, "none")]
    for reply, chance, delay in REPLIES:
        if rng.random() < chance:
            when = day + timedelta(days=delay + rng.randint(0, delay))
            entries.append(Planned(reply, min(when, end), company, position, channel, kind, rng.choice(PROOFS)))
    return entries


def write_logbook(session: Session, seeker_id: int, applications: list[list[Planned]], mailbox_status: str = "active",
                  last_sync_at: datetime | None = None) -> int:
    """A mailbox and the planned entries for the seeker, chained in date order; returns the mailbox id."""
    now = datetime.now(UTC)
    mailbox_id = session.scalar(insert(Mailbox).returning(Mailbox.id).values(
        seeker_id=seeker_id, host="imap.example.fr", port=993, security="ssl", username=f"seeker{seeker_id}@example.fr",
        secret=b"-", status=mailbox_status, next_due_at=now, last_sync_at=last_sync_at, created_at=now,
        addresses=f"seeker{seeker_id}@example.fr", failures=0))
    app_ids = session.scalars(insert(Application).returning(Application.id, sort_by_parameter_order=True), [
        {"seeker_id": seeker_id, "company": a[0].company, "position": a[0].position, "channel": a[0].channel,
         "type": a[0].type, "first_date": a[0].day} for a in applications]).all()
    entries = sorted(((entry, app_id) for app, app_id in zip(applications, app_ids, strict=True) for entry in app),
                     key=lambda pair: (pair[0].day, pair[0].kind != "application"))
    raws = [_message(seeker_id, number, entry) for number, (entry, _) in enumerate(entries)]
    source_ids = session.scalars(insert(SourceMessage).returning(SourceMessage.id, sort_by_parameter_order=True), [
        _source(mailbox_id, entry, raw, message_id, now) for (entry, _), (raw, message_id) in
        zip(entries, raws, strict=True)]).all()
    session.execute(insert(Event), _events(seeker_id, entries, raws, source_ids, now))
    return mailbox_id


def _source(mailbox_id: int, entry: Planned, raw: bytes, message_id: str, now: datetime) -> dict:
    return {"mailbox_id": mailbox_id, "sha256": hashlib.sha256(raw).hexdigest(), "message_id": message_id,
            "sent_at": _noon(entry.day), "from_addr": _sender(entry), "to_addrs": "", "references": "",
            "subject": SUBJECTS[entry.kind].format(company=entry.company, position=entry.position),
            "outgoing": entry.kind == "application", "raw": zlib.compress(raw), "recorded_at": now}


def _events(seeker_id: int, entries, raws, source_ids, now: datetime) -> list[dict]:
    rows, prev = [], GENESIS
    for seq, ((entry, app_id), (raw, _), source_id) in enumerate(zip(entries, raws, source_ids, strict=True), 1):
        row = {"seeker_id": seeker_id, "application_id": app_id, "source_message_id": source_id, "kind": entry.kind,
               "date": entry.day, "company": entry.company, "position": entry.position,
               "verification": entry.verification, "confidence": 0.92, "reasons": "bench", "channel": entry.channel,
               "application_type": entry.type, "demarche": demarche_code(entry.kind, entry.type), "seq": seq,
               "prev_hash": prev, "recorded_at": now}
        row["hash"] = prev = event_hash(prev, event_content(SimpleNamespace(**row)), hashlib.sha256(raw).hexdigest())
        rows.append(row)
    return rows


def _message(seeker_id: int, number: int, entry: Planned) -> tuple[bytes, str]:
    message_id = f"<bench-{seeker_id}-{number}@example.fr>"
    message = EmailMessage()
    message["From"] = _sender(entry)
    message["To"] = f"seeker{seeker_id}@example.fr"
    message["Subject"] = SUBJECTS[entry.kind].format(company=entry.company, position=entry.position)
    message["Date"] = format_datetime(_noon(entry.day))
    message["Message-ID"] = message_id
    message.set_content(f"Bonjour,\n\nNous revenons vers vous au sujet de votre candidature au poste de "
                        f"{entry.position} chez {entry.company}.\n\nCordialement,\nL'équipe recrutement\n")
    return message.as_bytes(), message_id


def _sender(entry: Planned) -> str:
    if entry.kind == "application":
        return "seeker@example.fr"
    domain = "".join(ch for ch in entry.company.lower() if ch.isalnum())[:20] or "employeur"
    return f"recrutement@{domain}.fr"


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def event_ids(session: Session, seeker_id: int, limit: int = 50) -> list[int]:
    return list(session.scalars(select(Event.id).where(Event.seeker_id == seeker_id).order_by(Event.id).limit(limit)))
