"""The seeker's "Partage" page, the counsellor's list and codes, and the operator's page (SQLite, PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date

from carnet.store.access_log import Access, record_access
from carnet.store.accounts import Role
from carnet.store.db import transaction
from carnet.store.models import Account, Consent
from entrykit import Entry, add_entries, mailbox_for
from sqlalchemy import select
from webkit import PASSWORD, login, post

CODE = re.compile(r'class="code">([0-9A-Z]{4}-[0-9A-Z]{4})<')


def _grant(client, counsellor_email: str):
    return post(client, "/partage/adresse", {"email": counsellor_email})


def test_a_seeker_grants_by_address_and_the_counsellor_lists_her(browser, make_account):
    lea = make_account(Role.SEEKER, "lea@example.fr", "Léa Martin")
    claire = make_account(Role.COUNSELLOR, "claire@ft.example", "Claire Dubois")
    seeker = login(browser(), lea)
    assert "Personne" in seeker.get("/partage").text
    response = _grant(seeker, "CLAIRE@ft.example")
    assert (response.status_code, response.headers["location"]) == (303, "/partage?fait=granted")
    page = seeker.get(response.headers["location"]).text
    assert "Accès accordé" in page and "Claire Dubois" in page and "Retirer l&#39;accès de Claire Dubois" in page
    listing = login(browser(), claire).get("/conseiller")
    assert listing.status_code == 200
    assert f'href="/conseiller/{lea.seeker_id}">Léa Martin</a>' in listing.text
    assert "aucune boîte liée" in listing.text


def test_an_unknown_address_is_refused_in_one_sentence(browser, make_account):
    lea = make_account(Role.SEEKER)
    operator = make_account(Role.OPERATOR, "olga@carnet.example")
    seeker = login(browser(), lea)
    for address in ("personne@ft.example", operator.email):
        response = _grant(seeker, address)
        assert response.status_code == 400
        assert "Aucun conseiller n&#39;a de compte Carnet à cette adresse" in response.text
        assert f'value="{address}"' in response.text


def test_a_counsellors_code_grants_once(browser, make_account):
    lea, karim = make_account(Role.SEEKER), make_account(Role.SEEKER)
    claire = make_account(Role.COUNSELLOR, name="Claire Dubois")
    counsellor = login(browser(), claire)
    issued = post(counsellor, "/conseiller/code")
    assert issued.status_code == 200
    code = CODE.search(issued.text).group(1)
    assert "72 heures" in issued.text
    assert post(login(browser(), lea), "/partage/code", {"code": code.lower()}).status_code == 303
    again = post(login(browser(), karim), "/partage/code", {"code": code})
    assert again.status_code == 400 and "a déjà servi ou a expiré" in again.text
    listing = counsellor.get("/conseiller").text
    assert f"/conseiller/{lea.seeker_id}" in listing and f"/conseiller/{karim.seeker_id}" not in listing


def test_revoking_removes_the_seeker_from_the_list_and_stays_in_the_history(browser, make_account, web_runtime):
    lea = make_account(Role.SEEKER)
    claire = make_account(Role.COUNSELLOR, name="Claire Dubois")
    seeker = login(browser(), lea)
    _grant(seeker, claire.email)
    with web_runtime.factory() as session:
        consent_id = session.scalar(select(Consent.id))
    response = post(seeker, f"/partage/{consent_id}/retirer")
    assert (response.status_code, response.headers["location"]) == (303, "/partage?fait=revoked")
    page = seeker.get(response.headers["location"]).text
    assert "Accès retiré" in page and "Accès passés" in page and "Personne" in page
    assert f"/conseiller/{lea.seeker_id}" not in login(browser(), claire).get("/conseiller").text
    assert post(seeker, f"/partage/{consent_id}/retirer").status_code == 404


def test_a_seeker_cannot_revoke_anothers_grant(browser, make_account, web_runtime):
    lea, karim = make_account(Role.SEEKER), make_account(Role.SEEKER)
    claire = make_account(Role.COUNSELLOR)
    _grant(login(browser(), lea), claire.email)
    with web_runtime.factory() as session:
        consent_id = session.scalar(select(Consent.id))
    for attempt in (str(consent_id), "abc", "-1", "99999999999999999999"):
        assert post(login(browser(), karim), f"/partage/{attempt}/retirer").status_code == 404
    assert f"/conseiller/{lea.seeker_id}" in login(browser(), claire).get("/conseiller").text


def test_the_seeker_reads_her_access_log_in_words(browser, make_account, web_runtime):
    lea, karim = make_account(Role.SEEKER), make_account(Role.SEEKER)
    claire = make_account(Role.COUNSELLOR, name="Claire <b>Dubois</b>")
    with transaction(web_runtime.factory) as session:
        [mine] = add_entries(session, mailbox_for(session, lea.seeker_id),
                             [Entry("rejection", date(2026, 10, 16), "Safran", "Opératrice usinage")])
        [theirs] = add_entries(session, mailbox_for(session, karim.seeker_id),
                               [Entry("offer", date(2026, 10, 20), "Thales", "Technicien")])
        viewer = session.get(Account, claire.id)
        record_access(session, viewer, lea.seeker_id, Access.ORIGINAL, f"event_id={mine.id}")
        record_access(session, viewer, lea.seeker_id, Access.ENTRY, f"event_id={theirs.id}")
        record_access(session, viewer, lea.seeker_id, Access.JOURNAL, "du=2026-10-01, au=2026-10-31, preuve=verified")
    page = login(browser(), lea).get("/partage").text
    assert "un message d&#39;origine (fichier .eml)" in page and "Réponse négative — Safran, 16/10/2026" in page
    assert "une entrée qui n&#39;existe plus" in page and "Thales" not in page
    assert "du 01/10/2026 au 31/10/2026, preuve : Réponses vérifiées" in page
    assert "Claire &lt;b&gt;Dubois&lt;/b&gt;" in page and "<b>Dubois</b>" not in page


def test_granting_needs_the_csrf_token(browser, make_account):
    lea, claire = make_account(Role.SEEKER), make_account(Role.COUNSELLOR)
    seeker = login(browser(), lea)
    assert seeker.post("/partage/adresse", data={"email": claire.email}).status_code == 403
    assert f"/conseiller/{lea.seeker_id}" not in login(browser(), claire).get("/conseiller").text


def test_the_operator_creates_a_counsellor_who_can_sign_in(browser, make_account):
    olga = make_account(Role.OPERATOR)
    operator = login(browser(), olga)
    form = {"role": "counsellor", "email": "Marc@FT.example", "name": "Marc Petit", "password": PASSWORD,
            "password_again": PASSWORD}
    created = post(operator, "/operateur/comptes", form)
    assert (created.status_code, created.headers["location"]) == (303, "/operateur?cree=marc@ft.example")
    page = operator.get(created.headers["location"]).text
    assert "Compte créé : marc@ft.example (conseiller)" in page and PASSWORD not in page
    signed_in = post(browser(), "/login", {"email": "marc@ft.example", "password": PASSWORD})
    assert signed_in.headers["location"] == "/conseiller"
    assert "Compte créé" not in operator.get("/operateur?cree=nobody@ft.example").text


def test_the_operator_page_refuses_seekers_roles_and_short_passwords(browser, make_account):
    operator = login(browser(), make_account(Role.OPERATOR))
    base = {"email": "x@ft.example", "name": "X", "password": PASSWORD, "password_again": PASSWORD}
    assert post(operator, "/operateur/comptes", {**base, "role": "seeker"}).status_code == 400
    short = post(operator, "/operateur/comptes", {**base, "role": "operator", "password": "court",
                                                   "password_again": "court"})
    assert short.status_code == 400 and "10 caractères" in short.text
    for role in (Role.SEEKER, Role.COUNSELLOR):
        other = login(browser(), make_account(role))
        assert other.get("/operateur").status_code == 404
        assert post(other, "/operateur/comptes", {**base, "role": "operator"}).status_code == 404
    assert browser().get("/operateur").headers["location"] == "/login?next=/operateur"
