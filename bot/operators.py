"""Finds which operator a question is about, from names and indirect mentions, not look-alikes."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.content.model import Operator


def _bounded(word: str) -> str:
    # "smart" inside "smartphone" or 10086 inside a longer number is no mention.
    escaped = re.escape(word)
    if word[:1].isascii() and word[:1].isalnum():
        escaped = r"(?<![a-z0-9])" + escaped
    if word[-1:].isascii() and word[-1:].isalnum():
        escaped += r"(?![a-z0-9])"
    return escaped


class OperatorFinder:
    def __init__(self, operators: dict[str, Operator], normalize: Callable[[str], str]) -> None:
        self._owner: dict[str, str] = {}
        lookalikes: set[str] = set()
        for op in operators.values():
            for name in op.names:
                self._owner[normalize(name)] = op.id
            lookalikes.update(normalize(w) for w in op.lookalikes)
        by_length = sorted(self._owner, key=len, reverse=True)
        self._names = re.compile("|".join(_bounded(n) for n in by_length)) if by_length else None
        ordered = sorted(lookalikes, key=len, reverse=True)
        self._lookalikes = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def find(self, text: str) -> str | None:
        """The operator named first in the normalized text, or None."""
        if self._names is None:
            return None
        if self._lookalikes is not None:
            text = self._lookalikes.sub(lambda m: " " * len(m.group(0)), text)
        match = self._names.search(text)
        return self._owner[match.group(0)] if match else None
