"""Table tests of reply → application linking."""

from __future__ import annotations

from datetime import date

import pytest
from carnet.classify.linking import OpenApplication, Reply, link_reply

APPLICATIONS = [
    OpenApplication("a1", "Acme", "Data Analyst", date(2025, 3, 1), frozenset({"m1@me"})),
    OpenApplication("a2", "Acme", "Product Manager", date(2025, 3, 2), frozenset({"m2@me"})),
    OpenApplication("b1", "Globex SAS", "Développeur Python (H/F)", date(2025, 1, 10)),
    OpenApplication("c1", "Initech", None, date(2025, 2, 1)),
    OpenApplication("d1", "Umbrella", "Data Engineer", date(2024, 1, 5)),
    OpenApplication("e1", "Hooli", "Senior Data Analyst", date(2025, 3, 1)),
    OpenApplication("e2", "Hooli", "Data Analyst", date(2025, 3, 1)),
    OpenApplication("f1", "Vandelay", "Data Analyst Junior", date(2025, 3, 1)),
    OpenApplication("f2", "Vandelay", "Data Analyst Senior", date(2025, 3, 1)),
    OpenApplication("g1", "Northwind", "Junior Data Analyst", date(2025, 3, 1)),
    OpenApplication("h1", "Boulangerie Moreau Paris", "Vendeuse", date(2025, 3, 1)),
]

CASES = [
    # thread headers win, whatever the company says
    (Reply("Other", None, date(2025, 3, 5), in_reply_to="m2@me"), "a2"),
    (Reply(None, None, date(2025, 3, 5), references=("x@y", "m1@me")), "a1"),
    # same company, close position
    (Reply("ACME", "Data Analyst (H/F)", date(2025, 3, 20)), "a1"),
    (Reply("Globex", "Développeur Python", date(2025, 2, 1)), "b1"),
    # two roles at one company, no position: ambiguous
    (Reply("Acme", None, date(2025, 3, 20)), None),
    # one application at the company, no position on either side
    (Reply("Initech", None, date(2025, 2, 20)), "c1"),
    # one application with no position, reply names one: the only one open there
    (Reply("Initech", "Comptable", date(2025, 2, 20)), "c1"),
    # the company written longer or shorter links through a close position, never alone
    (Reply("Northwind Logistics", "Junior Data Analyst", date(2025, 3, 9)), "g1"),
    (Reply("Boulangerie Moreau", "Vendeuse (H/F)", date(2025, 3, 9)), "h1"),
    (Reply("Northwind Logistics", None, date(2025, 3, 9)), None),
    (Reply("Northwind Logistics", "Comptable", date(2025, 3, 9)), None),
    (Reply("Logistics Northwind", "Junior Data Analyst", date(2025, 3, 9)), None),
    # a different role is never merged
    (Reply("Globex", "Chef de projet", date(2025, 2, 1)), None),
    # outside the window
    (Reply("Umbrella", "Data Engineer", date(2025, 3, 1)), None),
    # before the application
    (Reply("Initech", None, date(2025, 1, 1)), None),
    # an exact title among close ones
    (Reply("Hooli", "Data Analyst", date(2025, 3, 10)), "e2"),
    # two equally close roles: no link
    (Reply("Vandelay", "Data Analyst", date(2025, 3, 10)), None),
    # unknown company
    (Reply("Nobody", "Data Analyst", date(2025, 3, 10)), None),
    (Reply(None, "Data Analyst", date(2025, 3, 10)), None),
]


@pytest.mark.parametrize(("reply", "expected"), CASES)
def test_link_reply(reply: Reply, expected: str | None) -> None:
    assert link_reply(reply, APPLICATIONS) == expected


def test_window_is_a_parameter() -> None:
    reply = Reply("Umbrella", "Data Engineer", date(2025, 3, 1))
    assert link_reply(reply, APPLICATIONS, window_days=500) == "d1"
