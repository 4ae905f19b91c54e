"""`carnet export` and `carnet verify-export` on a synced logbook; tampered copies must fail."""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from carnet.store.demarches import DEMARCHES
from proofkit import SigningKey, World, Zone, dns_server, scenario, seed_and_sync

from carnet.demo.dovecot import Dovecot


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, dovecot: Dovecot) -> Iterator[World]:
    key, zone = SigningKey.generate(), Zone()
    messages = scenario(key, zone, datetime.now(UTC))
    root = tmp_path_factory.mktemp("export")
    with dns_server(zone) as dns:
        yield seed_and_sync(root, dovecot, dns, messages)


@pytest.fixture(scope="module")
def export(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zip") / "export.zip"
    today = datetime.now(UTC).date()
    result = world.cli("export", "--from", str(today - timedelta(days=60)), "--to", str(today), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def _files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(source: Path, target: Path, changes: dict[str, bytes], manifest: bool = False) -> Path:
    """A copy of the export with `changes`; with `manifest`, its manifest rewritten to match."""
    files = _files(source) | changes
    if manifest:
        listed = json.loads(files["manifest.json"])
        listed["files"] = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()
                           if name != "manifest.json"}
        files["manifest.json"] = json.dumps(listed).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def test_untouched_export_verifies(world: World, export: Path) -> None:
    result = world.cli("verify-export", str(export))
    assert result.exit_code == 0, result.output
    assert "Export intègre" in result.stdout
    assert "signature(s) DKIM revérifiée(s) hors ligne" in result.stdout


def test_export_holds_every_part(world: World, export: Path) -> None:
    files = _files(export)
    entries = world.logbook()
    assert {"rapport.pdf", "logbook.csv", "demarches.json", "proofs.json", "manifest.json"} <= set(files)
    for entry in entries:
        assert files[f"eml/{entry['id']}.eml"] == world.cli("raw", str(entry["id"])).stdout_bytes
    manifest = json.loads(files["manifest.json"])
    head = manifest["chain_heads"]["Léa Martin"]["hash"]
    assert head in world.cli("verify").stdout
    proofs = {item["event"]: item for item in json.loads(files["proofs.json"])["entries"]}
    dkim = proofs[world.entry("dkim_aligned")["id"]]["dkim"]
    assert (dkim["result"], dkim["domain"], dkim["aligned"]) == ("pass", "acme.fr", True)
    assert dkim["key_record"].startswith("v=DKIM1; k=rsa; p=")


def test_demarches_follow_france_travail_codes(world: World, export: Path) -> None:
    demarches = json.loads(_files(export)["demarches.json"])["demarches"]
    assert len(demarches) == len(world.logbook())
    for item in demarches:
        pourquoi, libelle_pourquoi, libelle_quoi = DEMARCHES[item["quoi"]]
        assert (item["pourQuoi"], item["libellePourquoi"], item["libelleQuoi"]) == (
            pourquoi, libelle_pourquoi, libelle_quoi)
        assert item["etat"] == "RE" and item["dateDebut"] and item["origineCreateur"] == "INDIVIDU"
    assert {item["quoi"] for item in demarches} >= {"Q14", "Q16"}


def test_pdf_report_shows_the_entries(world: World, export: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(_files(export)["rapport.pdf"])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Relevé des démarches de recherche d'emploi" in text
    assert "Synthèse par semaine" in text
    companies = {entry["company"] for entry in world.logbook() if entry["company"]}
    assert companies
    for company in companies:
        assert company in " ".join(text.split()), company
    assert "DKIM vérifié" in text and "Fournisseur" in text and "Fil de discussion" in text


def test_altered_original_fails_against_the_manifest(world: World, export: Path, tmp_path: Path) -> None:
    event = world.entry("dkim_aligned")["id"]
    name = f"eml/{event}.eml"
    forged = _files(export)[name].replace(b"Nous accusons", b"Nous confirmons")
    result = world.cli("verify-export", str(_rewrite(export, tmp_path / "t.zip", {name: forged})))
    assert result.exit_code == 1
    assert f"{name}: SHA-256 différent du manifeste" in result.stdout


def test_altered_original_with_a_rewritten_manifest_still_fails(world: World, export: Path, tmp_path: Path) -> None:
    event = world.entry("dkim_aligned")["id"]
    name = f"eml/{event}.eml"
    forged = _files(export)[name].replace(b"Nous accusons", b"Nous confirmons")
    result = world.cli("verify-export", str(_rewrite(export, tmp_path / "t.zip", {name: forged}, manifest=True)))
    assert result.exit_code == 1
    assert f"entrée {event} ({name}): le message d'origine ne correspond pas à son SHA-256" in result.stdout
    assert f"entrée {event} ({name}): DKIM ne se vérifie pas avec la clé conservée (fail" in result.stdout


def test_edited_logbook_csv_fails_against_the_chain(world: World, export: Path, tmp_path: Path) -> None:
    event = world.entry("provider")["id"]
    csv_text = _files(export)["logbook.csv"].decode()
    edited = csv_text.replace(",provider,", ",dkim,")
    assert edited != csv_text
    tampered = _rewrite(export, tmp_path / "t.zip", {"logbook.csv": edited.encode()}, manifest=True)
    result = world.cli("verify-export", str(tampered))
    assert result.exit_code == 1
    assert f"logbook.csv: entrée {event}, verification diffère de l'entrée enchaînée" in result.stdout


def test_unlisted_file_and_unreadable_zip_fail(world: World, export: Path, tmp_path: Path) -> None:
    result = world.cli("verify-export", str(_rewrite(export, tmp_path / "t.zip", {"eml/999.eml": b"x"})))
    assert result.exit_code == 1
    assert "eml/999.eml: fichier absent du manifeste" in result.stdout
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"pas un zip")
    result = world.cli("verify-export", str(junk))
    assert result.exit_code == 1
    assert "Export illisible" in result.stderr


def test_scope_by_seeker_or_mailbox(world: World, tmp_path: Path) -> None:
    today = str(datetime.now(UTC).date())
    period = ["--from", "2000-01-01", "--to", today]
    by_seeker = world.cli("export", *period, "--seeker", "Léa Martin", "--out", str(tmp_path / "s.zip"))
    by_mailbox = world.cli("export", *period, "--mailbox", "1", "--out", str(tmp_path / "m.zip"))
    assert by_seeker.exit_code == by_mailbox.exit_code == 0
    names = [sorted(n for n in _files(tmp_path / f) if n.startswith("eml/")) for f in ("s.zip", "m.zip")]
    assert names[0] == names[1] and len(names[0]) == len(world.logbook())
    both = world.cli("export", *period, "--seeker", "Léa Martin", "--mailbox", "1", "--out", str(tmp_path / "b.zip"))
    assert both.exit_code == 1
    empty = world.cli("export", "--from", "2000-01-01", "--to", "2000-01-31", "--out", str(tmp_path / "e.zip"))
    assert empty.exit_code == 0
    assert world.cli("verify-export", str(tmp_path / "e.zip")).exit_code == 0
