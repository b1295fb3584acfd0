"""No intent earned an answer: the fallback and the main menu."""

from __future__ import annotations

from bot.core.replying.compose import Composer
from bot.core.replying.policies.message import Message
from bot.core.replying.turn import Turn
from bot.core.understanding.matcher import FALLBACK


class NotUnderstood:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn | None:
        if message.result.intent != FALLBACK:
            return None
        return self.compose.answer(FALLBACK, message.fresh)
