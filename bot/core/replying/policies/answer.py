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
PHILIPPINES = "philippines"  # a place id of intents/_places.yaml
FRIEND = "friend"  # the channel of topping up through someone there (intents/_channels.yaml)


class Answer:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn:
        result = message.result
        # A channel the user refuses ("别让我去营业厅") is not the one asked about.
        situation = message.state.situation
        channel = None if result.channel in situation.lacks else result.channel
        # Someone in the Philippines who is not the card's owner ("表哥在马尼拉，他能帮我充吗") is a
        # friend there: the answer for topping up through a friend, where there is one.
        there = situation.person_place == PHILIPPINES and not situation.owner
        if channel is None and there and self.compose.answers.channel_owner(result.intent, FRIEND):
            channel = FRIEND
        turn = self.compose.answer(result.intent, message.fresh, channel, result.detail)
        turn = self._for_someone(message, turn)
        return self._offer_second_question(turn, result.analysis.also)

    def _for_someone(self, message: Message, turn: Turn) -> Turn:
        """The card is someone else's ("我爸的移动卡"): the answer says whose, and where they are."""
        situation, answers = message.situation, self.compose.answers
        if situation.person is None or not situation.owner or turn.state.pending:
            return turn
        if not answers.has(turn.reply.intent or "") or not answers.needs_operator(turn.reply.intent or ""):
            return turn
        person = self.compose.classifier.situation.label(situation.person)
        place = answers.places.get(situation.person_place or "", "")
        line = answers.ui("for_someone", person=person, place=place)
        return replace(turn, reply=replace(turn.reply, text=f"{line}\n{turn.reply.text}"))

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
