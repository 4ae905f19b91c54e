"""The seeker's figures: counts, reply rate, median delay, by channel and type, and the accessible weekly chart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from carnet.store.db import transaction
from carnet.store.metrics import seeker_metrics
from entrykit import Entry, add_entries, mailbox_for
from webkit import login, post, shown


@pytest.fixture
def seeker_with_history(web_runtime, make_account):
    """Three applications in October 2026: one answered after 4 days, one after 10, one never; a dismissed reply."""
    person = make_account()
    with transaction(web_runtime.factory) as session:
        mailbox = mailbox_for(session, person.seeker_id)
        events = add_entries(session, mailbox, [
            Entry("application", date(2026, 10, 5), company="A"),
            Entry("acknowledgement", date(2026, 10, 9), company="A"),
            Entry("application", date(2026, 10, 12), company="B"),
            Entry("interview", date(2026, 10, 22), company="B"),
            Entry("application", date(2026, 10, 19), company="C"),
            Entry("rejection", date(2026, 10, 20), company="C"),
        ])
        for reply, application in ((1, 0), (3, 2), (5, 4)):
            events[reply].application_id = events[application].application_id
        ids = [event.id for event in events]
    return person, ids


def test_figures_follow_reviews(browser, seeker_with_history, web_runtime):
    person, ids = seeker_with_history
    client = login(browser(), person)
    post(client, f"/journal/entree/{ids[5]}/ecarter", {"reason": "not_mine"})
    post(client, "/journal/declarer", {"date": "2026-10-14", "company": "D", "application_type": "spontaneous"})
    with transaction(web_runtime.factory) as session:
        figures = seeker_metrics(session, person.seeker_id, date(2026, 10, 1), date(2026, 10, 31))
    assert (figures.sent, figures.declared, figures.replies, figures.answered) == (4, 1, 2, 2)
    assert figures.rate == 0.5 and figures.median_days == 7
    assert figures.by_type["ad_response"].sent == 3 and figures.by_type["spontaneous"].sent == 1
    assert figures.by_channel["email"].answered == 2
    assert [(w.monday, w.sent, w.replies) for w in figures.weeks] == [
        (date(2026, 9, 28), 0, 0), (date(2026, 10, 5), 1, 1), (date(2026, 10, 12), 2, 0),
        (date(2026, 10, 19), 1, 1), (date(2026, 10, 26), 0, 0)]


def test_page_has_an_accessible_chart_and_table(browser, seeker_with_history):
    person, _ = seeker_with_history
    page = shown(login(browser(), person).get("/bilan?du=2026-10-01&au=2026-10-31"))
    assert '<svg class="chart"' in page and 'role="img"' in page and 'aria-labelledby="svg-title svg-desc"' in page
    assert "<title id=\"svg-title\">" in page and "<desc id=\"svg-desc\">" in page
    assert "<caption>Détail par semaine</caption>" in page
    assert "<strong>100 %</strong>" in page  # all three applications answered
    assert "réponse à une offre" in page


def test_period_is_bounded_and_repaired(browser, make_account):
    client = login(browser(), make_account())
    assert client.get("/bilan?du=2026-12-01&au=2026-01-01").status_code == 200
    long = client.get("/bilan?du=1900-01-01&au=2026-12-31")
    assert long.status_code == 200 and long.text.count("<tr><th scope=\"row\">") < 120


def test_by_default_the_page_shows_the_period_that_holds_the_entries(browser, make_account, web_runtime):
    person = make_account()
    first = (date.today().replace(day=1) - timedelta(days=40)).replace(day=3)  # two months back
    with transaction(web_runtime.factory) as session:
        add_entries(session, mailbox_for(session, person.seeker_id), [
            Entry("application", first, company="A"), Entry("application", first + timedelta(days=2), company="B")])
    client = login(browser(), person)
    page = shown(client.get("/bilan"))
    assert f"Période : du 01/{first:%m/%Y} au" in page and "<strong>2</strong> candidatures envoyées" in page
    assert "Carnet a choisi celle qui contient vos entrées" in page
    assert f'name="du" type="date" required value="{first.replace(day=1).isoformat()}"' in client.get("/export").text


def test_the_default_period_starts_at_the_first_entrys_month_and_ends_with_this_one():
    from carnet.web.periods import Period, usual

    today = date(2026, 12, 4)
    assert usual(None, today) == Period(date(2026, 12, 1), date(2026, 12, 31), default=True)
    assert usual((date(2026, 10, 5), date(2026, 10, 27)), today) == Period(date(2026, 10, 1), date(2026, 12, 31),
                                                                         default=True)
    assert usual((date(2021, 3, 5), date(2026, 10, 27)), today).start == date(2025, 12, 1)
    assert usual((date(2026, 10, 5), date(2027, 2, 1)), today).end == date(2027, 2, 28)


@pytest.mark.parametrize("path", ["/bilan?du=abc", "/journal?au=2026-13-45", "/export?du=hier",
                                  "/export/carnet.zip?du=abc&au=2026-10-31"])
def test_a_date_filter_that_is_no_date_is_said_on_the_page(browser, make_account, path):
    response = login(browser(), make_account()).get(path)
    assert response.status_code == 400
    assert "n'est pas une date" in shown(response) and "Traceback" not in response.text


def test_replies_to_applications_made_elsewhere_count_in_the_reply_rate(browser, make_account, web_runtime):
    """Acknowledgements of applications made on a site (no application mail): each proves one application."""
    person = make_account()
    with transaction(web_runtime.factory) as session:
        mailbox = mailbox_for(session, person.seeker_id)
        events = add_entries(session, mailbox, [Entry("acknowledgement", date(2026, 10, day), company=f"Site {day}")
                                                for day in (2, 9, 16)] + [
            Entry("application", date(2026, 10, 5), company="Sans réponse"),
            Entry("application", date(2026, 10, 6), company="Répond"),
            Entry("rejection", date(2026, 10, 12), company="Répond")])
        events[5].application_id = events[4].application_id
        session.flush()
        figures = seeker_metrics(session, person.seeker_id, date(2026, 10, 1), date(2026, 10, 31))
    assert (figures.sent, figures.replies, figures.answered) == (5, 4, 4)
    assert figures.rate == 0.8 and figures.median_days == 6  # the three acknowledgements' delays are unknown
    page = shown(login(browser(), person).get("/bilan?du=2026-10-01&au=2026-10-31"))
    assert "<strong>80 %</strong> des candidatures de la période ont reçu une réponse" in page
