"""Builds the channel-agnostic core from the content folder: the one entry point adapters use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.loader import load_content
from bot.content.model import Content
from bot.content.references import check_references
from bot.core.understanding.classifier import Classifier

if TYPE_CHECKING:  # the conversation's parts (answers, scanner) are imported only by build()
    from bot.core.replying.answers import Answers
    from bot.core.replying.conversation import Conversation
    from bot.core.risk.reply import RiskCheck


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
    from bot.core.replying.answers import Answers
    from bot.core.replying.conversation import Conversation

    content = _checked_content(root)
    answers = Answers(content)
    return Conversation(Classifier(content, cache_dir), answers, _risk_check(content, answers, cache_dir))


def build_classifier(root: Path, cache_dir: Path | None = None) -> Classifier:
    """The matcher alone, for `classify`: the same content checks, no answers or scanner to build.

    Answers and the scam scanner were about 40% of its start-up time and classify uses neither
    (nor does it read the scam check's rules: compiling them was another 15%); `check` and every
    conversational command still read, check and render everything at start.
    """
    return Classifier(_checked_content(root, risk=False), cache_dir)


def _checked_content(root: Path, risk: bool = True) -> Content:
    content = load_content(root, risk)
    check_references(content)
    return content


def _risk_check(content: Content, answers: Answers, cache_dir: Path | None = None) -> RiskCheck | None:
    from bot.core.risk.reply import RiskCheck
    from bot.core.risk.scanner import build_scanner

    if content.risk is None:
        return None
    return RiskCheck(build_scanner(content, cache_dir), content.risk.texts, answers)
