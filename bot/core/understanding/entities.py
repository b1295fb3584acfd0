"""Finds which entity (operator, channel) a question is about, from names and hints, not look-alikes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from bot.content.model import Entity
from bot.core.understanding.word_pattern import word_pattern


class EntityFinder:
    """One kind of entity, found by its names first and its hints second."""

    def __init__(self, entities: Mapping[str, Entity], normalize: Callable[[str], str]) -> None:
        self.ids = tuple(entities)
        self._names = {normalize(n): e.id for e in entities.values() for n in e.names}
        self._hints = {normalize(h): e.id for e in entities.values() for h in (*e.hints, *e.places)}
        self._places = frozenset(normalize(p) for e in entities.values() for p in e.places)
        self._name_pattern = word_pattern(self._names)
        self._hint_pattern = word_pattern(self._hints)
        self._lookalikes = word_pattern(normalize(w) for e in entities.values() for w in e.lookalikes)
        self._outranked_by = {e.id: set(e.outranks) for e in entities.values()}
        # Names first, hints second; each a pattern and what its words stand for.
        self._passes = [
            (pattern, owners)
            for pattern, owners in ((self._name_pattern, self._names), (self._hint_pattern, self._hints))
            if pattern is not None
        ]

    @property
    def words(self) -> frozenset[str]:
        """Every normalized name and hint but places (of operators: they tell which card, not what
        is asked; a place tells neither: 马尼拉哪里好吃)."""
        return (frozenset(self._names) | frozenset(self._hints)) - self._places

    @property
    def names(self) -> frozenset[str]:
        """Every normalized name, without the hints."""
        return frozenset(self._names)

    # On a tie between two entities named equally often: None, or the one mentioned first.
    tie_goes_to_first = False

    def named(self, text: str) -> tuple[str, ...]:
        """Every entity named (not only hinted at) in the normalized text, in order of first mention."""
        if self._name_pattern is None:
            return ()
        text = self._without_lookalikes(text)
        return tuple(dict.fromkeys(self._names[w] for w in self._name_pattern.findall(text)))

    def _without_lookalikes(self, text: str) -> str:
        if self._lookalikes is None:
            return text
        return self._lookalikes.sub(lambda m: " " * len(m.group(0)), text)

    def find(self, text: str, places: bool = True) -> str | None:
        """The entity named most often in the normalized text, else the one hinted at most often.

        A tie gives None unless tie_goes_to_first: an ad for "移动联通电信" or a question comparing
        two operators is about none of them in particular, and the chat must not silently
        remember the first one. Without `places`, where the user is counts for nothing.
        """
        text = self._without_lookalikes(text)
        # Counter keeps first-seen order, so among equal counts the first mention comes first.
        # Most questions name nothing: no Counter is made for a pass that found nothing.
        passes = []
        last = len(self._passes) - 1
        for number, (pattern, owners) in enumerate(self._passes):
            matched = list(pattern.finditer(text))
            if not matched:
                continue
            words = (m.group(0) for m in matched)
            passes.append(Counter(owners[w] for w in words if places or w not in self._places))
            # A hint inside a name already found is part of that name ("银行app" is the bank's app,
            # not the operator's, whose hint is "app").
            if number < last:
                text = _blanked(text, matched)
        if not passes:
            return None
        # An entity that outranks another beats it even when only hinted at (微信上的卡商).
        beaten = set().union(*(self._outranked_by[e] for found in passes for e in found))
        for found in passes:
            counts = [(e, n) for e, n in found.most_common() if e not in beaten]
            if counts:
                tied = len(counts) > 1 and counts[0][1] == counts[1][1]
                return counts[0][0] if not tied or self.tie_goes_to_first else None
        return None


def _blanked(text: str, matched: list[re.Match[str]]) -> str:
    chars = list(text)
    for m in matched:
        chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(chars)
