"""Reads YAML and remembers the line of every key and list item, so errors can name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.content.errors import ContentError, Problem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The largest content file read (today's largest, _risk.yaml, is under 40 KB): past this it is a
# mistake (a pasted export, a generated list) that would keep `check` and every start busy.
MAX_FILE_BYTES = 512 * 1024


class _JoinedEntry(Exception):
    """A list entry indented further than the one above: YAML reads it as the rest of that one."""

    def __init__(self, first: int, last: int, value: str) -> None:
        super().__init__(value)
        self.first, self.last, self.value = first, last, value


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
    for child in node.value:
        # "  - 怎么充值\n    - 怎么充话费" is one plain text over two lines, "怎么充值 - 怎么充话费".
        if (
            isinstance(child, yaml.ScalarNode)
            and not child.style  # plain: None, or "" from the C parser
            and child.end_mark.line > child.start_mark.line
            and " - " in child.value
        ):
            raise _JoinedEntry(child.start_mark.line, child.end_mark.line, child.value)
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
    if path.is_dir():
        raise ContentError([Problem(path, 0, "this is a folder, not a YAML file", FOLDER_FIX)])
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentError(
                [
                    Problem(
                        path,
                        0,
                        f"the file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a content file may be",
                        "split it into smaller files, or keep only what the bot needs",
                    )
                ]
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            [Problem(path, 0, f"the file is not UTF-8 ({exc.reason})", "save the file as UTF-8")]
        ) from None
    except OSError as exc:
        raise ContentError(
            [
                Problem(
                    path,
                    0,
                    f"the file cannot be read ({exc.strerror})",
                    "make it a file the bot's user can read",
                )
            ]
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
    except _JoinedEntry as joined:
        lines = text.splitlines()
        dashed = (n for n in range(joined.first + 1, joined.last + 1) if lines[n].lstrip().startswith("- "))
        line = next(dashed, joined.first + 1) + 1
        raise ContentError(
            [
                Problem(
                    path,
                    line,
                    "this '- ' is indented further than the entry above, so YAML joins the two into one: "
                    f"'{joined.value}'",
                    "indent this '- ' as the one above (the same number of spaces)",
                )
            ]
        ) from None


FOLDER_FIX = "rename it or move it out: every name ending in .yaml here is read as a content file"


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
