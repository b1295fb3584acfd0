"""Finds which operator a question is about (intents/_operators.yaml), covered or not, and which
mentions the user takes back ("不是问移动，是问联通")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.content.model import Entity
from bot.content.patterns import Regex, RegexSet
from bot.core.understanding.entities import EntityFinder


class OperatorFinder(EntityFinder):
    """Smart, 中国移动, 中国联通 or 中国电信; 移动支付 and 电信诈骗 are look-alikes, not operators."""


@dataclass(frozen=True)
class OperatorMention:
    operator: str | None  # the covered operator the question is about
    uncovered: str | None  # else an operator the bot does not cover (Globe, csl, 中华电信…)
    named: tuple[str, ...]  # every covered operator named, in order ("一张smart一张电信")
    corrected: bool = False  # the user took a mention back ("不是问移动，是问联通")


class Operators:
    """Covered and uncovered operators found together, so a name of either beats a hint of the
    other ("菲律宾的Globe卡" is about Globe), after the corrected mentions are left out."""

    def __init__(
        self,
        covered: Mapping[str, Entity],
        uncovered: Mapping[str, Entity],
        corrections: tuple[Regex, ...],
        normalize: Callable[[str], str],
    ) -> None:
        self.covered = OperatorFinder(covered, normalize)
        self._all = OperatorFinder({**covered, **uncovered}, normalize)
        self._uncovered = frozenset(uncovered)
        self._corrections = [(regex, regex.groupindex["drop"]) for regex in corrections]
        self._correction_set = RegexSet(corrections)

    def kept(self, text: str) -> str:
        """The text without the mentions the user takes back (blanked, so positions stay)."""
        found = self._correction_set.matching(text)  # most questions: none, and nothing is searched
        for n, (regex, drop) in enumerate(self._corrections):
            if n not in found:
                continue
            before = text
            for match in regex.finditer(before):
                start, end = match.span(drop)
                if start >= 0:
                    text = text[:start] + " " * (end - start) + text[end:]
            if text != before:
                found = self._correction_set.matching(text)
        return text

    def find(self, *texts: str, places: bool = True) -> OperatorMention:
        """From the first of the texts (the same question, less and more normalized) that names one.

        Without `places`, where the user is (马尼拉) tells no operator."""
        for text in dict.fromkeys(texts):  # most questions need no normalizing: no second look
            kept = self.kept(text)
            all_named = self._all.named(kept)
            # Corrected: a mention was taken back (the text without it names other operators).
            corrected = kept != text and self._all.named(text) != all_named
            found = self._all.find(kept, places)
            named = tuple(op for op in all_named if op not in self._uncovered)
            if found in self._uncovered:
                return OperatorMention(None, found, named, corrected)
            if found is None and len(named) == 1:
                found = named[0]  # "Pasaload from Globe to Smart": the covered one is asked about
            if found is not None or named:
                return OperatorMention(found, None, named, corrected)
        return OperatorMention(None, None, ())
