"""The web app's foundation: sign-up and sign-in, sessions, CSRF, headers, errors, access on every route."""

from __future__ import annotations

import logging

import pytest
from carnet.store.accounts import MAX_FAILURES_PER_ACCOUNT, Role
from carnet.store.models import WebSession
from fastapi import FastAPI
from fastapi.testclient import TestClient
from webkit import PASSWORD, csrf_of, form_token, login, post

from carnet.web.app import create_app
from carnet.web.auth import Public, api_routes, declared_access
from carnet.web.csrf import tokens_match


def test_healthz(browser):
    response = browser().get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"
    assert browser().head("/healthz").status_code == 200


@pytest.mark.parametrize(("role", "home"), [(Role.SEEKER, "/journal"), (Role.COUNSELLOR, "/conseiller"),
                                            (Role.OPERATOR, "/operateur")])
def test_login_lands_on_the_role_home(browser, make_account, role, home):
    client = browser()
    page = client.get("/login")
    assert 'name="email"' in page.text and 'name="password"' in page.text
    response = client.post("/login", data={"email": make_account(role).email.upper(), "password": PASSWORD,
                                           "csrf": form_token(page.text)})
    assert response.status_code == 303
    assert response.headers["location"] == home


def test_sign_up_then_logout_ends_the_session_server_side(browser, web_runtime):
    client = browser()
    response = post(client, "/inscription", {"email": "Lea@Example.org", "name": "Léa Martin",
                                             "password": PASSWORD, "password_again": PASSWORD})
    assert response.headers["location"] == "/journal"
    token = client.cookies.get("carnet_session")
    assert client.get("/journal").status_code == 200
    assert post(client, "/logout").status_code == 303
    with web_runtime.factory() as session:
        assert session.query(WebSession).count() == 0
    thief = browser()
    thief.cookies.set("carnet_session", token)
    assert thief.get("/journal").headers["location"].startswith("/login")


def test_sign_up_refusals_say_why(browser):
    client = browser()
    short = post(client, "/inscription", {"email": "a@b.fr", "password": "court", "password_again": "court"})
    assert short.status_code == 400 and "10 caractères" in short.text
    post(client, "/inscription", {"email": "a@b.fr", "password": PASSWORD, "password_again": PASSWORD})
    again = post(browser(), "/inscription", {"email": "A@b.fr", "password": PASSWORD, "password_again": PASSWORD})
    assert again.status_code == 400 and "existe déjà" in again.text


def test_wrong_password_then_throttled_per_account(browser, make_account):
    person = make_account()
    client = browser()
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        refused = post(client, "/login", {"email": person.email, "password": "pas le bon mot de passe"})
        assert refused.status_code == 401 and "incorrect" in refused.text
    throttled = post(browser(), "/login", {"email": person.email, "password": PASSWORD})
    assert throttled.status_code == 429 and "Trop de tentatives" in throttled.text


def test_throttled_per_address_across_accounts(browser, make_account, monkeypatch):
    monkeypatch.setattr("carnet.store.accounts.MAX_FAILURES_PER_ADDRESS", 3)
    client = browser()
    for number in range(3):
        post(client, "/login", {"email": f"nobody{number}@example.org", "password": "x" * 12})
    assert post(client, "/login", {"email": make_account().email, "password": PASSWORD}).status_code == 429


def test_cookies_flags_and_secure_off_loopback(web_app: FastAPI, make_account):
    person = make_account()
    for base, secure in (("http://127.0.0.1", False), ("https://carnet.example.org", True)):
        client = TestClient(web_app, base_url=base, follow_redirects=False)
        response = post(client, "/login", {"email": person.email, "password": PASSWORD})
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("carnet_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert ("Secure" in cookie) is secure


def test_csrf_required_on_every_state_changing_route(web_app: FastAPI, browser, make_account):
    client = login(browser(), make_account())
    unsafe = [(route.path, method) for route in api_routes(web_app) for method in route.methods - {"GET", "HEAD"}]
    assert unsafe
    for path, method in unsafe:
        concrete = path.replace("{", "").replace("}", "")
        for data in ({}, {"csrf": "x" * 43}):
            response = client.request(method, concrete, data=data)
            assert response.status_code in (403, 404), (method, path, response.status_code)
    assert client.get("/journal").status_code == 200  # still signed in: nothing happened


def test_csrf_token_comparison():
    token = "a" * 43
    assert tokens_match(token, token)
    assert not tokens_match(token, "b" * 43)
    assert not tokens_match(None, token)
    assert not tokens_match("short", "short")


def test_security_headers_on_every_kind_of_response(browser):
    client = browser()
    for path in ("/login", "/healthz", "/static/carnet.css", "/nulle-part", "/journal"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]


def test_not_found_page_is_plain(browser):
    response = browser().get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_a_crash_shows_no_stack_trace(web_runtime, caplog):
    app = create_app(runtime=web_runtime)

    @app.get("/boum")
    def boom(_: Public) -> None:
        secret = "mot-de-passe-123"
        raise RuntimeError(f"boom {secret}")

    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="carnet.web"):
        response = client.get("/boum")
    assert response.status_code == 500
    assert "Traceback" not in response.text and "mot-de-passe-123" not in response.text
    assert "RuntimeError" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_english_on_request(browser):
    client = browser()
    assert "Sign in" in client.get("/login?lang=en").text
    assert "Sign in" in client.get("/login").text  # remembered
    assert "Connexion" in client.get("/login?lang=fr").text


def test_every_route_declares_its_access(web_app: FastAPI):
    routes = api_routes(web_app)
    assert routes
    for route in routes:
        assert declared_access(route), route.path


def test_an_app_with_an_unprotected_route_refuses_to_start(web_runtime, monkeypatch):
    from fastapi import APIRouter

    from carnet.web import routes

    stray = APIRouter()
    stray.add_api_route("/ouvert", lambda: "ok")
    monkeypatch.setattr(routes, "ROUTERS", [*routes.ROUTERS, stray])
    monkeypatch.setattr("carnet.web.app.ROUTERS", [*routes.ROUTERS])
    with pytest.raises(RuntimeError, match="/ouvert"):
        create_app(runtime=web_runtime)


def test_no_password_or_token_in_pages(browser, make_account):
    person = make_account()
    client = login(browser(), person)
    token = client.cookies.get("carnet_session")
    page = client.get("/journal").text
    assert token not in page and PASSWORD not in page
    assert csrf_of(client) in page  # the CSRF token is meant to be in forms; the session token never


def test_every_page_text_exists_in_both_languages():
    from carnet.web.i18n import catalogue

    messages = catalogue()
    assert set(messages["fr"]) == set(messages["en"])


def test_seeker_pages_in_english(browser, make_account):
    client = login(browser(), make_account())
    for path in ("/journal", "/bilan", "/boite", "/boite/lier", "/boite/lier/gmail", "/boite/lier/other",
                 "/export", "/journal/declarer"):
        response = client.get(path, params={"lang": "en"})
        assert response.status_code == 200, path
        assert '<html lang="en">' in response.text, path


def test_times_are_shown_on_the_clock_of_paris():
    from datetime import UTC, datetime

    from carnet.web.templating import templates

    moment = templates.env.filters["moment"]
    assert moment(datetime(2026, 12, 4, 1, 12, tzinfo=UTC)) == "04/12/2026 02:12"  # winter: UTC+1
    assert moment(datetime(2026, 7, 1, 22, 30)) == "02/07/2026 00:30"  # summer, naive UTC from SQLite: UTC+2
    assert moment(datetime(2026, 7, 1, 22, 30), "en") == "2026-07-02 00:30"


def test_the_csrf_cookie_is_given_once_and_only_with_a_page(browser, make_account):
    client = browser()
    assert "set-cookie" not in client.get("/static/carnet.css").headers  # fetched beside the first page
    assert "set-cookie" not in client.get("/favicon.ico").headers
    first = client.get("/login")
    assert first.headers.get_list("set-cookie") and first.headers["set-cookie"].startswith("carnet_csrf=")
    for path in ("/login", "/static/carnet.css", "/login?lang=en"):
        assert not any(line.startswith("carnet_csrf=") for line in client.get(path).headers.get_list("set-cookie"))
    person = make_account()
    signed_in = post(client, "/login", {"email": person.email, "password": person.password})
    rotated = [line for line in signed_in.headers.get_list("set-cookie") if line.startswith("carnet_csrf=")]
    assert len(rotated) == 1  # the token signing in rotates, once


def test_the_pages_have_an_icon(browser):
    client = browser()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/login").text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    old_address = client.get("/favicon.ico")
    assert (old_address.status_code, old_address.headers["location"]) == (301, "/static/favicon.svg")
