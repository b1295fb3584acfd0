"""Settings from the environment and an optional .env file; the token is never printed."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

TOKEN_SHAPE = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line and never contains the token."""


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)
    base_url: str | None = None
    data_dir: Path = Path("data")
    webhook_url: str | None = None
    port: int = 8443
    messages_per_minute: int = 20
    retention_days: int = 30  # the operator's records are deleted after this many days
    admin_ids: frozenset[int] = frozenset()  # Telegram user ids allowed /stats and /reload


def bot_api_root(base_url: str) -> str | None:
    """The server's root URL. python-telegram-bot's own forms end in /bot (the token follows
    it directly) or /bot{token} (a placeholder it fills in); all three are accepted, as any may
    be copied from its documentation."""
    root = base_url.strip().rstrip("/")
    root = root.removesuffix("/bot{token}").removesuffix("/bot")
    return root.rstrip("/") or None


def load_settings(env_file: Path | None = Path(".env")) -> Settings:
    if env_file is not None and env_file.is_file():
        load_dotenv(env_file, override=False)
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token is not None and not TOKEN_SHAPE.match(token):
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then 30+ "
            "letters); copy it again from @BotFather"
        )
    base_url = bot_api_root(os.environ.get("TELEGRAM_BASE_URL", ""))
    if token is not None and base_url is not None and token in base_url:
        raise SettingsError(
            "TELEGRAM_BASE_URL contains the token; give the server's address only "
            "(like http://127.0.0.1:8081 or http://127.0.0.1:8081/bot)"
        )
    port_text = os.environ.get("PORT", "8443").strip()
    rate_text = os.environ.get("BOT_MESSAGES_PER_MINUTE", "20").strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT must be a number from 1 to 65535, not {port_text!r}")
    if not rate_text.isdigit() or int(rate_text) < 1:
        raise SettingsError(f"BOT_MESSAGES_PER_MINUTE must be a positive number, not {rate_text!r}")
    retention_text = os.environ.get("BOT_RETENTION_DAYS", "30").strip()
    if not retention_text.isdigit() or int(retention_text) < 1:
        raise SettingsError(f"BOT_RETENTION_DAYS must be a positive number of days, not {retention_text!r}")
    admin_texts = [
        a.strip() for a in os.environ.get("ADMIN_IDS", "").replace(";", ",").split(",") if a.strip()
    ]
    if not all(re.fullmatch(r"[0-9]{1,20}", a) for a in admin_texts):
        raise SettingsError("ADMIN_IDS must be Telegram user ids (numbers) separated by commas")
    return Settings(
        token=token,
        base_url=base_url,
        data_dir=Path(os.environ.get("BOT_DATA_DIR", "").strip() or "data"),
        webhook_url=os.environ.get("WEBHOOK_URL", "").strip() or None,
        port=int(port_text),
        messages_per_minute=int(rate_text),
        retention_days=int(retention_text),
        admin_ids=frozenset(int(a) for a in admin_texts),
    )
