"""No intent earned an answer: for a covered operator's card, an honest "not confirmed, ask its
hotline" (a plan change, a second card's fee); else the fallback and the main menu."""

from __future__ import annotations

from bot.core.replying.compose import HOTLINE_INTENT, Composer
from bot.core.replying.policies.message import Message
from bot.core.replying.turn import Reply, Turn
from bot.core.understanding.matcher import FALLBACK


class NotUnderstood:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn | None:
        result = message.result
        if result.intent != FALLBACK:
            return None
        # Named in this message: a card remembered from before says nothing of an off-topic one.
        # Named, not only hinted at by a place ("菲律宾比索兑人民币" says nothing of a Smart card).
        if result.operator is not None and result.operator in result.operators_named:
            state = message.fresh
            text = self.compose.answers.ui("not_confirmed_ask", op=result.operator, place=state.place or "")
            buttons = (self.compose.intent_button(HOTLINE_INTENT), *self.compose.menu_buttons()[:3])
            return Turn(Reply(text, tuple(dict.fromkeys(buttons)), HOTLINE_INTENT), state)
        return self.compose.answer(FALLBACK, message.fresh)
