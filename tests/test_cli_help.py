"""Every command answers --help, in French by default and in English on request."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = ("classify", "link", "sync", "logbook", "run", "demo", "eval", "rotate-key", "show", "raw", "verify",
            "export", "verify-export")


def carnet_help(*args: str, lang: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CARNET_LANG"} | ({"CARNET_LANG": lang} if lang else {})
    env["COLUMNS"] = "200"
    done = subprocess.run([sys.executable, "-m", "carnet", *args, "--help"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(("lang", "phrase"), [(None, "Affiche le journal."), ("en", "Print the logbook.")])
def test_the_command_list_speaks_the_chosen_language(lang: str | None, phrase: str) -> None:
    assert phrase in carnet_help(lang=lang)


def test_every_contract_command_has_help() -> None:
    listing = carnet_help()
    assert all(command in listing for command in COMMANDS)
    assert "--password-stdin" in carnet_help("link")
    assert "--format" in carnet_help("logbook")


@pytest.mark.parametrize(("lang", "phrase"), [(None, "Lire le mot de passe sur l'entrée standard."),
                                              ("en", "Read the password from stdin.")])
def test_option_help_speaks_the_chosen_language_too(lang: str | None, phrase: str) -> None:
    assert phrase in carnet_help("link", lang=lang)
