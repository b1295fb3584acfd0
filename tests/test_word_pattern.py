"""The trie regex for names, hints and typos finds what a plain alternation, longest word first, finds."""

from __future__ import annotations

import re

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.understanding.word_pattern import word_pattern

WORDS = ["smart", "sm", "load", "10086", "100", "移动", "中国移动", "移动支付", "*123#", "gcash", "g"]


def plain(words: list[str]) -> re.Pattern[str]:
    """What the entity finders used before: each word, Latin edges whole, the longest tried first."""

    def bounded(word: str) -> str:
        escaped = re.escape(word)
        if word[:1].isascii() and word[:1].isalnum():
            escaped = r"(?<![a-z0-9])" + escaped
        if word[-1:].isascii() and word[-1:].isalnum():
            escaped += r"(?![a-z0-9])"
        return escaped

    return re.compile("|".join(bounded(w) for w in sorted(set(words), key=len, reverse=True)))


@pytest.mark.parametrize(
    "text",
    [
        "smart卡怎么充值",
        "smartphone里的load",
        "download smart-load",
        "打10086还是1008611还是100",
        "中国移动和移动支付，移动",
        "拨*123#查余额，*1234#",
        "gcash g cash gg",
        "sm smart smartsm",
        "",
    ],
)
def test_finds_what_the_plain_alternation_finds(text: str) -> None:
    trie = word_pattern(WORDS)
    assert trie is not None
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain(WORDS).finditer(text)]


def test_no_words_no_pattern() -> None:
    assert word_pattern([]) is None


def test_a_repeated_clause_is_ranked_once(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work, not time: 2,000 clauses that say the same thing cost one ranking, not 2,000."""
    matcher = conversation.classifier.matcher
    calls = []
    rank = matcher._rank

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return rank(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(matcher, "_rank", counted)
    conversation.classifier.classify("a." * 2048)
    assert len(calls) <= 3  # the whole message, the clause, at most the clauses together
