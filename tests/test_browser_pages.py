"""axe-core on every page of the app, for each role, in French and in English, and on the error pages.

The pages come from the app's own routes (every GET route that renders HTML), so
a page added later is checked without anyone remembering to list it: a route
this test cannot fill in fails the test until it is added to `PARAMETERS`.
"""

from __future__ import annotations

import pytest
from browserkit import check_accessible, sign_in
from playwright.sync_api import Page

from carnet.web.app import create_app
from carnet.web.auth import api_routes, declared_access

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NOT_PAGES = ("/healthz", "/", ".eml", ".zip", "/callback")
ROLE_OF = {"require_seeker": "seeker", "require_counsellor": "counsellor", "require_operator": "operator",
           "_public": "public"}
PROVIDER_KEYS = ("gmail", "outlook", "orange", "other")


def page_routes() -> dict[str, list[str]]:
    """GET routes that render a page, by the role that may see them."""
    by_role: dict[str, list[str]] = {}
    for route in api_routes(create_app()):
        if "GET" not in route.methods or route.path == "/" or route.path.endswith(NOT_PAGES):
            continue
        role = next(ROLE_OF[name] for name in declared_access(route) if name in ROLE_OF)
        by_role.setdefault(role, []).append(route.path)
    return by_role


def fill(path: str, world) -> list[str]:
    values = {"{seeker_id}": str(world.seeker_id), "{event_id}": str(world.event_ids[1])}
    for name, value in values.items():
        path = path.replace(name, value)
    if "{key}" in path:
        return [path.replace("{key}", key) for key in PROVIDER_KEYS]
    assert "{" not in path, f"the accessibility walk cannot fill in {path}: add its parameter to fill()"
    return [path]


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    check_accessible(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_has_no_serious_accessibility_violation(new_page, seeded_world, lang):
    routes = page_routes()
    assert set(routes) == {"public", "seeker", "counsellor", "operator"}, routes
    for path in routes["public"]:
        page = new_page()
        visit(page, f"{path}?lang={lang}")
    for role, person in (("seeker", seeded_world.seeker), ("counsellor", seeded_world.counsellor),
                         ("operator", seeded_world.operator)):
        page = new_page()
        page.goto(f"/login?lang={lang}")
        sign_in(page, person["email"], person["password"])
        for path in routes[role]:
            for filled in fill(path, seeded_world):
                visit(page, filled)


def test_error_and_form_states_have_no_serious_accessibility_violation(new_page, seeded_world):
    page = new_page()
    page.goto("/login")
    page.fill("#email", seeded_world.seeker["email"])
    page.fill("#password", "pas le bon")
    page.press("#password", "Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").count() == 1
    check_accessible(page)
    sign_in(page, seeded_world.seeker["email"], seeded_world.seeker["password"])
    assert page.goto("/journal/entree/999999").status == 404
    check_accessible(page)
    page.goto("/partage")
    page.fill("#counsellor-code", "ZZZZ-ZZZZ")
    page.press("#counsellor-code", "Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").count() == 1
    check_accessible(page)
    counsellor = new_page()
    sign_in(counsellor, seeded_world.counsellor["email"], seeded_world.counsellor["password"])
    counsellor.get_by_role("button", name="Créer un code").click()
    counsellor.wait_for_load_state()
    assert counsellor.locator(".code").count() == 1
    check_accessible(counsellor)
