"""Builds the channel-agnostic core from the content folder: the one entry point adapters use."""

from __future__ import annotations

import os
from pathlib import Path

from bot.content.loader import load_content
from bot.content.model import Content
from bot.content.references import check_references
from bot.core.answers import Answers
from bot.core.classifier import Classifier
from bot.core.conversation import Conversation
from bot.core.risk import build_scanner
from bot.core.risk_reply import RiskCheck


def content_root(explicit: str | None = None) -> Path:
    """The folder holding intents/ and responses/: --content, BOT_CONTENT_DIR, the cwd, or the checkout."""
    for candidate in (explicit, os.environ.get("BOT_CONTENT_DIR")):
        if candidate:
            return Path(candidate)
    cwd = Path.cwd()
    if (cwd / "intents").is_dir():
        return cwd
    return Path(__file__).resolve().parent.parent


def build(root: Path, cache_dir: Path | None = None) -> Conversation:
    """Loads and checks the content, renders every answer and builds the matcher: once per process."""
    content = load_content(root)
    check_references(content)
    answers = Answers(content)
    return Conversation(Classifier(content, cache_dir), answers, _risk_check(content, answers))


def _risk_check(content: Content, answers: Answers) -> RiskCheck | None:
    if content.risk is None:
        return None
    return RiskCheck(build_scanner(content), content.risk.texts, answers)
