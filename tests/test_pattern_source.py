"""A pattern led by a group of words is read as led by them only when nothing alternates outside it."""

from __future__ import annotations

import pytest

from bot.core.understanding.pattern_source import alternates_at_top


@pytest.mark.parametrize(
    ("source", "alternates"),
    [
        ("(让我|要我|叫我).{0,8}(发|给)", False),
        ("(打|[0-9])折|便宜", True),
        (r"(a\|b)c", False),
        ("[|]x", False),
        ("x\\|y", False),
        ("(a(b|c)|d)e|f", True),
    ],
)
def test_an_alternation_outside_every_group_is_told_apart(source: str, alternates: bool) -> None:
    assert alternates_at_top(source) is alternates
