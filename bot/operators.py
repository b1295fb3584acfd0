"""Finds which operator a question is about, from names and indirect mentions, not look-alikes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.content.model import Operator
from bot.normalize import latin_bounded


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
        """The operator named first in the normalized text; else the first hinted at; else None."""
        if self._lookalikes is not None:
            text = self._lookalikes.sub(lambda m: " " * len(m.group(0)), text)
        for pattern, owners in ((self._name_pattern, self._names), (self._hint_pattern, self._hints)):
            match = pattern.search(text) if pattern is not None else None
            if match:
                return owners[match.group(0)]
        return None
