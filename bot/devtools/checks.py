"""`check`: everything `build` verifies, plus the lint that only the operator's review needs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bot.build import build
from bot.content.errors import ContentError, Problem
from bot.core.replying.answers import Key
from bot.core.replying.conversation import Conversation
from bot.core.replying.reminders import ReminderDialogue


def duplicate_examples(conversation: Conversation) -> list[Problem]:
    """An example that two intents claim (after normalization) teaches the matcher nothing but doubt."""
    normalize = conversation.classifier.normalize
    seen: dict[str, tuple[str, Path, int]] = {}
    problems = []
    for intent in conversation.classifier.matcher.intents.values():
        for example, where in zip(intent.examples, intent.example_where, strict=True):
            key = normalize(example)
            if key in seen and seen[key][0] != intent.id:
                other, path, line = seen[key]
                problems.append(
                    Problem(
                        where.path,
                        where.line,
                        f"the example {example!r} is also claimed by '{other}' ({path.name}:{line})",
                        "keep it in the one intent it belongs to",
                    )
                )
            seen.setdefault(key, (intent.id, where.path, where.line))
    return problems


# An answer is read on a phone before its buttons: past this, part of it goes behind a `more:` button.
MAX_ANSWER_CHARS = 600


def _once_per_template(
    conversation: Conversation, finding: Callable[[Key, str], tuple[str, str] | None]
) -> list[Problem]:
    """Each rendered answer (each operator, channel, place, detail) that `finding` objects to, as
    (message, fix), reported once per template that wrote it."""
    problems: dict[tuple[Path, int], Problem] = {}
    for key, text, template in conversation.answers.every_text():
        where = (template.where.path, template.where.line)
        if where not in problems and (found := finding(key, text)):
            problems[where] = Problem(template.where.path, template.where.line, *found)
    return list(problems.values())


def long_answers(conversation: Conversation) -> list[Problem]:
    """Every answer longer than a phone screen."""

    def too_long(key: Key, text: str) -> tuple[str, str] | None:
        if len(text) <= MAX_ANSWER_CHARS:
            return None
        return (
            f"the answer {key} is {len(text)} characters, over {MAX_ANSWER_CHARS}",
            "shorten it, or move a part behind a button with 'more: {title: …, text: |…}'",
        )

    return _once_per_template(conversation, too_long)


def nested_brackets(text: str) -> bool:
    """A bracket inside a bracket ("（在境外：+86 …（国际漫游客服…））") is hard to read on a phone."""
    depth = 0
    for ch in text:
        if ch in "（(":
            depth += 1
            if depth > 1:
                return True
        elif ch in "）)":
            depth = max(0, depth - 1)
    return False


def bracketed_answers(conversation: Conversation) -> list[Problem]:
    """Every answer with a bracket inside a bracket: often a fact that ends in a bracket, put
    inside the template's own."""

    def nested(key: Key, text: str) -> tuple[str, str] | None:
        if not nested_brackets(text):
            return None
        return (
            f"the answer {key} has a bracket inside a bracket",
            "write the fact after a colon or a semicolon instead of inside （）",
        )

    return _once_per_template(conversation, nested)


# A `#` that begins a line or follows a space, then a space or the line's end: how a YAML comment
# looks when a block scalar (`|`) swallowed it, so the user would read it. "*123#" does not match.
_SWALLOWED_COMMENT = re.compile(r"(?:^|\s)#(?:\s|$)")


def swallowed_comment(text: str) -> str | None:
    """The first YAML comment in `text` (from its `#` to the line's end), if any."""
    for line in text.splitlines():
        if found := _SWALLOWED_COMMENT.search(line):
            return line[found.start() :].strip()
    return None


def comments_in_answers(conversation: Conversation) -> list[Problem]:
    """Every answer that shows the user a YAML comment: inside a `|` block a `#` is text, not a
    comment. Reported at the template's line that holds it."""
    problems: dict[tuple[Path, int], Problem] = {}
    for key, text, template in conversation.answers.every_text():
        if (shown := swallowed_comment(text)) is None:
            continue
        source_lines = template.source.splitlines()
        offset = next((i for i, line in enumerate(source_lines) if swallowed_comment(line)), 0)
        where = (template.where.path, template.where.line + offset)
        problems.setdefault(
            where,
            Problem(
                *where,
                f"the answer {key} shows the user a comment: {shown!r}",
                "move the '# …' comment out of the '|' block, onto its own line above the key",
            ),
        )
    return list(problems.values())


def check(root: Path, cache_dir: Path | None = None) -> tuple[Conversation | None, list[Problem]]:
    try:
        conversation = build(root, cache_dir)
        ReminderDialogue(conversation)  # the facts its operator rules cite are there
    except ContentError as exc:
        return None, exc.problems
    lint = (
        duplicate_examples(conversation)
        + long_answers(conversation)
        + bracketed_answers(conversation)
        + comments_in_answers(conversation)
    )
    return conversation, lint
