"""Reads intents/_risk_examples.yaml: the messages the scam check's learned part learns from, each
with its level, and the two chances at which the learned part decides a level. Every mistake is a
problem with file, line and fix, like the rules beside it (bot/content/risk.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.content.errors import Problem
from bot.content.model import RiskExample, RiskExamples
from bot.content.yaml_file import YamlFile, load_file

LEVELS = ("high", "medium", "low")
# Fewer examples of a level than this teach the model nothing it can carry to new wording.
MIN_PER_LEVEL = 20
THRESHOLDS = ("high_at", "alone_at")


def load_examples(path: Path, problems: list[Problem], intents: set[str]) -> RiskExamples | None:
    before = len(problems)
    file, node = load_file(path, problems)
    if node is None or not file.keys(node, {"examples", *THRESHOLDS}, {"not_harmless"}, path.name):
        return None
    not_harmless = set()
    for intent, line in file.texts(node, "not_harmless", path.name):
        if intent not in intents:
            file.problem(line, f"unknown intent '{intent}'", f"use one of: {', '.join(sorted(intents))}")
        not_harmless.add(intent)
    chances = {name: _chance(file, node[name], node.line_of(name), name) for name in THRESHOLDS}
    examples: list[RiskExample] = []
    seen: dict[str, int] = {}
    for item, line in file.items(node, "examples", path.name, "'- text: …' and 'level: high' below it"):
        example = _example(file, item, line, seen)
        if example is not None:
            examples.append(example)
    for level in LEVELS:
        count = sum(level in e.levels for e in examples)
        if count < MIN_PER_LEVEL:
            file.problem(
                node.line_of("examples"),
                f"only {count} examples of level {level}",
                f"add at least {MIN_PER_LEVEL} messages of each level: each is learned from its examples",
            )
    high_at, alone_at = chances["high_at"], chances["alone_at"]
    if high_at is None or alone_at is None or len(problems) > before:
        return None
    return RiskExamples(tuple(examples), high_at, alone_at, file.where(node.line), frozenset(not_harmless))


def _chance(file: YamlFile, value: Any, line: int, name: str) -> float | None:
    number = file.number(value, line, f"'{name}'")
    if number is not None and not 0 < number <= 1:
        file.problem(line, f"'{name}' is {number}, outside 0..1", "write a chance such as 0.6")
        return None
    return number


def _example(file: YamlFile, item: Any, line: int, seen: dict[str, int]) -> RiskExample | None:
    what = "an example"
    entry = file.mapping(item, line, what)
    if entry is None or not file.keys(entry, {"text", "level"}, set(), what):
        return None
    text = file.text(entry, "text", what)
    level = entry.get("level")
    levels = tuple(part.strip() for part in level.split("|")) if isinstance(level, str) else ()
    if not levels or any(part not in LEVELS for part in levels) or len(set(levels)) != len(levels):
        file.problem(
            entry.line_of("level"),
            f"the level {level!r} is not high, medium or low",
            "write level: high, medium or low (medium|high when either is right)",
        )
        return None
    if text is None:
        return None
    if text in seen:
        file.problem(entry.line_of("text"), f"the same message as line {seen[text]}", "keep one of the two")
        return None
    seen[text] = entry.line_of("text")
    return RiskExample(text, levels, file.where(entry.line_of("text")))
