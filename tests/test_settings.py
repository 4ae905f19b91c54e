"""Settings: environment over file over defaults, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from carnet.config.settings import SettingsError, load_settings


def test_defaults_put_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"CARNET_DATA_DIR": str(tmp_path)})
    assert settings.data_dir == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'carnet.db'}"
    assert settings.secret_key is None


def test_environment_overrides_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "carnet.toml").write_text('batch_size = 50\nevidence_threshold = 0.7\nlang = "en"\n')
    settings = load_settings({"CARNET_DATA_DIR": str(tmp_path), "CARNET_BATCH_SIZE": "20"})
    assert settings.batch_size == 20
    assert settings.evidence_threshold == 0.7
    assert settings.lang == "en"


def test_lists_come_comma_separated(tmp_path: Path) -> None:
    settings = load_settings({"CARNET_DATA_DIR": str(tmp_path), "CARNET_DNS_SERVERS": "127.0.0.1:5353, 10.0.0.1:53"})
    assert settings.dns_servers == ("127.0.0.1:5353", "10.0.0.1:53")


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"CARNET_DATABASE_URL": "not a url"}, "CARNET_DATABASE_URL"),
        ({"CARNET_DATABASE_URL": "mysql://x@y/z"}, "CARNET_DATABASE_URL"),
        ({"CARNET_BATCH_SIZE": "many"}, "CARNET_BATCH_SIZE"),
        ({"CARNET_EVIDENCE_THRESHOLD": "1.5"}, "CARNET_EVIDENCE_THRESHOLD"),
        ({"CARNET_LANG": "de"}, "CARNET_LANG"),
    ],
)
def test_a_bad_setting_names_itself_in_one_line(tmp_path: Path, env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({"CARNET_DATA_DIR": str(tmp_path), **env})
    message = str(error.value)
    assert names in message
    assert "\n" not in message


def test_unknown_key_in_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "carnet.toml").write_text("batch_sise = 5\n")
    with pytest.raises(SettingsError, match="batch_sise"):
        load_settings({"CARNET_DATA_DIR": str(tmp_path)})


def test_missing_secret_key_says_how_to_make_one(tmp_path: Path) -> None:
    settings = load_settings({"CARNET_DATA_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match=r"CARNET_SECRET_KEY .*Fernet.generate_key"):
        settings.require_secret_key()
