"""The seeker's figures: counts, reply rate, median delay, by channel and type, and the accessible weekly chart."""

from __future__ import annotations

from datetime import date

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
