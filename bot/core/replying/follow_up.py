"""Tells a follow-up of the last answer ("为什么", "要多少钱", "然后呢", "那…呢") from a question of its own.

A follow-up says too little to be classified alone: "为什么" reads as a question about the bot,
"多少钱" as nothing at all. Read against the last answer it is clear. The words come from
`follow_ups:` in responses/_ui.yaml; what the conversation does with each kind is in
bot/core/replying/conversation.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.core.understanding.classifier import Classification
from bot.core.understanding.matcher import FALLBACK
from bot.core.understanding.word_pattern import word_pattern

# What a follow-up may hold besides its words: punctuation, spaces and the user talking of
# themselves ("我要多少钱啊？"). More than this and the message says something of its own.
FILLER = re.compile(r"[\s\W_]|我|要|的|了|这个|这|那个|那")
SCAM_TOPICS = frozenset({"scam_check", "scam_victim"})
VICTIM_INTENT = "scam_victim"
# Answers that are no topic a follow-up could carry on from ("为什么" after a hello is no question);
# as a weak reading of a short follow-up, they are no question of its own either.
NO_TOPIC = frozenset({FALLBACK, "help", "greeting", "thanks_bye", "change_operator", "about_bot"})
# A message of at most this many words that carries on from the last answer ("我的iPhone能用吗")
# and reads as no clear question of its own is asked about, not answered with the fallback.
FOLLOW_UP_WORDS = 6
# A weak 被骗 reading of a message this short, that tells of no loss, carries on the last topic
# ("交易号已经有了，要找谁"); a longer one says enough to be read on its own.
CARRIED_ON_WORDS = 10
# A reading at least this sure is a question of its own, whatever words it shares with a follow-up.
SURE = 0.5

# What a message is, read against the last answer:
#   place: it only says where the user is ("在国外呢")     why / price / next: it asks only that
#   again: a weak 被骗 reading that tells of no loss      unclear: too little to answer, asked about
#   waiting: why / price / next while "which operator?" waits for its answer
Kind = Literal["place", "why", "price", "next", "again", "unclear", "waiting"]
# Kinds whose words alone make the message a follow-up, in the order they are tried.
ASKING: tuple[Kind, ...] = ("why", "price", "next")


@dataclass(frozen=True)
class Before:
    """What the chat holds of the last turn, as far as a follow-up depends on it."""

    last: str | None  # the intent last answered
    pending: bool  # "which operator?" is waiting
    verdict: bool  # the last answer was a scam verdict


class FollowUps:
    """The follow-up words of each kind, found in a scripted (simplified, lower-case) message."""

    def __init__(self, words: Mapping[str, tuple[str, ...]], script: Callable[[str], str]) -> None:
        self._patterns = {
            kind: pattern
            for kind, found in words.items()
            if (pattern := word_pattern(script(w).lower() for w in found)) is not None
        }

    def asks(self, scripted: str) -> Kind | None:
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
        if pattern.match(text):
            return True
        return any(m.end() == len(text) for m in pattern.finditer(text))

    def bare(self, scripted: str) -> str:
        """The message without the words that ask what comes next and the marks ("那我在国内怎么办"
        is "我在国内")."""
        for kind in ("next", "marks"):
            if (pattern := self._patterns.get(kind)) is not None:
                scripted = pattern.sub("", scripted)
        return scripted

    def _rest(self, scripted: str, kind: str) -> str:
        """What is left of the message without the kind's words, the marks and the filler."""
        text = self._patterns[kind].sub("", scripted)
        if (marks := self._patterns.get("marks")) is not None:
            text = marks.sub("", text)
        return FILLER.sub("", text)

    def read(
        self, result: Classification, before: Before, only_a_place: bool, told_of_a_loss: bool
    ) -> Kind | None:
        """Which follow-up the message is, or None for a question of its own."""
        if result.place and only_a_place and not (before.pending and result.operator):
            return "place"
        kind = self.asks(result.analysis.scripted)
        if before.pending:
            return "waiting" if kind else None  # "为什么", "多少钱" before the operator is named
        if before.last is None:
            return None
        if kind:
            return kind
        unsure = result.intent == FALLBACK or result.confidence < SURE
        words = len(result.analysis.words)
        after_another_topic = before.last not in SCAM_TOPICS and not before.verdict
        brief = words <= CARRIED_ON_WORDS and not told_of_a_loss
        if result.intent == VICTIM_INTENT and unsure and brief and after_another_topic:
            return "again"
        no_answer = result.intent == FALLBACK or (result.intent in NO_TOPIC and unsure)
        named = result.operator or result.uncovered
        if no_answer and words <= FOLLOW_UP_WORDS and not named and self.goes_on(result.analysis.scripted):
            return "unclear"
        return None
