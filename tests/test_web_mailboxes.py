"""Linking a mailbox from the web form against a real Dovecot, and the mailbox page's buttons."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from carnet.store.models import Mailbox
from carnet.store.secrets import encrypt
from cryptography.fernet import Fernet
from sqlalchemy import select
from webkit import login, post, shown


def _mailboxes(runtime) -> list[Mailbox]:
    with runtime.factory() as session:
        return list(session.scalars(select(Mailbox).order_by(Mailbox.id)))


def _link(client, imap, password=None, **extra):
    form = {"host": imap.host, "port": str(imap.port), "security": "plain", "username": imap.user,
            "password": imap.password if password is None else password, **extra}
    return post(client, "/boite/lier/other", form)


def test_presets_show_their_steps_and_outlook_offers_no_password(browser, make_account):
    client = login(browser(), make_account())
    choose = client.get("/boite/lier")
    assert "Gmail" in shown(choose) and "La Poste" in shown(choose) and "Autre messagerie" in shown(choose)
    gmail = shown(client.get("/boite/lier/gmail"))
    assert "Validation en deux étapes" in gmail and 'name="password"' in gmail
    outlook = client.get("/boite/lier/outlook")
    assert "n'accepte plus de mot de passe" in shown(outlook) and 'name="password"' not in shown(outlook)
    assert post(client, "/boite/lier/outlook", {"username": "a@outlook.fr", "password": "x"}).status_code == 404
    assert client.get("/boite/lier/nulle-part").status_code == 404
    other = shown(client.get("/boite/lier/other"))
    assert 'name="host"' in other and 'name="port"' in other and 'name="security"' in other


def test_wrong_password_is_one_sentence_and_nothing_is_stored(browser, make_account, imap_user, web_runtime):
    client = login(browser(), make_account())
    refused = _link(client, imap_user, password="pas-le-bon")
    assert refused.status_code == 400
    assert "a refusé l'identifiant ou le mot de passe" in shown(refused) and "rien n'a été enregistré" in shown(refused)
    assert f"de {imap_user.user} ({imap_user.host}) et rien" in shown(refused)
    assert f"@{imap_user.host}" not in shown(refused)
    by_address = _link(client, imap_user, password="pas-le-bon", username="lea.martin@example.org")
    assert "mot de passe de lea.martin@example.org et rien" in shown(by_address)
    [sentence] = re.findall(r'<p class="alert" role="alert">([^<]*)</p>', shown(refused))
    assert sentence.count(". ") == 0 and sentence.endswith(".")
    assert "pas-le-bon" not in shown(refused) and "Traceback" not in shown(refused)
    assert _mailboxes(web_runtime) == []


def test_unknown_host_and_untrusted_certificate(browser, make_account, dovecot_factory, web_runtime):
    client = login(browser(), make_account())
    unknown = post(client, "/boite/lier/other", {"host": "imap.nulle-part.invalid", "security": "ssl",
                                                 "username": "lea", "password": "secret-123"})
    assert unknown.status_code == 400 and "introuvable" in shown(unknown)
    server = dovecot_factory(tls="ssl")
    untrusted = post(client, "/boite/lier/other", {"host": server.host, "port": str(server.port), "security": "ssl",
                                                   "username": "lea", "password": "secret-123"})
    assert untrusted.status_code == 400 and "certificat" in shown(untrusted) and "n'est pas reconnu" in shown(untrusted)
    assert _mailboxes(web_runtime) == []


def test_link_then_sync_soon_then_remove(browser, make_account, imap_user, web_runtime):
    person = make_account()
    client = login(browser(), person)
    linked = _link(client, imap_user)
    assert linked.status_code == 303 and linked.headers["location"] == "/boite?done=linked"
    [mailbox] = _mailboxes(web_runtime)
    assert mailbox.seeker_id == person.seeker_id
    assert mailbox.secret and imap_user.password.encode() not in mailbox.secret
    page = shown(client.get("/boite"))
    assert imap_user.user in page and imap_user.password not in page
    with web_runtime.factory.begin() as session:
        session.get(Mailbox, mailbox.id).next_due_at = datetime.now(UTC) + timedelta(hours=1)
    assert post(client, f"/boite/{mailbox.id}/synchroniser").status_code == 303
    [due] = _mailboxes(web_runtime)
    assert due.next_due_at.replace(tzinfo=UTC) <= datetime.now(UTC)
    assert post(client, f"/boite/{mailbox.id}/retirer").status_code == 303
    [removed] = _mailboxes(web_runtime)
    assert removed.status == "removed" and removed.secret == b""
    assert imap_user.user not in shown(client.get("/boite"))


def test_relink_state_is_said_in_plain_words(browser, make_account, imap_user, web_runtime):
    client = login(browser(), make_account())
    _link(client, imap_user)
    with web_runtime.factory.begin() as session:
        mailbox = session.scalars(select(Mailbox)).one()
        mailbox.status, mailbox.last_error = "needs_relink", "le serveur a refusé le mot de passe"
    page = shown(client.get("/boite"))
    assert "À reconnecter" in page and "le serveur a refusé le mot de passe" in page


def test_another_seekers_mailbox_answers_404(browser, make_account, imap_user, web_runtime):
    _link(login(browser(), make_account()), imap_user)
    [mailbox] = _mailboxes(web_runtime)
    stranger = login(browser(), make_account())
    for action in ("synchroniser", "retirer"):
        assert post(stranger, f"/boite/{mailbox.id}/{action}").status_code == 404
    assert imap_user.user not in shown(stranger.get("/boite"))
    [untouched] = _mailboxes(web_runtime)
    assert untouched.status == "active" and untouched.secret


def test_a_secret_the_key_cannot_read_asks_the_seeker_to_link_again_in_her_words(
        browser, make_account, imap_user, web_runtime):
    client = login(browser(), make_account())
    _link(client, imap_user)
    with web_runtime.factory.begin() as session:
        mailbox = session.scalars(select(Mailbox)).one()
        mailbox.secret = encrypt(Fernet.generate_key().decode(), imap_user.password)
        mailbox.last_error = f"mailbox {mailbox.id}: cannot decrypt a mailbox secret: CARNET_SECRET_KEY is not its key"
    page = shown(client.get("/boite"))
    assert "À reconnecter" in page and "Liez-la à nouveau avec la même adresse" in page
    assert "cannot decrypt" not in page and "CARNET_SECRET_KEY" not in page and "synchroniser" not in page
    english = shown(client.get("/boite?lang=en"))
    assert "Link it again with the same address" in english and "cannot decrypt" not in english
    _link(client, imap_user)
    assert "Liez-la à nouveau" not in shown(client.get("/boite?lang=fr"))


def test_the_steps_read_apart_even_as_plain_text(browser, make_account):
    text = re.sub(r"<[^>]+>", "", shown(login(browser(), make_account()).get("/boite/lier/gmail")))
    assert "si elle ne l'est pas déjà." in text
    assert not re.search(r"[.»][A-ZÀ-Ý]", text), re.findall(r".{20}[.»][A-ZÀ-Ý].{10}", text)
