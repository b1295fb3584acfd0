"""Shared fixtures: the real content, built once; a copy of it that a test may break."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.build import build
from bot.core.replying.conversation import Conversation
from bot.core.risk.scanner import Scanner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def conversation(cache_dir: Path) -> Conversation:
    return build(ROOT, cache_dir)


@pytest.fixture(scope="session")
def scanner(conversation: Conversation) -> Scanner:
    """The shipped content's scam check (the scam stories share it)."""
    assert conversation.risk is not None
    return conversation.risk.scanner


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of intents/ and responses/ that the test may edit."""
    for folder in ("intents", "responses"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def run_cli(
    *args: str, stdin: str = "", cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ...` in a real process, as a user or CI would run it."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    full_env.pop("TELEGRAM_BOT_TOKEN", None)  # a developer's own token must never start a real bot here
    # What the bot keeps goes to a folder of the test's, never the checkout's data/, and the folder
    # goes when the process has ended (each run left one behind in the temp folder).
    with tempfile.TemporaryDirectory(prefix="bot-data-") as data_dir:
        full_env["BOT_DATA_DIR"] = data_dir
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=cwd,
            env=full_env,
            timeout=timeout,
            check=False,
        )
