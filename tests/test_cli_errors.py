"""A command that cannot start says why in one sentence on stderr, never with a traceback."""

from __future__ import annotations

import socket
from importlib.resources import files

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


def test_classify_of_a_folder_without_mail_says_so_and_fails(tmp_path) -> None:
    empty = tmp_path / "vide"
    empty.mkdir()
    result = carnet("classify", str(empty))
    assert result.returncode == 1 and result.stdout == ""
    assert "No message to classify in" in _one_sentence(result.stderr)


def test_import_of_a_missing_path_says_so_before_asking_for_whom() -> None:
    result = carnet("import", "/nope.mbox", env={"CARNET_LANG": "fr"})
    assert result.returncode == 1
    assert _one_sentence(result.stderr) == (
        "carnet: /nope.mbox n'existe pas : indiquez un fichier mbox, un fichier .eml, un dossier Maildir "
        "ou un dossier de fichiers .eml.")


def test_what_is_no_mailbox_is_said_in_the_language_of_the_command(tmp_path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("pas un mbox\n")
    result = carnet("import", "--seeker", "Léa", str(text), env={"CARNET_LANG": "fr"})
    assert result.returncode == 1 and "n'est ni un fichier mbox" in _one_sentence(result.stderr)
    wrong_format = carnet("logbook", "--format", "xml", env={"CARNET_LANG": "fr"})
    assert "« xml » n'est pas un format" in _one_sentence(wrong_format.stderr)


def test_one_eml_file_imports_and_the_logbook_says_its_proof_in_words() -> None:
    eml = str(files("carnet.demo") / "mail" / "inbox-08-entretien-atelier.eml")
    result = carnet("import", "--seeker", "Léa", "--me", "lea.martin@example.org", eml)
    assert result.returncode == 0, result.stderr
    assert "1 message(s) read, 1 new" in result.stdout
    table = carnet("logbook").stdout
    assert "L'Atelier Numérique" in table and "not verified" in table and "│ none " not in table


@pytest.mark.parametrize("command", [["sync", "--mailbox", "99"], ["logbook", "--mailbox", "99"]])
def test_an_unknown_mailbox_is_said(command: list[str]) -> None:
    result = carnet(*command)
    assert result.returncode == 1 and _one_sentence(result.stderr) == "carnet: Unknown mailbox 99."


def test_serve_on_a_port_in_use_is_one_sentence() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = carnet("serve", "--port", str(port))
    assert result.returncode == 1
    assert _one_sentence(result.stderr) == (
        f"carnet: Port {port} on 127.0.0.1 is already taken by another program: choose another one with --port.")


@pytest.mark.parametrize(("lang", "word"), [("fr", "entier"), ("en", "whole")])
def test_a_bad_setting_is_one_sentence_in_the_operators_language(lang: str, word: str) -> None:
    result = carnet("logbook", env={"CARNET_BATCH_SIZE": "abc", "CARNET_LANG": lang})
    line = _one_sentence(result.stderr)
    assert result.returncode == 2
    assert "CARNET_BATCH_SIZE" in line and word in line
