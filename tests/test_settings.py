"""Settings come from the environment and an optional .env file; mistakes give one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
VARIABLES = [
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_BASE_URL",
    "BOT_DATA_DIR",
    "WEBHOOK_URL",
    "PORT",
    "BOT_MESSAGES_PER_MINUTE",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_without_anything(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / ".env")
    assert settings.token is None and settings.data_dir == Path("data") and settings.port == 8443
    assert settings.messages_per_minute == 20 and settings.webhook_url is None


def test_dotenv_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nBOT_DATA_DIR=/srv/bot\nPORT=9000\n", encoding="utf-8")
    monkeypatch.setenv("PORT", "9443")
    settings = load_settings(env)
    assert settings.token == TOKEN and settings.data_dir == Path("/srv/bot") and settings.port == 9443
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("TELEGRAM_BOT_TOKEN", "123:short", "does not look like a bot token"),
        ("PORT", "http", "PORT must be a number"),
        ("PORT", "70000", "PORT must be a number"),
        ("BOT_MESSAGES_PER_MINUTE", "0", "must be a positive number"),
    ],
)
def test_malformed_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=words) as caught:
        load_settings(tmp_path / ".env")
    message = str(caught.value)
    assert "\n" not in message
    if name == "TELEGRAM_BOT_TOKEN":
        assert value not in message  # never echo a token, even a broken one


@pytest.mark.parametrize(
    "value",
    [
        "http://127.0.0.1:8081",
        "http://127.0.0.1:8081/",
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/bot/",
        "http://127.0.0.1:8081/bot{token}",  # python-telegram-bot's placeholder form
    ],
)
def test_base_url_with_or_without_the_bot_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BASE_URL", value)
    assert load_settings(tmp_path / ".env").base_url == "http://127.0.0.1:8081"


def test_a_base_url_holding_the_token_is_refused_without_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_BASE_URL", f"https://api.telegram.org/bot{TOKEN}")
    with pytest.raises(SettingsError, match="contains the token") as caught:
        load_settings(tmp_path / ".env")
    assert TOKEN not in str(caught.value)
