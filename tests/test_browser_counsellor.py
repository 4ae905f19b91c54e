"""Consent in a real browser: the seeker invites a counsellor, who sees her and only her, until she revokes.

Debian's Chromium against `carnet serve` and `carnet run` (PostgreSQL), the demo's
sample mailbox in the test Dovecot, counsellors made with `carnet user add`.
"""

from __future__ import annotations

import re

import pytest
from browserkit import LEA, check_accessible, link_mailbox, sign_in, sign_up, user_add, wait_for_entries
from playwright.sync_api import Page, expect

from carnet.demo import sample_messages

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

CLAIRE = {"email": "claire.dubois@francetravail.example", "name": "Claire Dubois", "password": "conseillère 2026"}
MARC = {"email": "marc.petit@francetravail.example", "name": "Marc Petit", "password": "conseiller 2026!"}


def _seeker_with_logbook(new_page, imap_user) -> Page:
    for folder, raw in sample_messages():
        imap_user.append(folder, raw)
    page = new_page()
    sign_up(page)
    link_mailbox(page, imap_user, imap_user.password)
    page.wait_for_url("**/boite?done=linked")
    wait_for_entries(page, "Decathlon", "envoyé par moi")
    return page


def test_a_counsellor_sees_only_the_seeker_who_invited_her_until_she_revokes(new_page, imap_user, worker):
    for person in (CLAIRE, MARC):
        user_add("counsellor", person["email"], person["name"], person["password"])
    lea = _seeker_with_logbook(new_page, imap_user)

    lea.goto("/partage")
    check_accessible(lea)
    lea.fill("#counsellor-email", CLAIRE["email"])
    lea.locator("form[action='/partage/adresse'] button").click()
    expect(lea.get_by_role("status")).to_contain_text("Accès accordé")
    check_accessible(lea)

    claire = new_page()
    sign_in(claire, CLAIRE["email"], CLAIRE["password"])
    claire.wait_for_url("**/conseiller")
    check_accessible(claire)
    rows = claire.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(LEA["name"])
    rows.first.get_by_role("link", name=LEA["name"]).click()
    claire.wait_for_url(re.compile(r"/conseiller/\d+$"))
    seeker_url = claire.url
    expect(claire.locator("main")).to_contain_text("Decathlon")
    check_accessible(claire)

    claire.get_by_role("link", name="Réponses vérifiées").click()
    claire.wait_for_url("**preuve=verified")
    entries = claire.locator("ol.timeline > li")
    expect(entries.first).to_be_visible()
    for index in range(entries.count()):
        expect(entries.nth(index).locator(".badge").first).not_to_have_text(re.compile("Non vérifié"))
    expect(claire.locator("main")).not_to_contain_text("envoyé par moi")
    check_accessible(claire)
    entries.first.locator("a").first.click()
    claire.wait_for_url("**/entree/*")
    expect(claire.locator("pre.mail")).to_be_visible()
    check_accessible(claire)

    lea.goto("/partage")
    log = lea.locator("section[aria-labelledby='log'] tbody")
    expect(log).to_contain_text("Claire Dubois")
    expect(log).to_contain_text("le journal")
    expect(log).to_contain_text("preuve : Réponses vérifiées")
    expect(log).to_contain_text("une entrée")

    marc = new_page()
    sign_in(marc, MARC["email"], MARC["password"])
    expect(marc.locator("main")).to_contain_text("Aucun demandeur ne vous a encore donné accès")
    assert marc.goto(seeker_url).status == 404
    expect(marc.locator("main")).not_to_contain_text(LEA["name"])
    check_accessible(marc)

    lea.get_by_role("button", name="Retirer l'accès de Claire Dubois").click()
    expect(lea.get_by_role("status")).to_contain_text("Accès retiré")
    response = claire.goto(seeker_url)
    assert response.status == 404
    expect(claire.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    claire.goto("/conseiller")
    expect(claire.locator("tbody tr")).to_have_count(0)
