"""Checks across files: every intent has an answer, every answer an intent, every button a target."""

from __future__ import annotations

from bot.content.errors import ContentError, Problem
from bot.content.model import Content, Where

REQUIRED_INTENTS = ("fallback", "help", "greeting")  # the conversation itself relies on these


def check_references(content: Content) -> None:
    problems: list[Problem] = []
    use_one_of = "use one of: " + ", ".join(sorted(content.responses))

    def problem(where: Where, message: str, fix: str) -> None:
        problems.append(Problem(where.path, where.line, message, fix))

    for intent in content.intents.values():
        if intent.id not in content.responses:
            problem(intent.where, f"intent '{intent.id}' has no answer", f"add responses/{intent.id}.yaml")
    for response in content.responses.values():
        if response.intent not in content.intents:
            fix = f"add intents/{response.intent}.yaml or fix the 'intent:' line"
            problem(response.where, f"answer for unknown intent '{response.intent}'", fix)
        source = response.channel_answers_from
        if source is not None and source not in content.responses:
            problem(response.where, f"channel_answers_from names unknown intent '{source}'", use_one_of)
        for target, where in zip(response.buttons, response.button_where, strict=True):
            if target not in content.responses:
                problem(where, f"button leads to unknown intent '{target}'", use_one_of)
    for target, where in zip(content.ui.menu, content.ui.menu_where, strict=True):
        if target not in content.responses:
            problem(where, f"menu entry '{target}' is not an intent with an answer", use_one_of)
    for required in REQUIRED_INTENTS:
        if required not in content.intents:
            fix = f"add intents/{required}.yaml and responses/{required}.yaml"
            problem(Where(content.root / "intents", 0), f"the intent '{required}' is missing", fix)
    if problems:
        raise ContentError(problems)
