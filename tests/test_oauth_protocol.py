"""Microsoft's and Google's protocol specifics, against recorded exchanges replayed by `responses`.

The answers are shaped as the providers send them (field names, error codes, the
AADSTS descriptions); what Carnet sends is checked in each request: scopes,
tenant, PKCE verifier against its challenge, client secret only for Google. The
same code runs against the local authorization server over real IMAP in
test_oauth_imap.py.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import urllib.request
from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import responses
from carnet.config.settings import SettingsError, load_settings
from carnet.ingest.connection import ImapError

from carnet.oauth.authcode import begin, finish
from carnet.oauth.device import start_device_flow, wait_device_flow
from carnet.oauth.loopback import loopback_grant
from carnet.oauth.providers import OAuthKind, OAuthNotConfigured, configured, provider_for
from carnet.oauth.tokens import Grant, GrantRevoked, TokenEndpointFailed, refresh

MS = "https://login.microsoftonline.com"
IMAP_SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All"
GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
LABEL = "lea@outlook.fr@outlook.office365.com:993"


def settings(**values: str):
    env = {"CARNET_MICROSOFT_CLIENT_ID": "9e5f94bc-e8a4-4e73-b8be-63364c29d753",
           "CARNET_GOOGLE_CLIENT_ID": "1234-abc.apps.googleusercontent.com",
           "CARNET_GOOGLE_CLIENT_SECRET": "GOCSPX-recorded", "CARNET_CONFIG": "/nonexistent.toml", **values}
    return load_settings(env)


def openid_configuration(tenant: str = "common") -> dict:
    """As login.microsoftonline.com serves it (trimmed to what a client reads)."""
    base = f"{MS}/{tenant}"
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": "https://login.microsoftonline.com/{tenantid}/v2.0",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "tenant_region_scope": None,
        "cloud_instance_name": "microsoftonline.com",
    }


def ms_tokens(refresh_token: str = "M.C532_BAY.0.U.-CqLmR9recorded") -> dict:
    return {"token_type": "Bearer", "scope": IMAP_SCOPE, "expires_in": 3962, "ext_expires_in": 3962,
            "access_token": "EwBwA8l6BAAUbDba3x2OMJElkF7gJ4z/VbCPEZ0AAc5recorded", "refresh_token": refresh_token}


def form(call: responses.Call) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


# -- providers as data -----------------------------------------------------------------


def test_microsoft_endpoints_follow_the_authority_and_tenant() -> None:
    provider = provider_for(settings(CARNET_MICROSOFT_TENANT="consumers"), "microsoft")
    assert provider.token_url == f"{MS}/consumers/oauth2/v2.0/token"
    assert provider.device_url == f"{MS}/consumers/oauth2/v2.0/devicecode"
    assert provider.scopes == (IMAP_SCOPE, "offline_access")
    assert provider.msal_scopes == [IMAP_SCOPE]  # msal adds offline_access itself and refuses it given
    assert (provider.mail.host, provider.mail.port) == ("outlook.office365.com", 993)
    sovereign = provider_for(settings(CARNET_MICROSOFT_AUTHORITY="https://login.microsoftonline.us/"), "microsoft")
    assert sovereign.authority == "https://login.microsoftonline.us/common"


def test_google_asks_for_gmail_and_offline_access() -> None:
    provider = provider_for(settings(), "google")
    assert provider.scopes == ("https://mail.google.com/",)
    assert dict(provider.authorize_params) == {"access_type": "offline", "prompt": "consent"}
    assert provider.mail.host == "imap.gmail.com"


def test_with_no_client_id_no_provider_is_offered_and_each_says_which_setting() -> None:
    bare = load_settings({"CARNET_CONFIG": "/nonexistent.toml"})
    assert configured(bare) == {}
    with pytest.raises(OAuthNotConfigured, match="CARNET_MICROSOFT_CLIENT_ID"):
        provider_for(bare, "microsoft")
    with pytest.raises(OAuthNotConfigured, match="CARNET_GOOGLE_CLIENT_SECRET"):
        provider_for(bare, "google")
    with pytest.raises(OAuthNotConfigured, match="yahoo"):
        provider_for(bare, "yahoo")


@pytest.mark.parametrize("env, setting", [
    ({"CARNET_MICROSOFT_AUTHORITY": "http://login.example"}, "CARNET_MICROSOFT_AUTHORITY"),
    ({"CARNET_MICROSOFT_AUTHORITY": "https://login.example/common"}, "CARNET_MICROSOFT_AUTHORITY"),
    ({"CARNET_MICROSOFT_TENANT": "contoso.onmicrosoft.com/x"}, "CARNET_MICROSOFT_TENANT"),
    ({"CARNET_GOOGLE_CLIENT_ID": "1234.apps.googleusercontent.com"}, "CARNET_GOOGLE_CLIENT_SECRET"),
    ({"CARNET_GOOGLE_CLIENT_SECRET": "GOCSPX-x"}, "CARNET_GOOGLE_CLIENT_ID"),
    ({"CARNET_MICROSOFT_CLIENT_ID": "9e5f94bc e8a4"}, "CARNET_MICROSOFT_CLIENT_ID"),
])
def test_wrong_oauth_settings_stop_with_one_line_naming_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({"CARNET_CONFIG": "/nonexistent.toml", **env})
    assert str(error.value).startswith(setting) and "\n" not in str(error.value)


def test_the_google_secret_never_shows_in_settings_repr() -> None:
    assert "GOCSPX-recorded" not in repr(settings())


# -- Microsoft: device code through msal --------------------------------------------------


@responses.activate
def test_microsoft_device_code_polls_until_consent() -> None:
    provider = provider_for(settings(), "microsoft")
    responses.get(f"{MS}/common/v2.0/.well-known/openid-configuration", json=openid_configuration())
    responses.post(f"{MS}/common/oauth2/v2.0/devicecode", json={
        "user_code": "F3K9QXYZ", "device_code": "DAQABAAEAAAD--DLA3VO7QrddgJg7WevrRecorded",
        "verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900, "interval": 1,
        "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter "
                   "the code F3K9QXYZ to authenticate."})
    token_url = f"{MS}/common/oauth2/v2.0/token"
    responses.post(token_url, status=400, json={
        "error": "authorization_pending", "error_codes": [70016],
        "error_description": "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. "
                             "Continue polling.\r\nTrace ID: 0000\r\nCorrelation ID: 0000"})
    responses.post(token_url, json=ms_tokens())

    code = start_device_flow(provider, settings(), LABEL)
    assert (code.user_code, code.verification_uri, code.expires_in) == (
        "F3K9QXYZ", "https://microsoft.com/devicelogin", 900)
    grant = wait_device_flow(code, LABEL)

    asked = form(next(c for c in responses.calls if c.request.url.endswith("/devicecode")))
    assert asked["client_id"] == provider.client_id
    assert {IMAP_SCOPE, "offline_access"} <= set(asked["scope"].split())
    polls = [form(c) for c in responses.calls if c.request.url == token_url]
    assert len(polls) == 2
    assert all(p["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code" for p in polls)
    assert all(p["device_code"] == "DAQABAAEAAAD--DLA3VO7QrddgJg7WevrRecorded" for p in polls)
    assert "client_secret" not in polls[0]
    assert grant.refresh_token == "M.C532_BAY.0.U.-CqLmR9recorded" and grant.lifetime == 3962


@responses.activate
def test_microsoft_device_code_declined_is_one_typed_failure() -> None:
    provider = provider_for(settings(), "microsoft")
    responses.get(f"{MS}/common/v2.0/.well-known/openid-configuration", json=openid_configuration())
    responses.post(f"{MS}/common/oauth2/v2.0/devicecode", json={
        "user_code": "F3K9QXYZ", "device_code": "DAQ", "verification_uri": "https://microsoft.com/devicelogin",
        "expires_in": 900, "interval": 1})
    responses.post(f"{MS}/common/oauth2/v2.0/token", status=400, json={
        "error": "authorization_declined", "error_codes": [70000],
        "error_description": "AADSTS70000: The user declined to authorize the application."})
    with pytest.raises(TokenEndpointFailed) as failed:
        wait_device_flow(start_device_flow(provider, settings(), LABEL), LABEL)
    assert "authorization_declined" in str(failed.value) and LABEL in str(failed.value)


@responses.activate
def test_an_unreachable_authority_fails_as_a_network_error() -> None:
    provider = provider_for(settings(), "microsoft")
    responses.get(f"{MS}/common/v2.0/.well-known/openid-configuration", body=requests.ConnectionError("refused"))
    with pytest.raises(TokenEndpointFailed) as failed:
        start_device_flow(provider, settings(), LABEL)
    assert failed.value.retryable


# -- Microsoft: authorization code with PKCE (web), through msal ------------------------------------


@responses.activate
def test_microsoft_authorization_code_sends_the_pkce_verifier_of_its_challenge() -> None:
    provider = provider_for(settings(), "microsoft")
    responses.get(f"{MS}/common/v2.0/.well-known/openid-configuration", json=openid_configuration())
    responses.post(f"{MS}/common/oauth2/v2.0/token", json=ms_tokens())
    started = begin(provider, settings(), "https://carnet.example/boite/oauth/microsoft/callback", "lea@outlook.fr",
                    LABEL)
    url = urlsplit(started.url)
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{MS}/common/oauth2/v2.0/authorize"
    assert query["code_challenge_method"] == "S256" and query["login_hint"] == "lea@outlook.fr"
    assert {IMAP_SCOPE, "offline_access"} <= set(query["scope"].split())

    grant = finish(provider, settings(), started.pending, {"code": "M.C532_code", "state": query["state"]}, LABEL)
    exchange = form(responses.calls[-1])
    assert exchange["grant_type"] == "authorization_code" and exchange["code"] == "M.C532_code"
    assert s256(exchange["code_verifier"]) == query["code_challenge"]
    assert exchange["redirect_uri"] == "https://carnet.example/boite/oauth/microsoft/callback"
    assert grant.access_token.startswith("EwBwA8l6")


# -- Google: authorization code with PKCE, through authlib ------------------------------------


def google_token_endpoint(challenge: dict[str, str], answer: dict) -> None:
    """Google's token endpoint: checks the verifier against the challenge the URL carried."""

    def exchange(request):
        body = {key: values[0] for key, values in parse_qs(request.body).items()}
        if s256(body.get("code_verifier", "")) != challenge["value"]:
            return 400, {}, '{"error": "invalid_grant", "error_description": "Invalid code verifier."}'
        import json
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    responses.add_callback(responses.POST, GOOGLE_TOKEN, callback=exchange)


GOOGLE_TOKENS = {"access_token": "ya29.a0AfB_byCrecorded", "expires_in": 3599, "refresh_token": "1//0gLrecorded",
                 "scope": "https://mail.google.com/", "token_type": "Bearer"}


@responses.activate
def test_google_authorization_code_with_pkce_and_offline_access() -> None:
    provider = provider_for(settings(), "google")
    challenge: dict[str, str] = {}
    google_token_endpoint(challenge, GOOGLE_TOKENS)
    started = begin(provider, settings(), "http://127.0.0.1:8765/", "lea@gmail.com", "lea@gmail.com@imap.gmail.com")
    url = urlsplit(started.url)
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://accounts.google.com/o/oauth2/v2/auth"
    assert (query["scope"], query["access_type"], query["prompt"]) == ("https://mail.google.com/", "offline",
                                                                        "consent")
    assert (query["response_type"], query["code_challenge_method"]) == ("code", "S256")
    assert query["login_hint"] == "lea@gmail.com" and query["client_id"] == provider.client_id
    challenge["value"] = query["code_challenge"]

    grant = finish(provider, settings(), started.pending, {"code": "4/0AeanS0recorded", "state": query["state"],
                                                           "scope": "https://mail.google.com/"}, LABEL)
    exchange = form(responses.calls[-1])
    assert exchange["client_secret"] == "GOCSPX-recorded" and exchange["code"] == "4/0AeanS0recorded"
    assert grant.refresh_token == "1//0gLrecorded" and grant.lifetime == 3599


def test_a_callback_with_another_state_or_a_refusal_is_refused_before_any_exchange() -> None:
    provider = provider_for(settings(), "google")
    started = begin(provider, settings(), "http://127.0.0.1:8765/", "lea@gmail.com", LABEL)
    with pytest.raises(GrantRevoked) as wrong:
        finish(provider, settings(), started.pending, {"code": "4/0A", "state": "forged"}, LABEL)
    assert wrong.value.key == "oauth_state"
    with pytest.raises(GrantRevoked) as declined:
        finish(provider, settings(), started.pending, {"error": "access_denied", "state": started.pending["state"]},
               LABEL)
    assert declined.value.key == "oauth_declined" and "access_denied" in str(declined.value)


@responses.activate
def test_google_loopback_redirect_for_the_command_line() -> None:
    provider = provider_for(settings(), "google")
    challenge: dict[str, str] = {}
    google_token_endpoint(challenge, GOOGLE_TOKENS)
    shown: list[str] = []

    def browser(url: str) -> None:
        """The seeker opens the address; Google sends the browser back to the loopback redirect."""
        shown.append(url)
        query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        challenge["value"] = query["code_challenge"]
        back = f"{query['redirect_uri']}?{urlencode({'state': query['state'], 'code': '4/0AeanS0recorded'})}"
        threading.Thread(target=lambda: urllib.request.urlopen(back, timeout=10).read()).start()

    grant = loopback_grant(provider, settings(), "lea@gmail.com", browser, LABEL, wait=30)
    redirect = parse_qs(urlsplit(shown[0]).query)["redirect_uri"][0]
    assert urlsplit(redirect).hostname == "127.0.0.1"
    assert form(responses.calls[-1])["redirect_uri"] == redirect
    assert grant.access_token == "ya29.a0AfB_byCrecorded"


# -- refreshing ------------------------------------------------------------------------------


@responses.activate
def test_microsoft_refresh_is_a_public_client_exchange_and_rotates_the_refresh_token() -> None:
    provider = provider_for(settings(), "microsoft")
    responses.post(provider.token_url, json=ms_tokens("M.C532_BAY.0.U.-rotated"))
    grant = refresh(provider, "M.C532_BAY.0.U.-old", settings(), LABEL)
    sent = form(responses.calls[0])
    assert sent["grant_type"] == "refresh_token" and sent["refresh_token"] == "M.C532_BAY.0.U.-old"
    assert sent["client_id"] == provider.client_id and "client_secret" not in sent
    assert set(sent["scope"].split()) == {IMAP_SCOPE, "offline_access"}
    assert grant.refresh_token == "M.C532_BAY.0.U.-rotated"


@responses.activate
def test_google_refresh_sends_the_secret_and_keeps_the_refresh_token() -> None:
    provider = provider_for(settings(), "google")
    responses.post(GOOGLE_TOKEN, json={k: v for k, v in GOOGLE_TOKENS.items() if k != "refresh_token"})
    grant = refresh(provider, "1//0gLrecorded", settings(), LABEL)
    assert form(responses.calls[0])["client_secret"] == "GOCSPX-recorded"
    assert grant.refresh_token == "1//0gLrecorded"  # Google does not rotate it: the stored one stays


@responses.activate
@pytest.mark.parametrize("answer", [
    {"error": "invalid_grant", "error_description": "AADSTS700082: The refresh token has expired due to inactivity."},
    {"error": "invalid_grant", "error_description": "AADSTS50173: The provided grant has expired due to it being "
                                                    "revoked, a fresh auth token is needed."},
    {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},  # Google's words
])
def test_a_refused_refresh_token_means_a_new_link(answer: dict) -> None:
    provider = provider_for(settings(), "microsoft")
    responses.post(provider.token_url, status=400, json=answer)
    with pytest.raises(GrantRevoked) as revoked:
        refresh(provider, "M.C532_old", settings(), LABEL)
    assert not revoked.value.retryable and LABEL in str(revoked.value)


@responses.activate
@pytest.mark.parametrize("kwargs", [
    {"status": 503, "body": "<html><body>Service Unavailable</body></html>", "content_type": "text/html"},
    {"body": requests.ConnectionError("connection reset")},
    {"status": 400, "json": {"error": "temporarily_unavailable", "error_description": "AADSTS90033"}},
])
def test_a_token_endpoint_outage_is_retried_later(kwargs: dict) -> None:
    provider = provider_for(settings(), "microsoft")
    responses.post(provider.token_url, **kwargs)
    with pytest.raises(TokenEndpointFailed) as failed:
        refresh(provider, "M.C532_old", settings(), LABEL)
    assert failed.value.retryable and isinstance(failed.value, ImapError)
    assert "M.C532_old" not in str(failed.value)


@pytest.mark.parametrize("lifetime, left, fresh", [(3600, 400, True), (3600, 200, False), (8, 2.5, True),
                                                   (8, 1.5, False), (3600, 0, False)])
def test_a_token_is_refreshed_before_the_last_quarter_of_its_life_or_five_minutes(
        lifetime: float, left: float, fresh: bool) -> None:
    grant = Grant("token", expires_at=1000.0 + left, lifetime=lifetime)
    assert grant.fresh(now=1000.0) is fresh


def test_tokens_never_show_in_a_repr() -> None:
    grant = Grant("ya29.secret", 1.0, 1.0, "1//secret")
    assert "secret" not in repr(grant)
    assert "secret" not in repr(replace(provider_for(settings(), "google"), client_secret="GOCSPX-secret"))
    assert OAuthKind("google") is OAuthKind.GOOGLE
