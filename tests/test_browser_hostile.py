"""A hostile employer reply (script in its sender, subject and body, an HTML part with handlers and
`javascript:` links) goes through the real sync and is shown inert: no dialog, no script element,
no handler, no `javascript:` link; the markup is readable as text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from browserkit import check_accessible, link_mailbox, sign_up, wait_for_entries
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

SUBJECT_SCRIPT = "<script>alert('sujet')</script>"
BODY_SCRIPT = "<script>alert('corps')</script>"


def hostile_rejection() -> bytes:
    message = EmailMessage()
    message["From"] = "\"<img src=x onerror=alert('from')> Recrutement\" <recrutement@boulangerie-moreau.fr>"
    message["To"] = "Léa Martin <lea.martin@example.org>"
    message["Subject"] = f"Votre candidature {SUBJECT_SCRIPT} au poste de vendeuse en boulangerie"
    message["Date"] = format_datetime(datetime(2026, 10, 16, 11, 47, tzinfo=UTC))
    message["Message-ID"] = "<hostile-1@boulangerie-moreau.fr>"
    text = ("Bonjour Madame Martin,\n\nMerci pour votre candidature au poste de vendeuse en boulangerie. "
            "Nous sommes au regret de vous informer que nous ne pouvons pas donner une suite favorable "
            f"à votre candidature. {BODY_SCRIPT}\n<a href=\"javascript:alert('lien')\">cliquez ici</a>\n\n"
            "Sophie Moreau, Boulangerie Moreau\n")
    message.set_content(text)
    message.add_alternative(
        "<html><body onload=\"alert('onload')\"><p>Bonjour Madame Martin,</p><p>Merci pour votre candidature au "
        "poste de vendeuse en boulangerie. Nous sommes au regret de vous informer que nous ne pouvons pas donner "
        f"une suite favorable à votre candidature.</p>{BODY_SCRIPT}<img src=x onerror=\"alert('img')\">"
        "<a href=\"javascript:alert('lien')\">cliquez ici</a><iframe src=\"javascript:alert('cadre')\"></iframe>"
        "<p>Sophie Moreau, Boulangerie Moreau</p></body></html>", subtype="html")
    return message.as_bytes()


def assert_inert(page: Page) -> None:
    assert page.locator("main script, main iframe, main object, main embed").count() == 0
    for attribute in ("onerror", "onload", "onclick"):
        assert page.locator(f"[{attribute}]").count() == 0, attribute
    assert page.locator("a[href^='javascript:' i]").count() == 0


def test_a_hostile_reply_is_shown_inert(new_page, imap_user, worker):
    imap_user.append("INBOX", hostile_rejection())
    page = new_page()
    sign_up(page)
    link_mailbox(page, imap_user, imap_user.password)
    page.wait_for_url("**/boite?done=linked")
    wait_for_entries(page, "Votre candidature")
    assert_inert(page)
    expect(page.locator("main")).to_contain_text(SUBJECT_SCRIPT)
    check_accessible(page)

    page.locator("ol.timeline a").first.click()
    page.wait_for_url("**/journal/entree/*")
    assert_inert(page)
    expect(page.locator("main")).to_contain_text(SUBJECT_SCRIPT)
    expect(page.locator("pre.mail")).to_contain_text(BODY_SCRIPT)
    check_accessible(page)
