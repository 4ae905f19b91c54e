"""The main journeys with the keyboard alone: Tab to reach a control, type, Enter or Space to act.

No click and no `fill`: each step presses Tab until the focus is on the control
it needs (failing if the control cannot be reached within the page's tab order),
so a control that only a mouse can use fails the journey.
"""

from __future__ import annotations

import pytest
from browserkit import check_accessible
from carnet.config.settings import load_settings
from carnet.store.consent import issue_code
from carnet.store.db import transaction
from carnet.store.models import Account
from playwright.sync_api import Page, expect
from sqlalchemy import select

from carnet.runtime import open_runtime

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

MAX_TABS = 80


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    target = page.locator(selector).first
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{page.url}: {selector} cannot be reached with Tab")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press_on(page: Page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    page.keyboard.press(key)
    page.wait_for_load_state()


def keyboard_sign_in(page: Page, person: dict[str, str]) -> None:
    page.goto("/login")
    type_into(page, "#email", person["email"])
    type_into(page, "#password", person["password"])
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_the_skip_link_comes_first_and_moves_the_focus_to_the_content(new_page, seeded_world):
    page = new_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#contenu"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_a_seeker_grants_reviews_and_exports_with_the_keyboard(new_page, seeded_world):
    runtime = open_runtime(load_settings())
    with transaction(runtime.factory) as session:
        code = issue_code(session, _account_id(session, seeded_world.counsellor["email"])).code
    runtime.engine.dispose()
    page = new_page()
    keyboard_sign_in(page, seeded_world.seeker)
    page.wait_for_url("**/journal")

    press_on(page, "header nav a[href='/partage']")
    page.wait_for_url("**/partage")
    type_into(page, "#counsellor-code", code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Accès accordé")

    press_on(page, "header nav a[href='/journal']")
    press_on(page, "ol.timeline a[href^='/journal/entree/']")
    page.wait_for_url("**/journal/entree/*")
    press_on(page, "form[action$='/ecarter'] button >> text=Pas une candidature")
    expect(page.get_by_role("status")).to_contain_text("Entrée écartée")
    check_accessible(page)

    press_on(page, "header nav a[href='/export']")
    page.wait_for_url("**/export")
    tab_to(page, "form[action='/export/carnet.zip'] button")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".zip")


def test_a_counsellor_reaches_verified_replies_and_an_entry_with_the_keyboard(new_page, seeded_world):
    page = new_page()
    keyboard_sign_in(page, seeded_world.counsellor)
    page.wait_for_url("**/conseiller")
    press_on(page, f"a[href='/conseiller/{seeded_world.seeker_id}']")
    page.wait_for_url(f"**/conseiller/{seeded_world.seeker_id}")
    press_on(page, "a[href$='?preuve=verified']")
    page.wait_for_url("**preuve=verified")
    expect(page.locator("main")).to_contain_text("Accusé de réception de votre candidature")
    press_on(page, "ol.timeline a[href*='/entree/']")
    page.wait_for_url("**/entree/*")
    expect(page.locator("pre.mail")).to_be_visible()


def test_an_operator_creates_a_counsellor_with_the_keyboard(new_page, seeded_world):
    page = new_page()
    keyboard_sign_in(page, seeded_world.operator)
    page.wait_for_url("**/operateur")
    tab_to(page, "input[name='role'][value='counsellor']")
    page.keyboard.press("ArrowRight")
    assert page.locator("input[name='role'][value='operator']").is_checked()
    page.keyboard.press("ArrowLeft")
    type_into(page, "#staff-name", "Nadia Haddad")
    type_into(page, "#staff-email", "nadia.haddad@francetravail.example")
    type_into(page, "#staff-password", "premier mot de passe")
    type_into(page, "#staff-password-again", "premier mot de passe")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Compte créé : nadia.haddad@francetravail.example (conseiller)")


def _account_id(session, email: str) -> int:
    return session.scalar(select(Account.id).where(Account.email == email))
