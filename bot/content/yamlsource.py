"""Reads YAML and remembers the line of every key and list item, so errors can name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.content.errors import ContentError, Problem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Node(dict):
    """A mapping that knows its own line and the line of each of its keys."""

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Seq(list):
    """A list that knows its own line and the line of each item."""

    def __init__(
        self, items: list[Any] | None = None, line: int = 0, item_lines: list[int] | None = None
    ) -> None:
        super().__init__(items or [])
        self.line = line
        self.item_lines = item_lines if item_lines is not None else [line] * len(self)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Node:
    result = Node(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' appears twice in this mapping", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Seq:
    return Seq(
        [loader.construct_object(child, deep=True) for child in node.value],
        node.start_mark.line + 1,
        [child.start_mark.line + 1 for child in node.value],
    )


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    # Dates and numbers stay as written: facts carry "2026-11-24", not a datetime.
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


def read_yaml(path: Path) -> Any:
    """Parse one file; a syntax error becomes a Problem naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            [Problem(path, 0, f"the file is not UTF-8 ({exc.reason})", "save the file as UTF-8")]
        ) from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or exc.context or "invalid YAML"
        raise ContentError([Problem(path, line, f"YAML syntax error: {what}", _syntax_hint(what))]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, 0, f"YAML error: {exc}", "fix the YAML syntax")]) from None


def _syntax_hint(problem: str) -> str:
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "appears twice" in problem:
        return "keep one of the two keys"
    if "mapping values are not allowed" in problem:
        return "put text that contains ': ' in quotes"
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "check the indentation of this line and the one above it"
    return "check the indentation and quotes on this line"
