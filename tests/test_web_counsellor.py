"""A counsellor's view of a consented seeker, and the walk of every route by everyone who may not see it.

Every `/conseiller/{seeker_id}/…` route of the app (found by walking the app's
routes, so a new one cannot be forgotten) is requested by the consented
counsellor (200, logged), an unconsented counsellor, a counsellor whose grant
was revoked, the seeker herself and another seeker (404, the very page a
missing seeker gets, nothing logged) and a stranger (sent to /login).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
from carnet.store import reviews
from carnet.store.access_log import Access, access_log
from carnet.store.accounts import Role
from carnet.store.consent import grant_by_address, grants_of, revoke
from carnet.store.db import transaction
from carnet.store.models import Account, Event
from entrykit import Entry, add_entries, mailbox_for
from webkit import Person, login, post

from carnet.web.auth import api_routes

SHARED_PREFIX = "/conseiller/{seeker_id}"
CSRF_VALUE = re.compile(r'name="csrf" value="[^"]*"')


@dataclass(frozen=True)
class World:
    lea: Person
    karim: Person
    claire: Person  # granted
    marc: Person  # never granted
    paul: Person  # granted, then revoked
    events: dict[str, int]


@pytest.fixture
def world(web_runtime, make_account) -> World:
    lea = make_account(Role.SEEKER, "lea@example.fr", "Léa Martin")
    karim = make_account(Role.SEEKER, "karim@example.fr", "Karim Benali")
    claire = make_account(Role.COUNSELLOR, "claire@ft.example", "Claire Dubois")
    marc = make_account(Role.COUNSELLOR, "marc@ft.example", "Marc Petit")
    paul = make_account(Role.COUNSELLOR, "paul@ft.example", "Paul Girard")
    with transaction(web_runtime.factory) as session:
        mailbox = mailbox_for(session, lea.seeker_id)
        added = add_entries(session, mailbox, [
            Entry("application", date(2026, 11, 3), "Airbus", "Technicienne méthodes"),
            Entry("acknowledgement", date(2026, 11, 4), "Airbus", "Technicienne méthodes", "dkim",
                  subject="Accusé de réception de votre candidature"),
            Entry("rejection", date(2026, 11, 6), "Safran", "Opératrice usinage", "none",
                  subject="Votre candidature chez Safran"),
            Entry("application", date(2026, 11, 8), "Cabinet Lefèvre", "Assistante", subject="Ma candidature"),
        ])
        events = dict(zip(("application", "verified", "unverified", "dismissed"), (e.id for e in added),
                          strict=True))
        owner = session.get(Account, lea.id)
        reviews.dismiss(session, owner, session.get(Event, events["dismissed"]), reviews.Action.NOT_MINE)
        grant_by_address(session, lea.seeker_id, claire.email)
        revoke(session, lea.seeker_id, grant_by_address(session, lea.seeker_id, paul.email).id)
        grant_by_address(session, karim.seeker_id, marc.email)
    return World(lea, karim, claire, marc, paul, events)


def _shared_paths(web_app, world: World, seeker_id: int) -> list[str]:
    paths = [route.path for route in api_routes(web_app)
             if route.path.startswith(SHARED_PREFIX) and "GET" in route.methods]
    assert len(paths) >= 3, paths
    return [p.format(seeker_id=seeker_id, event_id=world.events["verified"]) for p in paths]


def _missing_page(client) -> tuple[int, str]:
    response = client.get("/conseiller/999999")
    return response.status_code, CSRF_VALUE.sub("", response.text)


def test_the_consented_counsellor_sees_every_page_and_each_view_is_logged(web_app, web_runtime, world, browser):
    counsellor = login(browser(), world.claire)
    paths = _shared_paths(web_app, world, world.lea.seeker_id)
    for path in paths:
        assert counsellor.get(path).status_code == 200, path
    with web_runtime.factory() as session:
        logged = access_log(session, world.lea.seeker_id)
    assert len(logged) == len(paths)
    assert {view.viewer_email for view in logged} == {world.claire.email}
    assert Access.JOURNAL in {view.what for view in logged} and Access.ORIGINAL in {view.what for view in logged}


@pytest.mark.parametrize("who", ["marc", "paul", "lea", "karim"])
def test_everyone_else_gets_the_missing_page_and_nothing_is_logged(web_app, web_runtime, world, browser, who):
    client = login(browser(), getattr(world, who))
    missing = _missing_page(client)
    assert missing[0] == 404
    for path in _shared_paths(web_app, world, world.lea.seeker_id):
        response = client.get(path)
        assert (response.status_code, CSRF_VALUE.sub("", response.text)) == missing, path
        assert "Léa" not in response.text and "Airbus" not in response.text
    with web_runtime.factory() as session:
        assert access_log(session, world.lea.seeker_id) == []


def test_a_stranger_is_sent_to_sign_in(web_app, world, browser):
    client = browser()
    for path in [*_shared_paths(web_app, world, world.lea.seeker_id), "/conseiller", "/partage", "/operateur"]:
        response = client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, f"/login?next={path}"), path


def test_ids_that_are_no_seekers_answer_like_a_missing_page(world, browser):
    client = login(browser(), world.claire)
    missing = _missing_page(client)
    for seeker in ("abc", "-1", "1.0", "0", "99999999999999999999", str(world.karim.seeker_id)):
        response = client.get(f"/conseiller/{seeker}")
        assert (response.status_code, CSRF_VALUE.sub("", response.text)) == missing, seeker
    for event in ("abc", str(world.events["dismissed"]), "999999", "99999999999999999999"):
        assert client.get(f"/conseiller/{world.lea.seeker_id}/entree/{event}").status_code == 404, event
        assert client.get(f"/conseiller/{world.lea.seeker_id}/entree/{event}/original.eml").status_code == 404
    assert client.get(f"/conseiller/{world.lea.seeker_id}?page=99999999999999999999").status_code == 200


def test_the_counsellor_sees_the_timelines_without_the_seekers_dismissed_entries_or_review_buttons(world, browser):
    page = login(browser(), world.claire).get(f"/conseiller/{world.lea.seeker_id}").text
    assert "Journal de Léa Martin" in page and "Airbus" in page and "Safran" in page
    assert "Cabinet Lefèvre" not in page
    assert "C&#39;est juste" not in page and "/journal/entree/" not in page
    assert f'href="/conseiller/{world.lea.seeker_id}/entree/{world.events["verified"]}"' in page


def test_the_verified_replies_filter_keeps_only_proved_replies(world, browser):
    page = login(browser(), world.claire).get(f"/conseiller/{world.lea.seeker_id}?preuve=verified").text
    assert "Accusé de réception de votre candidature" in page
    assert "Votre candidature chez Safran" not in page
    assert 'aria-current="page">Réponses vérifiées' in page


def test_an_entry_shows_its_message_as_text_with_the_original_to_download(world, browser):
    client = login(browser(), world.claire)
    base = f"/conseiller/{world.lea.seeker_id}/entree/{world.events['verified']}"
    page = client.get(base).text
    assert "Merci pour votre candidature." in page and f'href="{base}/original.eml"' in page
    assert "Enregistrer la correction" not in page
    original = client.get(base + "/original.eml")
    assert original.headers["content-type"].startswith("message/rfc822")
    assert "attachment" in original.headers["content-disposition"]
    assert b"Subject: Accus" in original.content or b"Subject: =?utf-8?" in original.content


def test_revoking_ends_the_counsellors_next_request(world, web_runtime, browser):
    counsellor = login(browser(), world.claire)
    path = f"/conseiller/{world.lea.seeker_id}"
    assert counsellor.get(path).status_code == 200
    with transaction(web_runtime.factory) as session:
        [grant] = [g for g in grants_of(session, world.lea.seeker_id) if g.active]
        revoke(session, world.lea.seeker_id, grant.id)
    assert counsellor.get(path).status_code == 404
    assert f'href="{path}"' not in counsellor.get("/conseiller").text


def test_the_counsellor_downloads_the_seekers_export_and_she_sees_it_in_her_log(world, web_runtime, browser):
    client = login(browser(), world.claire)
    response = client.get(f"/conseiller/{world.lea.seeker_id}/export.zip?du=2026-11-01&au=2026-11-30")
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        table = archive.read("logbook.csv").decode("utf-8")
    assert "Airbus" in table and "Safran" in table and "Cabinet Lefèvre" not in table
    page = login(browser(), world.lea).get("/partage").text
    assert "l&#39;export" in page and "du 01/11/2026 au 30/11/2026" in page and "Claire Dubois" in page
    backwards = client.get(f"/conseiller/{world.lea.seeker_id}/export.zip?du=2026-11-30&au=2026-11-01")
    assert backwards.status_code == 400 and 'role="alert"' in backwards.text


def test_a_long_logbook_is_paged_for_the_counsellor_too(world, web_runtime, browser):
    with transaction(web_runtime.factory) as session:
        mailbox = mailbox_for(session, world.lea.seeker_id)
        add_entries(session, mailbox, [Entry("application", date(2026, 9, 1 + n % 28), f"Employeur {n:02d}",
                                             "Vendeuse") for n in range(40)])
    client = login(browser(), world.claire)
    first = client.get(f"/conseiller/{world.lea.seeker_id}").text
    second = client.get(f"/conseiller/{world.lea.seeker_id}?page=2").text
    named = {f"Employeur {n:02d}" for n in range(40)}
    on_first = {name for name in named if name in first}
    on_second = {name for name in named if name in second}
    assert on_first and on_second and not on_first & on_second
    assert 'rel="next"' in first and 'rel="prev"' in second



def test_every_state_changing_route_refuses_the_wrong_people(world, web_runtime, browser):
    with web_runtime.factory() as session:
        [grant] = [g for g in grants_of(session, world.lea.seeker_id) if g.active]
    allowed = {"/partage/adresse": {"lea", "karim"}, "/partage/code": {"lea", "karim"},
               f"/partage/{grant.id}/retirer": {"lea"}, "/conseiller/code": {"claire", "marc"},
               "/operateur/comptes": set()}
    stranger = browser()
    for path in allowed:
        assert post(stranger, path).headers["location"] == f"/login?next={path}", path
    for who in ("lea", "karim", "claire", "marc"):
        client = login(browser(), getattr(world, who))
        for path in (path for path, people in allowed.items() if who not in people):
            assert post(client, path).status_code == 404, (who, path)
    with web_runtime.factory() as session:
        assert [g.id for g in grants_of(session, world.lea.seeker_id) if g.active] == [grant.id]
