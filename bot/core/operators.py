"""Finds which operator a question is about, from names and indirect mentions, not look-alikes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from bot.content.model import Operator
from bot.core.normalize import latin_bounded


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(latin_bounded(w) for w in ordered)) if ordered else None


class OperatorFinder:
    def __init__(self, operators: dict[str, Operator], normalize: Callable[[str], str]) -> None:
        self._names = {normalize(n): op.id for op in operators.values() for n in op.names}
        self._hints = {normalize(h): op.id for op in operators.values() for h in op.hints}
        self._name_pattern = _alternation(self._names)
        self._hint_pattern = _alternation(self._hints)
        self._lookalikes = _alternation(normalize(w) for op in operators.values() for w in op.lookalikes)

    @property
    def words(self) -> frozenset[str]:
        """Every normalized name and hint: they tell which operator, not what is asked."""
        return frozenset(self._names) | frozenset(self._hints)

    def find(self, text: str) -> str | None:
        """The operator named most often in the normalized text, else the one hinted at most often.

        A tie gives None: an ad for "移动联通电信" or a question comparing two operators is about
        none of them in particular, and the chat must not silently remember the first one.
        """
        if self._lookalikes is not None:
            text = self._lookalikes.sub(lambda m: " " * len(m.group(0)), text)
        for pattern, owners in ((self._name_pattern, self._names), (self._hint_pattern, self._hints)):
            if pattern is None:
                continue
            counts = Counter(owners[m.group(0)] for m in pattern.finditer(text)).most_common(2)
            if counts:
                return counts[0][0] if len(counts) == 1 or counts[0][1] > counts[1][1] else None
        return None
