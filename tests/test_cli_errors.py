"""A command that cannot start says why in one sentence on stderr, never with a traceback."""

from __future__ import annotations

import pytest
from clikit import carnet

UNREACHABLE = "postgresql+psycopg://postgres:s3cr3t-pw@127.0.0.1:1/x"


def _one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("command", [["sync"], ["logbook"], ["serve", "--port", "1"], ["run"]])
def test_an_unreachable_database_is_one_sentence_naming_the_setting_and_where(command: list[str]) -> None:
    result = carnet(*command, env={"CARNET_DATABASE_URL": UNREACHABLE})
    line = _one_sentence(result.stderr)
    assert result.returncode == 2
    assert "CARNET_DATABASE_URL" in line and "127.0.0.1:1" in line
    assert "s3cr3t-pw" not in result.stderr + result.stdout


@pytest.mark.parametrize("url", ["postgresql+psycopg://u:s3cr3t-pw@host:notaport/x", "notaurl"])
def test_a_malformed_database_url_is_one_sentence_without_its_password(url: str) -> None:
    result = carnet("logbook", env={"CARNET_DATABASE_URL": url})
    line = _one_sentence(result.stderr)
    assert result.returncode == 2
    assert "CARNET_DATABASE_URL" in line
    assert "s3cr3t-pw" not in result.stderr + result.stdout
