"""`carnet export` and `carnet verify-export`: a zip a controller can check with no network.

The zip holds ``rapport.pdf`` (French report), ``logbook.csv``, the original
messages ``eml/<event id>.eml``, ``demarches.json`` (France Travail's démarches
shape), ``proofs.json`` (per entry: its chain link and content, the SHA-256 of
its original, the DKIM result with the key record fetched at ingestion) and
``manifest.json`` (every other file's SHA-256 and each seeker's chain head).

Checking an export needs only the zip: the manifest against the files, each
original against its SHA-256, each entry's hash recomputed from its content
(so logbook.csv and demarches.json are checked against the chain too), and
each DKIM signature against the stored key record. The manifest is not signed:
a forger who rewrites every file consistently is caught only by comparing the
chain heads with `carnet verify` on the seeker's own logbook.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carnet import report_pdf
from carnet.csv_cells import neutral_row, restore
from carnet.ingest.verify import RecheckFailure, StoredDkim, claims_dkim, recheck_dkim
from carnet.reviewed_export import (
    CSV_REVIEW,
    DECLARED,
    Reviewed,
    csv_columns,
    declared_rows,
    kept,
    read_reviews,
    record_problems,
    review_claim_problems,
)
from carnet.store.chain import event_content, event_hash
from carnet.store.demarches import DEMARCHES
from carnet.store.logbook import LogbookRow, logbook_rows
from carnet.store.models import Event, Mailbox, Seeker, SourceMessage
from carnet.store.reviews import EntryReview

FORMAT = "carnet-export/1"
MANIFEST = "manifest.json"
CSV_EXTRA = ("seq", "hash", "sha256", "eml")
ORIGINS = {"application": "CANDIDATURE", "interview": "ENTRETIEN"}


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    mailbox_id: int | None = None
    seeker: str | None = None


@dataclass(frozen=True)
class Entry:
    row: LogbookRow
    event: Event
    source: SourceMessage
    raw: bytes
    review: EntryReview = dataclasses.field(default_factory=EntryReview)

    @property
    def eml(self) -> str:
        return f"eml/{self.event.id}.eml"


def write_export(session: Session, scope: Scope, out: Path) -> tuple[int, int]:
    """Write the zip (atomically); return (entries, files)."""
    entries, reviewed = _entries(session, scope)
    files = export_files(entries, scope, chain_heads(session, scope), reviewed)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    os.replace(tmp, out)
    return len(entries), len(files)


def export_bytes(session: Session, scope: Scope) -> bytes:
    """The zip as bytes (for a download), written through a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="carnet-export-") as folder:
        out = Path(folder) / "export.zip"
        write_export(session, scope, out)
        return out.read_bytes()


def _entries(session: Session, scope: Scope) -> tuple[list[Entry], Reviewed]:
    """The entries in scope that the seeker's reviews keep, and those reviews."""
    rows = logbook_rows(session, mailbox_id=scope.mailbox_id, seeker=scope.seeker, start=scope.start, end=scope.end,
                        in_doubt=True)  # those the seeker confirmed are kept below
    events = {row.id: session.get(Event, row.id) for row in rows}
    reviewed = read_reviews(session, list(events.values()), _declaring_seekers(session, scope), scope.start,
                            scope.end)
    entries = []
    for row in rows:
        event, state = events[row.id], reviewed.state(row.id)
        if kept(event, state):
            entries.append(Entry(row, event, event.source, zlib.decompress(event.source.raw), state))
    return entries, reviewed


def _declaring_seekers(session: Session, scope: Scope) -> list[Seeker]:
    """Whose declared applications the export holds: the seeker in scope, or every seeker (not per mailbox)."""
    if scope.mailbox_id is not None:
        return []
    query = select(Seeker)
    if scope.seeker is not None:
        query = query.where(Seeker.name == scope.seeker)
    return list(session.scalars(query))


def chain_heads(session: Session, scope: Scope) -> dict[str, dict[str, Any]]:
    """The last entry (seq, hash) of each seeker in scope: the anchor for later comparisons."""
    seekers = select(Seeker).order_by(Seeker.name)
    if scope.seeker is not None:
        seekers = seekers.where(Seeker.name == scope.seeker)
    if scope.mailbox_id is not None:
        seekers = seekers.join(Mailbox, Mailbox.seeker_id == Seeker.id).where(Mailbox.id == scope.mailbox_id)
    heads = {}
    for seeker in session.scalars(seekers):
        last = session.scalars(select(Event).where(Event.seeker_id == seeker.id).order_by(Event.seq.desc())).first()
        if last is not None:
            heads[seeker.name] = {"seq": last.seq, "hash": last.hash}
    return heads


def export_files(entries: list[Entry], scope: Scope, heads: dict[str, dict[str, Any]],
                 reviewed: Reviewed | None = None) -> dict[str, bytes]:
    """Every file of the export by name, the manifest last."""
    reviewed = reviewed or Reviewed({}, [], [])
    report = report_pdf.ReportInput([e.row for e in entries], scope.start, scope.end,
                                    {name: head["hash"] for name, head in heads.items()}, datetime.now(UTC).date(),
                                    {e.row.id: e.review.corrections for e in entries if e.review.corrected},
                                    [item for _, item in reviewed.declared])
    files = {
        "rapport.pdf": report_pdf.render(report),
        "logbook.csv": _logbook_csv(entries, reviewed),
        "demarches.json": _json(demarches(entries, scope)),
        "proofs.json": _json({"format": FORMAT, "entries": [proof(entry) for entry in entries],
                              "reviews": reviewed.records}),
    }
    files.update({entry.eml: entry.raw for entry in entries})
    files[MANIFEST] = _json(_manifest(files, scope, heads))
    return files


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _logbook_csv(entries: list[Entry], reviewed: Reviewed) -> bytes:
    """One row per entry, then the declared applications; every cell spreadsheet-safe (`csv_cells`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*LogbookRow.__dataclass_fields__, *CSV_EXTRA, *CSV_REVIEW])
    writer.writeheader()
    for entry in entries:
        extra = {"seq": entry.event.seq, "hash": entry.event.hash, "sha256": entry.source.sha256, "eml": entry.eml}
        writer.writerow(neutral_row(entry.row.as_json() | extra | csv_columns(entry.review)))
    for row in declared_rows(reviewed):
        writer.writerow(neutral_row(row))
    return out.getvalue().encode("utf-8")


def demarches(entries: list[Entry], scope: Scope) -> dict[str, Any]:
    """The entries as France Travail démarches (the partner API's field names), plus Carnet's proof links."""
    return {
        "format": "carnet-demarches/1",
        "dateDebut": scope.start.isoformat(),
        "dateFin": scope.end.isoformat(),
        "demarches": [_demarche(entry) for entry in entries if entry.event.demarche in DEMARCHES],
    }


def _demarche(entry: Entry) -> dict[str, Any]:
    event = entry.event
    pourquoi, libelle_pourquoi, libelle_quoi = DEMARCHES[event.demarche]
    day = event.date.isoformat() if event.date else None
    label = report_pdf.KIND_LABELS.get(event.kind, event.kind)
    return {
        "idDemarche": f"carnet-{event.id}",
        "etat": "RE",
        "origineCreateur": "INDIVIDU",
        "origineDemarche": ORIGINS.get(event.kind, "CANDIDATURE"),
        "pourQuoi": pourquoi,
        "libellePourquoi": libelle_pourquoi,
        "quoi": event.demarche,
        "libelleQuoi": libelle_quoi,
        "libelleCourt": f"{libelle_quoi} : {event.company or 'entreprise inconnue'}",
        "dateDebut": day,
        "dateFin": day,
        "dateCreation": event.recorded_at.isoformat() if event.recorded_at else None,
        "organisme": event.company,
        "metier": event.position,
        "ou": event.channel,
        "description": f"{label} ({entry.source.subject})"[:500],
        "carnet": {"event": event.id, "seq": event.seq, "hash": event.hash, "kind": event.kind,
                   "verification": event.verification, "eml": entry.eml},
    }


def proof(entry: Entry) -> dict[str, Any]:
    event, source = entry.event, entry.source
    return {
        "event": event.id,
        "seeker": entry.row.seeker,
        "eml": entry.eml,
        "sha256": source.sha256,
        "message_id": source.message_id,
        "chain": {"seq": event.seq, "prev_hash": event.prev_hash, "hash": event.hash, "content": event_content(event)},
        "dkim": {"result": source.dkim_result, "domain": source.dkim_domain, "selector": source.dkim_selector,
                 "aligned": source.dkim_aligned, "key_record": source.dkim_key_record},
        "auth_results": source.auth_results,
    }


def _manifest(files: dict[str, bytes], scope: Scope, heads: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "period": {"from": scope.start.isoformat(), "to": scope.end.isoformat()},
        "scope": {"mailbox": scope.mailbox_id, "seeker": scope.seeker},
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        "chain_heads": heads,
    }


# -- verify-export ------------------------------------------------------------------


@dataclass(frozen=True)
class ExportCheck:
    problems: list[str]
    files: int
    entries: int
    dkim: int

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_export(path: Path) -> ExportCheck:
    """Check an export offline; raises BadZipFile, KeyError, TypeError or ValueError when unreadable."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    manifest = json.loads(files[MANIFEST])
    proofs = json.loads(files["proofs.json"])["entries"] if "proofs.json" in files else []
    problems = [*manifest_problems(manifest, files)]
    dkim_checked = 0
    for item in proofs:
        entry_problems, checked = proof_problems(item, files)
        problems += entry_problems
        dkim_checked += checked
    reviews = json.loads(files["proofs.json"]).get("reviews", []) if "proofs.json" in files else []
    problems += [*chain_problems(proofs), *claim_problems(proofs, files), *record_problems(reviews),
                 *review_claim_problems(_csv_rows(files), reviews)]
    return ExportCheck(problems, len(manifest.get("files", {})), len(proofs), dkim_checked)


def manifest_problems(manifest: dict[str, Any], files: dict[str, bytes]) -> Iterator[str]:
    listed = manifest.get("files", {})
    for name, digest in sorted(listed.items()):
        if name not in files:
            yield f"{name}: listé dans le manifeste mais absent"
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            yield f"{name}: SHA-256 différent du manifeste"
    for name in sorted(set(files) - set(listed) - {MANIFEST}):
        yield f"{name}: fichier absent du manifeste"


def proof_problems(item: dict[str, Any], files: dict[str, bytes]) -> tuple[list[str], int]:
    """The original against its SHA-256, the entry's hash, and its DKIM proof; (problems, DKIM checks run)."""
    where = f"entrée {item['event']} ({item['eml']})"
    raw = files.get(item["eml"])
    if raw is None:
        return [f"{where}: message d'origine absent"], 0
    problems = []
    if hashlib.sha256(raw).hexdigest() != item["sha256"]:
        problems.append(f"{where}: le message d'origine ne correspond pas à son SHA-256")
    chain = item["chain"]
    if event_hash(chain["prev_hash"], chain["content"], item["sha256"]) != chain["hash"]:
        problems.append(f"{where}: le contenu de l'entrée ne correspond pas à son empreinte")
    dkim_problem = _export_dkim_problem(raw, chain["content"]["verification"], item["dkim"])
    if dkim_problem:
        problems.append(f"{where}: DKIM {dkim_problem}")
    return problems, int(claims_dkim(chain["content"]["verification"], item["dkim"]["result"]))


def _export_dkim_problem(raw: bytes, verification: str, dkim: dict[str, Any]) -> str | None:
    problem = recheck_dkim(raw, verification, StoredDkim(dkim["result"], dkim["domain"], dkim["selector"],
                                                         dkim["key_record"]))
    if problem is None:
        return None
    if problem.failure is RecheckFailure.NO_KEY_RECORD:
        return "sans enregistrement de clé"
    if problem.failure is RecheckFailure.DOES_NOT_VERIFY:
        return f"ne se vérifie pas avec la clé conservée ({problem.check.result}: {problem.check.reason})"
    return f"{problem.check.domain} n'est pas aligné avec l'expéditeur"


def chain_problems(proofs: list[dict[str, Any]]) -> Iterator[str]:
    """Consecutive entries of a seeker in the export must link by hash."""
    by_seeker: dict[str, dict[int, dict[str, Any]]] = {}
    for item in proofs:
        by_seeker.setdefault(item["seeker"], {})[item["chain"]["seq"]] = item["chain"]
    for seeker, chain in by_seeker.items():
        for seq, link in sorted(chain.items()):
            before = chain.get(seq - 1)
            if before is not None and link["prev_hash"] != before["hash"]:
                yield f"{seeker}: l'entrée n° {seq} ne s'enchaîne pas à l'entrée n° {seq - 1}"


def claim_problems(proofs: list[dict[str, Any]], files: dict[str, bytes]) -> Iterator[str]:
    """logbook.csv and demarches.json must say what the chained content says."""
    content = {str(item["event"]): item["chain"]["content"] for item in proofs}
    for row in _csv_rows(files):
        if row.get("origin") != DECLARED:
            yield from _row_problems("logbook.csv", row["id"], row, content.get(row["id"]))
    if "demarches.json" in files:
        for item in json.loads(files["demarches.json"]).get("demarches", []):
            event_id = str(item["carnet"]["event"])
            yield from _row_problems("demarches.json", event_id, _demarche_claim(item), content.get(event_id))


def _csv_rows(files: dict[str, bytes]) -> list[dict[str, str]]:
    """logbook.csv's rows with the cells as written before they were made spreadsheet-safe."""
    if "logbook.csv" not in files:
        return []
    reader = csv.DictReader(io.StringIO(files["logbook.csv"].decode("utf-8")))
    return [{name: restore(value or "") for name, value in row.items()} for row in reader]


def _demarche_claim(item: dict[str, Any]) -> dict[str, Any]:
    """A démarche's statements, under the chained content's field names."""
    carnet = item["carnet"]
    return {"kind": carnet["kind"], "date": item["dateDebut"], "company": item["organisme"],
            "position": item["metier"], "verification": carnet["verification"], "demarche": item["quoi"]}


def _row_problems(name: str, event_id: str, claim: dict[str, Any], content: dict[str, Any] | None) -> Iterator[str]:
    if content is None:
        yield f"{name}: l'entrée {event_id} n'a pas de preuve dans proofs.json"
        return
    for field in ("kind", "date", "company", "position", "verification", "demarche"):
        if (claim.get(field) or None) != (content.get(field) or None):
            yield f"{name}: entrée {event_id}, {field} diffère de l'entrée enchaînée"
