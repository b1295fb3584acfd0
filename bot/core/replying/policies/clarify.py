"""Two readings too close to call: the likelier is answered and the other is offered as the first
button under it (never a bare "你想问的是…" menu), unless both answer the channel asked about the
same way."""

from __future__ import annotations

from dataclasses import replace

from bot.core.replying.compose import Composer
from bot.core.replying.policies.message import Message
from bot.core.replying.turn import Turn
from bot.core.understanding.classifier import Classification
from bot.core.understanding.matcher import FALLBACK

# A runner-up with at least this share of the winner's probability is too close: ask which was meant.
AMBIGUITY_RATIO = 0.6


def close_call(result: Classification) -> tuple[str, str] | None:
    """The two intents to offer ("你想问的是…") when the best two are too close to call, else None."""
    first, second = result.analysis.ranking[:2]
    if result.intent != first.intent or second.intent == FALLBACK or result.settled:
        return None
    return (first.intent, second.intent) if second.score >= AMBIGUITY_RATIO * first.score else None


class Clarify:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn | None:
        result = message.result
        close = close_call(result)
        if close is None or self._same_channel_answer(*close, result.channel):
            return None
        likelier, other = close
        turn = self.compose.answer(likelier, message.fresh, result.channel, result.detail)
        offered = self.compose.intent_button(other)
        note = self.compose.answers.ui("other_reading", topic=self.compose.answers.title(other))
        if turn.state.pending:  # "which operator?" first: its buttons stay first
            buttons = (*turn.reply.buttons, offered)
        else:
            buttons = (offered, *(b for b in turn.reply.buttons if b != offered))
        reply = replace(turn.reply, text=f"{turn.reply.text}\n\n{note}", buttons=buttons)
        return replace(turn, reply=reply)

    def _same_channel_answer(self, first: str, second: str, channel: str | None) -> bool:
        """Both answer the channel the same way: no need to ask which was meant.

        "支付宝能充吗" is close to both 怎么充值 and 在哪充值, whose answer about 支付宝 is the same one.
        """
        answers = self.compose.answers
        owner = answers.channel_owner(first, channel)
        return owner is not None and owner == answers.channel_owner(second, channel)
