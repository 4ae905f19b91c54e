"""A seeker's first visit in a real browser: sign up, link the test Dovecot through the form, review, export.

Debian's Chromium against `carnet serve` and `carnet run` (subprocesses, on
PostgreSQL), with the demo's sample mailbox in the test Dovecot. axe-core checks
every page the journey goes through.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from browserkit import check_accessible, link_mailbox, sign_up, wait_for_entries
from playwright.sync_api import Page, expect

from carnet.demo import sample_messages

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

def test_sign_up_link_sync_and_see_the_timelines(new_page, imap_user, worker):
    for folder, raw in sample_messages():
        imap_user.append(folder, raw)
    page = new_page()
    sign_up(page)
    check_accessible(page)

    link_mailbox(page, imap_user, "pas le bon mot de passe")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"Le serveur a refusé l'identifiant ou le mot de passe de {imap_user.user}")
    expect(alert).to_contain_text("rien n'a été enregistré")
    assert "Traceback" not in page.content()
    check_accessible(page)

    link_mailbox(page, imap_user, imap_user.password)
    page.wait_for_url("**/boite?done=linked")
    check_accessible(page)

    wait_for_entries(page, "Decathlon", "envoyé par moi")
    expect(page.locator("ul.cards > li.card").first).to_be_visible()
    check_accessible(page)

    review(page, "Leroy Merlin", lambda: page.get_by_role("button", name="Pas la mienne").click())
    expect(page.get_by_role("status")).to_contain_text("Entrée écartée")
    review(page, "Northwind Logistics", lambda: correct_company(page, "Northwind Traders"))
    expect(page.get_by_role("status")).to_contain_text("Correction enregistrée")
    page.goto("/journal")
    leroy = page.locator("li.card", has_text="Leroy Merlin")
    expect(leroy).to_contain_text("écarté : pas la mienne")
    expect(page.locator("li.card", has_text="Northwind Traders").first).to_contain_text("corrigé par vous")

    text = pdf_text(export(page, "2026-10-01", "2026-10-31"))
    assert "Northwind Traders" in text and "corrigé par le demandeur" in text
    assert "Leroy Merlin" not in text
    assert "Boulangerie Moreau" in text and "Decathlon" in text


def review(page: Page, company: str, act) -> None:
    """Open the first entry of `company`'s card, check the page, and act on it."""
    page.goto("/journal")
    page.locator("li.card", has_text=company).locator("ol.timeline a").first.click()
    page.wait_for_url("**/journal/entree/*")
    check_accessible(page)
    act()
    page.wait_for_url("**fait=*")
    check_accessible(page)


def correct_company(page: Page, company: str) -> None:
    page.fill("#company", company)
    page.get_by_role("button", name="Enregistrer la correction").click()


def export(page: Page, start: str, end: str) -> Path:
    """Download the export of a period from the export page; the path of the zip."""
    page.goto("/export")
    check_accessible(page)
    page.fill("#du", start)
    page.fill("#au", end)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger l'export").click()
    return Path(download.value.path())


def pdf_text(archive: Path) -> str:
    """The text of the export's PDF report, as pdftotext reads it."""
    with zipfile.ZipFile(archive) as opened:
        pdf = opened.read("rapport.pdf")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())
