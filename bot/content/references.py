"""Checks across files: every intent has an answer, every answer an intent, every button a target."""

from __future__ import annotations

from bot.content.errors import ContentError, Problem
from bot.content.model import Content, Where

REQUIRED_INTENTS = ("fallback", "help", "greeting")  # the conversation itself relies on these


def check_references(content: Content) -> None:
    problems: list[Problem] = []
    known = ", ".join(sorted(content.responses))

    def unknown_target(target: str, where: Where, what: str) -> None:
        if target not in content.responses:
            problems.append(
                Problem(
                    where.path,
                    where.line,
                    f"{what} '{target}' is not an intent with an answer",
                    f"use one of: {known}",
                )
            )

    for intent in content.intents.values():
        if intent.id not in content.responses:
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
            unknown_target(target, where, f"button leads to unknown intent '{target}'")
    for target, where in zip(content.ui.menu, content.ui.menu_where, strict=True):
        unknown_target(target, where, f"menu entry '{target}' is not an intent with an answer")
    for required in REQUIRED_INTENTS:
        if required not in content.intents:
            problems.append(
                Problem(
                    content.root / "intents",
                    0,
                    f"the intent '{required}' is missing",
                    f"add intents/{required}.yaml and responses/{required}.yaml",
                )
            )
    if problems:
        raise ContentError(problems)
