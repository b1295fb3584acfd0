"""The answer to what the message asks (for its channel, place and narrower question), and a
second question's when the message asks two."""

from __future__ import annotations

from dataclasses import replace

from bot.core.replying.compose import Composer
from bot.core.replying.policies.message import Message
from bot.core.replying.turn import Turn

# Two questions in one message are answered together only when both answers are this short: a
# second question the matcher found by mistake then costs a line, not a screen.
TWO_QUESTIONS_MAX = 450


class Answer:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn:
        result = message.result
        turn = self.compose.answer(result.intent, message.fresh, result.channel, result.detail)
        return self._offer_second_question(turn, result.analysis.also)

    def _offer_second_question(self, turn: Turn, also: str | None) -> Turn:
        """Two questions in one message: both answered when both are short, else the main one is
        answered and the reply says there is a second, whose button comes first."""
        answers = self.compose.answers
        # Not beside the operator choice: that question must be answered first.
        if not also or not answers.has(also) or also == turn.reply.intent or turn.state.pending:
            return turn
        reply, operator = turn.reply, turn.state.operator
        if not answers.needs_operator(also) or operator is not None:
            second = answers.text(also, operator, None, turn.state.place)
            if len(reply.text) + len(second) + 2 <= TWO_QUESTIONS_MAX:
                return replace(turn, reply=replace(reply, text=f"{reply.text}\n\n{second}"))
        offered = self.compose.intent_button(also)
        buttons = (offered, *(b for b in reply.buttons if b != offered))
        note = answers.ui("second_question", topic=answers.title(also))
        return replace(turn, reply=replace(reply, text=f"{reply.text}\n\n{note}", buttons=buttons))
