"""One YAML file of the content, read and checked: its shape's mistakes become problems with
the file, the line and the fix. Shared by the loader (intents, responses) and the scam check's
rules (risk.py), so neither imports the other to read a file."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from bot.content.errors import ContentError, Problem
from bot.content.model import Where
from bot.content.patterns import PatternError, Regex
from bot.content.yamlsource import Node, Seq, read_yaml


class YamlFile:
    """Checks the shape of one YAML file and records what is wrong with it."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self.path, line, message, fix))

    def where(self, line: int) -> Where:
        return Where(self.path, line)

    def mapping(self, value: Any, line: int, what: str) -> Node | None:
        if isinstance(value, Node):
            return value
        self.problem(
            line, f"{what} must be a mapping of 'key: value' lines", f"write {what} as 'key: value' lines"
        )
        return None

    def keys(self, node: Node, required: set[str], optional: set[str], what: str) -> bool:
        ok = True
        missing = required - node.keys()
        for key in node:
            if key not in required | optional:
                close = difflib.get_close_matches(key, sorted(required | optional), n=1)
                # A misspelt required key is one mistake, not two ("unknown" and "missing").
                missing -= set(close)
                fix = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"allowed keys: {', '.join(sorted(required | optional))}"
                )
                self.problem(node.line_of(key), f"unknown key '{key}' in {what}", fix)
                ok = False
        for key in sorted(missing):
            self.problem(node.line, f"{what} is missing '{key}'", f"add a '{key}:' line to {what}")
            ok = False
        return ok

    def text(self, node: Node, key: str, what: str) -> str | None:
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.problem(
            node.line_of(key), f"'{key}' of {what} must be non-empty text", f"write the {key} as text"
        )
        return None

    def items(self, node: Node, key: str, what: str, shape: str) -> list[tuple[Any, int]]:
        """The entries of a list with their lines; a problem if it is not a list."""
        value = node.get(key, Seq())
        if not isinstance(value, Seq):
            self.problem(
                node.line_of(key), f"'{key}' of {what} must be a list", f"write each entry as {shape}"
            )
            return []
        return list(zip(value, value.item_lines, strict=True))

    def texts(self, node: Node, key: str, what: str) -> list[tuple[str, int]]:
        out = []
        for item, line in self.items(node, key, what, "a '- ' line"):
            if isinstance(item, str) and item.strip():
                out.append((item.strip(), line))
            else:
                self.problem(
                    line, f"an entry of '{key}' is not text", "write the entry as text (quote it if needed)"
                )
        return out

    def number(self, value: Any, line: int, what: str) -> float | None:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.problem(line, f"{what} must be a number, not {value!r}", "write a number such as 0.3")
            return None
        if not -2.0 <= number <= 2.0:
            self.problem(
                line, f"{what} is {number}, outside -2..2", "use a weight between -2 and 2 (0.3 is typical)"
            )
            return None
        return number

    def regex(self, source: str, line: int) -> Regex | None:
        """The pattern on RE2 (bot/content/patterns.py), or a problem saying what to write instead."""
        try:
            return Regex(source)
        except PatternError as exc:
            self.problem(line, exc.message, exc.fix)
            return None


def load_file(path: Path, problems: list[Problem]) -> tuple[YamlFile, Node | None]:
    file = YamlFile(path, problems)
    try:
        data = read_yaml(path)
    except ContentError as exc:
        problems.extend(exc.problems)
        return file, None
    if data is None:
        file.problem(0, "the file is empty", "add the content or delete the file")
        return file, None
    return file, file.mapping(data, 1, "the file")


def required_file(path: Path, problems: list[Problem]) -> bool:
    if path.is_file():
        return True
    if path.is_dir():
        problems.append(
            Problem(path, 0, "this is a folder, not a YAML file", f"restore {path.name} from git")
        )
        return False
    problems.append(Problem(path, 0, "this file is missing", f"restore {path.name} from git"))
    return False
