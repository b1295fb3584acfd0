"""Tells a follow-up of the last answer ("为什么", "要多少钱", "然后呢", "那…呢") from a question of its own.

A follow-up says too little to be classified alone: "为什么" reads as a question about the bot,
"多少钱" as nothing at all. Read against the last answer it is clear. The words come from
`follow_ups:` in responses/_ui.yaml; what the conversation does with each kind is in
bot/core/conversation.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from bot.core.word_pattern import word_pattern

# What a follow-up may hold besides its words: punctuation, spaces and the user talking of
# themselves ("我要多少钱啊？"). More than this and the message says something of its own.
FILLER = re.compile(r"[\s\W_]|我|要|的|了|这个|这|那个|那")
# Kinds whose words alone make the message a follow-up, in the order they are tried.
ASKING = ("why", "price", "next")


class FollowUps:
    """The follow-up words of each kind, found in a scripted (simplified, lower-case) message."""

    def __init__(self, words: Mapping[str, tuple[str, ...]], script: Callable[[str], str]) -> None:
        self._patterns = {
            kind: pattern
            for kind, found in words.items()
            if (pattern := word_pattern(script(w).lower() for w in found)) is not None
        }

    def asks(self, scripted: str) -> str | None:
        """ "why", "price" or "next" when the message is that follow-up and nothing else."""
        for kind in ASKING:
            pattern = self._patterns.get(kind)
            if pattern is not None and pattern.search(scripted) and not self._rest(scripted, kind):
                return kind
        return None

    def goes_on(self, scripted: str) -> bool:
        """The message reads as carrying on from the last one ("那…", "…呢", "…能用吗")."""
        pattern = self._patterns.get("marks")
        if pattern is None:
            return False
        text = FILLER.sub("", scripted)
        found = pattern.match(text)
        ends = pattern.search(text[-1:]) if text else None
        return found is not None or ends is not None

    def _rest(self, scripted: str, kind: str) -> str:
        """What is left of the message without the kind's words, the marks and the filler."""
        text = self._patterns[kind].sub("", scripted)
        if (marks := self._patterns.get("marks")) is not None:
            text = marks.sub("", text)
        return FILLER.sub("", text)
