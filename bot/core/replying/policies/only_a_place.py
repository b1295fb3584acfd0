"""A message that only says where the user is ("在国外呢", "我在日本", "I'm in Cebu now"): the last
question again for that place, or a line that says the answer is the same there."""

from __future__ import annotations

from dataclasses import replace

from bot.core.replying.compose import HOTLINE_INTENT, Composer
from bot.core.replying.policies.message import Message
from bot.core.replying.turn import ChatState, Reply, Turn


class OnlyAPlace:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn | None:
        place = message.result.place
        if message.follow_up != "place" or place is None:
            return None
        # A place hint's operator (菲律宾 → Smart) is no choice: the card is still the one asked about.
        state = replace(message.state, place=place)
        if state.pending:
            return self.compose.still_which_operator(state)
        if state.last and state.verdict is None:
            return self._for_the_place(place, state)
        label = self.compose.answers.places[place]
        text = self.compose.answers.ui("place_noted", place=label)
        return Turn(Reply(text, self.compose.menu_buttons()), state)

    def _for_the_place(self, place: str, state: ChatState) -> Turn:
        """The last question again for where the user now says they are; when the answer is the
        same as without a place, a line that says so instead of the same answer twice."""
        assert state.last is not None
        answers = self.compose.answers
        last, channel, detail = state.last, state.last_channel, state.last_detail
        needs = answers.needs_operator(last)
        if needs and state.operator is None:
            return self.compose.answer(last, state, channel, detail)
        detail = detail if needs else None
        here = answers.text(last, state.operator, channel, place, detail)
        if here != answers.text(last, state.operator, channel, None, detail):
            return self.compose.answer(last, state, channel, detail)
        label = answers.places[place]
        text = answers.ui("follow_up_same_place", place=label, topic=answers.title(last))
        hotline = self.compose.intent_button(HOTLINE_INTENT)
        buttons = tuple(dict.fromkeys((*self.compose.topic_buttons(last), hotline)))
        return Turn(Reply(text, buttons, last), state)
