"""`carnet demo` on both embedded servers: the sample's evidence, none of its look-alikes."""

from __future__ import annotations

import pytest
from carnet.ingest.fetch import _header_fields

from carnet import demo

SAMPLE_EVIDENCE = ("Boulangerie Moreau", "L'Atelier Numérique", "Northwind", "Decathlon", "Leroy Merlin")
LOOK_ALIKES = ("Indeed", "Apec", "LinkedIn", "Welcome to the Jungle", "Julie")


@pytest.mark.parametrize("server", ["dovecot", "pymap"])
def test_demo_prints_the_sample_logbook(server: str, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    if server == "pymap":
        monkeypatch.setattr(demo.shutil, "which", lambda _name: None)
    monkeypatch.setenv("COLUMNS", "200")
    demo.run_demo()
    out = capsys.readouterr()
    assert f"({'Dovecot' if server == 'dovecot' else 'pymap'})" in out.err
    rows = [line for line in out.out.splitlines() if line.startswith("│ ") and line[2].isdigit()]
    assert len(rows) == 9, out.out
    assert all(company in out.out for company in SAMPLE_EVIDENCE)
    cells = {cell.strip() for row in rows for cell in row.split("│")}
    assert {"refus", "entretien", "offre", "accusé de réception"} <= cells
    assert not any(name in out.out for name in LOOK_ALIKES)


@pytest.mark.parametrize(
    "key",
    [b"BODY[HEADER.FIELDS (FROM SUBJECT)]", b'BODY[HEADER.FIELDS ("FROM" "SUBJECT")]', b"body[header.fields (from)]"],
)
def test_triage_headers_are_found_whatever_key_the_server_echoes(key: bytes) -> None:
    assert _header_fields({key: b"From: a@b.fr\r\n", b"RFC822.SIZE": 12}) == b"From: a@b.fr\r\n"
