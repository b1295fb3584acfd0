"""A pattern's search is skipped only when its match could not begin anywhere in the question."""

from __future__ import annotations

import re

import pytest

from bot.core.understanding.pattern_source import first_characters


@pytest.mark.parametrize(
    ("source", "starts"),
    [
        ("(让我|要我|叫我).{0,8}(发|给)", {"让", "要", "叫"}),
        ("(?:不|没)充", {"不", "没"}),
        ("^(有人|有没有人).{0,3}(在|吗)", {"有"}),
        ("有效期.{0,4}(多久|多长)", {"有"}),
        ("话费?交", {"话"}),
        # Nothing plain to go by: every question is searched.
        ("(打|[0-9])折|便宜", None),
        ("^(?!.*收到).*验证码", None),
        ("(会)?过期", None),
        ("x{0,2}y", None),
        ("[a-z]+load", None),
        (r"\*888", None),
        ("(a(b|c)|d)e", None),
    ],
)
def test_the_first_characters_of_a_match_are_read_from_plain_sources(
    source: str, starts: set[str] | None
) -> None:
    assert first_characters(source) == (None if starts is None else frozenset(starts))


@pytest.mark.parametrize("source", ["(让我|要我|叫我).{0,8}(发|给)", "有效期.{0,4}", "(?:不|没)充"])
@pytest.mark.parametrize("text", ["他让我发验证码", "有效期多久", "还没充", "怎么充值", "要我给", ""])
def test_a_skipped_search_is_one_that_would_have_found_nothing(source: str, text: str) -> None:
    starts = first_characters(source)
    assert starts is not None
    if starts.isdisjoint(text):
        assert re.search(source, text) is None
