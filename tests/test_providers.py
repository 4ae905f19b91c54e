"""The providers table: every preset complete, and an address finds its provider."""

from __future__ import annotations

import pytest
from carnet.config.providers import LoginKind, for_address, providers
from carnet.ingest.connection import SECURITY_MODES

REQUIRED = ("gmail", "outlook", "yahoo", "icloud", "orange", "free", "sfr", "laposte", "bouygues", "other")


def test_every_required_provider_is_listed() -> None:
    assert set(REQUIRED) <= set(providers())


@pytest.mark.parametrize("key", REQUIRED)
def test_preset_is_complete(key: str) -> None:
    provider = providers()[key]
    assert provider.security in SECURITY_MODES
    assert 0 < provider.port < 65536
    assert provider.logins
    assert provider.steps_in("fr") and provider.steps_in("en")
    assert (provider.host == "") == (key == "other")
    assert (LoginKind.OAUTH in provider.logins) == (provider.oauth is not None)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("lea@hotmail.fr", "outlook"),
        ("Paul@GMAIL.com", "gmail"),
        ("x@wanadoo.fr", "orange"),
        ("y@laposte.net", "laposte"),
    ],
)
def test_address_finds_its_provider(address: str, key: str) -> None:
    found = for_address(address)
    assert found is not None and found.key == key


def test_unknown_domain_finds_none() -> None:
    assert for_address("contact@example.org") is None


def test_outlook_needs_oauth() -> None:
    assert providers()["outlook"].logins == (LoginKind.OAUTH,)
