"""Builds the channel-agnostic core from the content folder: the one entry point adapters use."""

from __future__ import annotations

import os
from pathlib import Path

from bot.answers import Answers
from bot.classifier import Classifier
from bot.content.errors import ContentError, Problem
from bot.content.loader import load_content
from bot.conversation import Conversation


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
    content = load_content(root)
    answers = Answers(content)
    _check_references(content, answers)
    return Conversation(Classifier(content, cache_dir), answers)


def _check_references(content, answers: Answers) -> None:  # type: ignore[no-untyped-def]
    """Every intent has an answer, every answer an intent, and every button leads somewhere."""
    problems: list[Problem] = []
    for intent in content.intents.values():
        if not answers.has(intent.id):
            problems.append(
                Problem(
                    intent.where.path,
                    intent.where.line,
                    f"intent '{intent.id}' has no answer",
                    f"add responses/{intent.id}.yaml",
                )
            )
    for response in content.responses.values():
        if response.intent not in content.intents:
            problems.append(
                Problem(
                    response.where.path,
                    response.where.line,
                    f"answer for unknown intent '{response.intent}'",
                    f"add intents/{response.intent}.yaml or fix the 'intent:' line",
                )
            )
        for target, where in zip(response.buttons, response.button_where, strict=True):
            if target not in content.responses:
                problems.append(
                    Problem(
                        where.path,
                        where.line,
                        f"button leads to unknown intent '{target}'",
                        f"use one of: {', '.join(sorted(content.responses))}",
                    )
                )
    for target, where in zip(content.ui.menu, content.ui.menu_where, strict=True):
        if target not in content.responses:
            problems.append(
                Problem(
                    where.path,
                    where.line,
                    f"menu entry '{target}' is not an intent with an answer",
                    f"use one of: {', '.join(sorted(content.responses))}",
                )
            )
    for required in ("fallback", "help"):
        if required not in content.intents:
            problems.append(
                Problem(
                    root_of(content),
                    0,
                    f"the intent '{required}' is missing",
                    f"add intents/{required}.yaml and responses/{required}.yaml",
                )
            )
    if problems:
        raise ContentError(problems)


def root_of(content) -> Path:  # type: ignore[no-untyped-def]
    return content.files[0].parent.parent if content.files else Path(".")
