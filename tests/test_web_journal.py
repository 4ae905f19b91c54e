"""The seeker's logbook pages: timelines, filters, the source message shown inert, the original, reviews."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from carnet.store.db import transaction
from carnet.store.integrity import verify_chains
from carnet.store.models import Event, Review
from carnet.store.reviews import review_content, review_hash
from carnet.store.timeline import PAGE_SIZE
from entrykit import Entry, add_entries, mailbox_for
from sqlalchemy import select
from webkit import login, post, shown

HOSTILE = '<script>alert("x")</script><a href="javascript:alert(1)">clic</a><img src=x onerror=alert(2)>'


@pytest.fixture
def seeker_with_entries(web_runtime, make_account):
    """A seeker whose application at Decathlon got an acknowledgement then an interview, plus a hostile reply."""
    person = make_account()
    with transaction(web_runtime.factory) as session:
        mailbox = mailbox_for(session, person.seeker_id)
        day = date.today() - timedelta(days=20)
        events = add_entries(session, mailbox, [
            Entry("application", day, subject="Candidature vendeur"),
            Entry("acknowledgement", day + timedelta(days=1), verification="provider"),
            Entry("interview", day + timedelta(days=5), verification="thread"),
            Entry("rejection", day + timedelta(days=9), company=HOSTILE, position=HOSTILE, subject=HOSTILE,
                  body=f"Bonjour {HOSTILE}\n<b>gras</b>\n"),
        ])
        for event in events[1:3]:
            event.application_id = events[0].application_id
        ids = [event.id for event in events]
    return person, ids


def test_one_card_per_application_in_order_with_badges(browser, seeker_with_entries):
    person, ids = seeker_with_entries
    page = shown(login(browser(), person).get("/journal"))
    card = page[page.index("Decathlon"):]
    positions = [card.index(label) for label in ("Candidature envoyée", "Accusé de réception",
                                                  "Convocation à un entretien")]
    assert positions == sorted(positions)
    for level in ("provider", "thread", "none"):
        assert f'<span class="badge {level}">' in page
    assert '<details class="explain">' in page and "a vérifié l'expéditeur" in page
    assert f'href="/journal/entree/{ids[1]}"' in page


def test_filters_by_kind_proof_and_period(browser, seeker_with_entries):
    person, ids = seeker_with_entries
    client = login(browser(), person)
    verified = client.get("/journal?preuve=verified").text
    assert f"/journal/entree/{ids[1]}\"" in verified and f"/journal/entree/{ids[0]}\"" not in verified
    interviews = client.get("/journal?type=interview").text
    assert f"/journal/entree/{ids[2]}\"" in interviews and f"/journal/entree/{ids[1]}\"" not in interviews
    start = (date.today() - timedelta(days=13)).isoformat()
    late = client.get(f"/journal?du={start}").text
    assert f"/journal/entree/{ids[3]}\"" in late and f"/journal/entree/{ids[0]}\"" not in late
    assert client.get("/journal?type=bidon").status_code == 200  # an unknown kind is no filter
    not_a_date = client.get("/journal?du=pas-une-date")
    assert not_a_date.status_code == 400 and "« pas-une-date » n'est pas une date" in shown(not_a_date)


def test_hostile_message_is_inert_everywhere(browser, seeker_with_entries):
    person, ids = seeker_with_entries
    client = login(browser(), person)
    for path in ("/journal", f"/journal/entree/{ids[3]}"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>gras</b>" not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;" in html


def test_source_message_and_original(browser, seeker_with_entries, web_runtime):
    person, ids = seeker_with_entries
    client = login(browser(), person)
    with transaction(web_runtime.factory) as session:
        session.get(Event, ids[0]).demarche, session.get(Event, ids[1]).demarche = "Q14", "Q16"
    page = shown(client.get(f"/journal/entree/{ids[1]}"))
    assert "recrutement@example.fr" in page and "Merci pour votre candidature" in page
    labels = re.findall(r"<dt>([^<]*)</dt>", page)
    assert {"De", "À", "Objet", "Date"} <= set(labels) and not {"From", "To", "Subject"} & set(labels)
    acknowledged = date.today() - timedelta(days=19)
    assert re.search(rf"<dt>Date</dt><dd>{acknowledged:%d/%m/%Y} \d\d:\d\d</dd>", page), "the Date header in words"
    assert "Q16 — Suivi de ses candidatures et relance des recruteurs" in page
    assert "Démarche Q14 (Réponse à des offres d&#39;emploi)" in client.get("/journal").text
    assert "<dt>From</dt>" in shown(client.get(f"/journal/entree/{ids[1]}?lang=en"))
    assert "Démarche Q14 (Replying to job offers)" in client.get("/journal?lang=en").text
    original = client.get(f"/journal/entree/{ids[1]}/original.eml")
    assert original.status_code == 200
    assert original.headers["content-type"].startswith("message/rfc822")
    assert original.headers["content-disposition"].startswith("attachment")
    assert b"Message-ID:" in original.content


def test_the_demarche_labels_are_france_travails():
    from carnet.store.demarches import DEMARCHES

    from carnet.web.templating import demarche_label

    assert {code: demarche_label(code) for code in DEMARCHES} == {code: row[2] for code, row in DEMARCHES.items()}
    assert demarche_label("Q99") == "" and demarche_label(None, "en") == ""


def test_reviews_are_chained_and_verify_passes(browser, seeker_with_entries, web_runtime):
    person, ids = seeker_with_entries
    client = login(browser(), person)
    assert post(client, f"/journal/entree/{ids[0]}/confirmer").status_code == 303
    assert post(client, f"/journal/entree/{ids[3]}/ecarter", {"reason": "not_mine"}).status_code == 303
    corrected = post(client, f"/journal/entree/{ids[1]}/corriger",
                     {"kind": "acknowledgement", "company": "Decathlon SE", "position": "Vendeur"})
    assert corrected.headers["location"].endswith("fait=corrected")
    page = shown(client.get("/journal"))
    assert "Decathlon SE" in page and "corrigé par vous" in page and "trouvé par Carnet" in page
    assert "écarté : pas la mienne" in page
    review_of = re.compile(r"<dt>Votre avis</dt><dd>([^<,]*),")
    assert review_of.findall(shown(client.get(f"/journal/entree/{ids[1]}"))) == ["corrigée par vous"]
    assert review_of.findall(shown(client.get(f"/journal/entree/{ids[3]}"))) == ["écartée par vous : pas la mienne"]
    assert review_of.findall(shown(client.get(f"/journal/entree/{ids[0]}"))) == ["confirmée par vous"]
    with transaction(web_runtime.factory) as session:
        event = session.get(Event, ids[1])
        assert event.company == "Decathlon" and event.position == "Vendeur conseil"  # the machine's original
        rows = list(session.scalars(select(Review).order_by(Review.seq)))
        assert [r.action for r in rows] == ["confirm", "not_mine", "correct"]
        assert rows[2].author == person.email and json.loads(rows[2].changes) == {"company": "Decathlon SE",
                                                                                  "position": "Vendeur"}
        [report] = verify_chains(session)
        assert report.intact, [b.describe() for b in report.breaks]


def test_verify_catches_a_rewritten_review(browser, seeker_with_entries, web_runtime):
    person, ids = seeker_with_entries
    client = login(browser(), person)
    post(client, f"/journal/entree/{ids[3]}/ecarter", {"reason": "not_application"})
    post(client, f"/journal/entree/{ids[0]}/confirmer")
    with transaction(web_runtime.factory) as session:
        first = session.scalars(select(Review).order_by(Review.seq)).first()
        first.action = "confirm"  # someone turns the dismissal into a confirmation
    with transaction(web_runtime.factory) as session:
        [report] = verify_chains(session)
        assert [b.kind for b in report.breaks] == ["review_changed"]
        first = session.scalars(select(Review).order_by(Review.seq)).first()
        first.hash = review_hash(first.prev_hash, review_content(first))  # ... and re-hashes it
    with transaction(web_runtime.factory) as session:
        [report] = verify_chains(session)
        assert "review_inserted" in [b.kind for b in report.breaks]


def test_declared_entry_is_shown_as_without_proof(browser, make_account):
    client = login(browser(), make_account())
    future = post(client, "/journal/declarer", {"date": (date.today() + timedelta(days=3)).isoformat(),
                                                "company": "Boulangerie Paul"})
    assert future.status_code == 400
    made = post(client, "/journal/declarer", {"date": date.today().isoformat(), "company": "Boulangerie Paul",
                                              "position": "Vendeuse", "channel": "en personne",
                                              "application_type": "spontaneous"})
    assert made.status_code == 303
    page = shown(client.get("/journal"))
    assert "Boulangerie Paul" in page and "Déclaré, sans preuve" in page
    review_id = re.search(r'/journal/declaration/(\d+)/retirer', page).group(1)
    assert post(client, f"/journal/declaration/{review_id}/retirer").status_code == 303
    assert "Boulangerie Paul" not in shown(client.get("/journal"))


def test_strangers_get_404_on_every_entry_route(browser, seeker_with_entries, make_account):
    _, ids = seeker_with_entries
    stranger = login(browser(), make_account())
    entry = ids[1]
    assert stranger.get(f"/journal/entree/{entry}").status_code == 404
    assert stranger.get(f"/journal/entree/{entry}/original.eml").status_code == 404
    for action, data in (("confirmer", {}), ("ecarter", {"reason": "not_mine"}),
                         ("corriger", {"kind": "offer", "company": "x", "position": "y"})):
        assert post(stranger, f"/journal/entree/{entry}/{action}", data).status_code == 404
    assert "Decathlon" not in stranger.get("/journal").text


def test_long_logbooks_are_paged_with_the_filters_kept(browser, make_account, web_runtime):
    person = make_account()
    with transaction(web_runtime.factory) as session:
        mailbox = mailbox_for(session, person.seeker_id)
        add_entries(session, mailbox, [Entry("application", date(2026, 1, 1) + timedelta(days=i), company=f"Firme {i}")
                                       for i in range(PAGE_SIZE + 5)])
    client = login(browser(), person)
    first = shown(client.get("/journal?type=application"))
    assert f"Firme {PAGE_SIZE + 4}" in first and "Firme 0 " not in first and "Firme 0<" not in first
    assert 'href="?type=application&amp;page=2"' in client.get("/journal?type=application").text
    second = shown(client.get("/journal?type=application&page=2"))
    assert "Firme 0" in second and f"Firme {PAGE_SIZE + 4}" not in second
    assert client.get("/journal?page=99").status_code == 200


def test_entries_in_doubt_form_a_review_queue_kept_out_of_exports(browser, seeker_with_entries, web_runtime,
                                                                 tmp_path):
    person, ids = seeker_with_entries
    with transaction(web_runtime.factory) as session:
        session.get(Event, ids[2]).in_doubt = True
    client = login(browser(), person)
    page = shown(client.get("/journal"))
    assert "1 entrée(s) à vérifier" in page and '<span class="badge doubt">À vérifier</span>' in page
    queue = client.get("/journal?a_verifier=1").text
    assert f"/journal/entree/{ids[2]}\"" in queue and f"/journal/entree/{ids[1]}\"" not in queue
    assert "n'est pas sûr" in shown(client.get(f"/journal/entree/{ids[2]}"))

    def exported() -> str:
        period = {"du": (date.today() - timedelta(days=60)).isoformat(), "au": date.today().isoformat()}
        with zipfile.ZipFile(io.BytesIO(client.get("/export/carnet.zip", params=period).content)) as archive:
            return archive.read("logbook.csv").decode()

    assert f"\n{ids[2]}," not in exported()
    post(client, f"/journal/entree/{ids[2]}/confirmer")
    assert f"\n{ids[2]}," in exported()
    assert f"/journal/entree/{ids[2]}\"" not in client.get("/journal?a_verifier=1").text
