"""What an answer's template may do: print facts, choose with {% if %}, repeat with one {% for %}.

Templates are the operator's YAML, rendered inside the bot's process at every start and /reload.
Jinja's own sandbox (ImmutableSandboxedEnvironment) stops a template reaching into Python
(`cycler.__init__.__globals__.os`), but not one that takes the bot's time or memory (a loop in a
loop, a macro calling itself, `'x' * 10**9`, `'%9999999999s' % x`, `center(10**9)`). So every
template is read before it runs and refused, with its line, if it uses more than answers need
(`refusals`); what is left cannot run long: one loop, over at most MAX_RANGE numbers or a fact,
and calls and output counted while it renders (`render`).
"""

from __future__ import annotations

import itertools
import types
from collections.abc import Iterator
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

# No answer counts further than this (an answer is at most 600 characters).
MAX_RANGE = 1000
# An answer is at most 600 characters (checks.py); rendering stops well past that.
MAX_RENDERED = 20_000
# Calls while one template renders: range() and the methods of a fact.
MAX_CALLS = 10_000
# Filters that take no size: the others (center, indent, wordwrap, replace, join…) can make a fact
# as long as a number or another fact says.
FILTERS = frozenset(
    {
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "e",
        "escape",
        "first",
        "int",
        "last",
        "length",
        "lower",
        "list",
        "reverse",
        "round",
        "sort",
        "string",
        "striptags",
        "title",
        "trim",
        "unique",
        "upper",
        "wordcount",
    }
)
# What else a template may hold, beside plain text, facts, filters and tests.
EXPRESSIONS = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Const,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Slice,
    nodes.If,
    nodes.For,
    nodes.Filter,
    nodes.Test,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Add,
    nodes.Sub,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Concat,
    nodes.Call,
    nodes.Keyword,
    nodes.List,
    nodes.Tuple,
)
# How the operator would name what a template may not hold.
STATEMENTS = {
    nodes.Macro: "{% macro %}",
    nodes.CallBlock: "{% call %}",
    nodes.Assign: "{% set %}",
    nodes.AssignBlock: "{% set %}",
    nodes.FilterBlock: "{% filter %}",
    nodes.With: "{% with %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from … import %}",
    nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}",
    nodes.Mul: "*",
    nodes.Pow: "**",
    nodes.Mod: "%",
}
WHAT_ANSWERS_USE = (
    "answers use facts ({{ op.<name> }}, {{ shared.<name> }}), {% if %} and one {% for %} at most"
)


class TemplateTooCostly(SecurityError):
    """A template did more work while rendering than any answer needs."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line  # the template's line, when known without a traceback


def _limited_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateTooCostly(f"range{args} counts {len(numbers)} numbers, more than {MAX_RANGE}")
    return numbers


class AnswerEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with range, calls and output bounded per render."""

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
        # No cycler, joiner, lipsum, namespace or dict: answers print facts, and each of these is
        # a way into Python or into unbounded work.
        self.globals = {"range": _limited_range}
        self._calls = 0

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._calls += 1
        if __self._calls > MAX_CALLS:
            raise TemplateTooCostly(f"the template makes more than {MAX_CALLS} calls")
        return super().call(__context, __obj, *args, **kwargs)

    def render(self, template: jinja2.Template, context: dict[str, Any]) -> str:
        """The template rendered, or TemplateTooCostly once it calls or writes more than any answer."""
        self._calls = 0
        written: list[str] = []
        length = 0
        # Template.generate, piece by piece, so that the output can be stopped where it grows.
        pieces = cast(
            "types.GeneratorType[str, None, None]", template.root_render_func(template.new_context(context))
        )
        try:
            for piece in pieces:
                length += len(piece)
                if length > MAX_RENDERED:
                    frame = pieces.gi_frame  # suspended where it wrote the last piece
                    line = template.get_corresponding_lineno(frame.f_lineno) if frame else 1
                    raise TemplateTooCostly(f"the template writes more than {MAX_RENDERED} characters", line)
                written.append(piece)
        except TemplateTooCostly as exc:
            if exc.line is None:
                self.handle_exception()  # the traceback then names the template's line
            raise
        except Exception:
            self.handle_exception()
        return "".join(written)


def refusals(tree: nodes.Template) -> Iterator[tuple[int, str, str]]:
    """(line in the template, what is wrong, fix) for what the parsed template may not hold,
    read before anything runs: the first only, one clear problem per template."""
    yield from itertools.islice(_walk(tree, 0), 1)


def _walk(node: nodes.Node, loops: int) -> Iterator[tuple[int, str, str]]:
    line = node.lineno or 1
    if type(node) in STATEMENTS:
        yield (
            line,
            f"the template uses {STATEMENTS[type(node)]}, which an answer may not",
            (f"write the text out; {WHAT_ANSWERS_USE}"),
        )
        return
    if not isinstance(node, EXPRESSIONS):
        yield line, f"the template uses {type(node).__name__}, which an answer may not", WHAT_ANSWERS_USE
        return
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        yield line, f"the template reaches into Python ('{node.attr}')", f"use only facts: {WHAT_ANSWERS_USE}"
        return
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.arg, nodes.Const)
        and str(node.arg.value).startswith("_")
    ):
        yield (
            line,
            f"the template reaches into Python ('{node.arg.value}')",
            f"use only facts: {WHAT_ANSWERS_USE}",
        )
        return
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        yield (
            line,
            f"the template uses the filter '{node.name}', which an answer may not",
            (f"use the filters {', '.join(sorted(FILTERS))}, or write the text out"),
        )
        return
    if isinstance(node, nodes.Call):
        called = node.node
        if not (isinstance(called, nodes.Name) and called.name == "range"):
            yield (
                line,
                "the template calls a function, which an answer may not",
                f"write the text out; {WHAT_ANSWERS_USE}",
            )
            return
        numbers = [
            arg.value for arg in node.args if isinstance(arg, nodes.Const) and isinstance(arg.value, int)
        ]
        if len(numbers) == len(node.args) and not node.kwargs:
            try:
                count = len(range(*numbers))
            except (TypeError, ValueError):
                count = 0
            if count > MAX_RANGE:
                shown = ", ".join(map(str, numbers))
                yield (
                    line,
                    f"the loop's range({shown}) counts {count} numbers, more than {MAX_RANGE}",
                    (f"count to {MAX_RANGE} at most (an answer is 600 characters)"),
                )
                return
    if isinstance(node, nodes.For):
        if loops or node.recursive:
            yield (
                line,
                "the template has a loop inside a loop (or a recursive loop)",
                ("keep one {% for %} per answer, or write the text out"),
            )
            return
        loops += 1
    for child in node.iter_child_nodes():
        yield from _walk(child, loops)
