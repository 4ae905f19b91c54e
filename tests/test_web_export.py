"""The export from the web: reviews honoured, declared entries marked, cells spreadsheet-safe, still verifiable."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

from carnet.store.db import transaction
from entrykit import Entry, add_entries, mailbox_for
from webkit import login, post

from carnet.csv_cells import neutralise, restore
from carnet.export import verify_export

FORMULA = '=HYPERLINK("http://evil.example","clic")'


def _seed(web_runtime, person):
    day = date.today() - timedelta(days=3)
    with transaction(web_runtime.factory) as session:
        mailbox = mailbox_for(session, person.seeker_id)
        events = add_entries(session, mailbox, [
            Entry("application", day, company="Decathlon", position="Vendeur conseil"),
            Entry("acknowledgement", day, company="Leroy Merlin", position="Caissier"),
            Entry("rejection", day, company="Newsletter Piège", position="Rien"),
            Entry("application", day, company=FORMULA, position="@SUM(A1)"),
        ])
        return [event.id for event in events]


def _download(client, tmp_path: Path) -> Path:
    period = {"du": (date.today() - timedelta(days=30)).isoformat(), "au": date.today().isoformat()}
    response = client.get("/export/carnet.zip", params=period)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    path = tmp_path / "export.zip"
    path.write_bytes(response.content)
    return path


def test_export_honours_reviews_and_stays_verifiable(browser, make_account, web_runtime, tmp_path):
    person = make_account()
    ids = _seed(web_runtime, person)
    client = login(browser(), person)
    post(client, f"/journal/entree/{ids[2]}/ecarter", {"reason": "not_application"})
    post(client, f"/journal/entree/{ids[1]}/corriger", {"kind": "interview", "company": "Leroy Merlin Nantes",
                                                        "position": "Caissier"})
    post(client, "/journal/declarer", {"date": date.today().isoformat(), "company": "Boulangerie Paul",
                                       "position": "Vendeuse", "channel": "en personne"})
    path = _download(client, tmp_path)
    check = verify_export(path)
    assert check.ok, check.problems
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("logbook.csv").decode())))
        proofs = json.loads(archive.read("proofs.json"))
    by_company = {restore(row["company"]): row for row in rows}
    assert "Newsletter Piège" not in by_company
    corrected = by_company["Leroy Merlin"]
    assert corrected["review"] == "corrected" and corrected["corrected_company"] == "Leroy Merlin Nantes"
    assert corrected["corrected_kind"] == "interview" and corrected["kind"] == "acknowledgement"
    declared = by_company["Boulangerie Paul"]
    assert declared["origin"] == "declared" and declared["eml"] == ""
    assert {r["chain"]["content"]["action"] for r in proofs["reviews"]} == {"correct", "declare"}
    formula = next(row for row in rows if row["company"].startswith("'"))
    assert formula["company"] == "'" + FORMULA and formula["position"] == "'@SUM(A1)"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"],
                          input=zipfile.ZipFile(path).read("rapport.pdf"), capture_output=True, check=True).stdout
    pdf = text.decode()
    assert "Leroy Merlin Nantes" in pdf and "corrigé par le demandeur" in pdf
    assert "Newsletter Piège" not in pdf
    assert "Boulangerie Paul" in pdf and "déclaré, sans preuve" in pdf


def test_a_forged_correction_fails_verify_export(browser, make_account, web_runtime, tmp_path):
    person = make_account()
    ids = _seed(web_runtime, person)
    client = login(browser(), person)
    post(client, f"/journal/entree/{ids[1]}/corriger", {"kind": "offer", "company": "Leroy Merlin",
                                                        "position": "Caissier"})
    path = _download(client, tmp_path)
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["logbook.csv"] = files["logbook.csv"].replace(b",offer,", b",rejection,")
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    problems = verify_export(forged).problems
    assert any("corrected_kind" in problem for problem in problems)


def test_cells_round_trip():
    for value in ("=1+1", "+33 6", "-x", "@a", "'quoted", "\tx", "plain", ""):
        assert restore(neutralise(value)) == value
        assert not str(neutralise(value)).startswith(("=", "+", "-", "@"))


def test_export_of_another_period_and_bad_period(browser, make_account, web_runtime):
    person = make_account()
    _seed(web_runtime, person)
    client = login(browser(), person)
    assert "Exporter mon journal" in client.get("/export").text
    bad = client.get("/export/carnet.zip", params={"du": "2026-05-10", "au": "2026-05-01"})
    assert bad.status_code == 400
    stranger = login(browser(), make_account())
    with zipfile.ZipFile(io.BytesIO(stranger.get("/export/carnet.zip").content)) as archive:
        assert b"Decathlon" not in archive.read("logbook.csv")
