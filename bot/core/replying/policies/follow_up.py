"""A short message read against the last answer (bot/core/replying/follow_up.py says which kind
it is): "为什么", "要多少钱", "然后呢", a weak 被骗 reading that tells of no loss, or too little to
answer. A place alone is bot/core/replying/policies/only_a_place.py's."""

from __future__ import annotations

from dataclasses import replace

from bot.core.replying.compose import SCAM_INTENT, VICTIM_INTENT, Composer
from bot.core.replying.policies.message import Message
from bot.core.replying.turn import ChatState, Reply, Turn

# The narrower question (intents/_details.yaml) that "要多少钱" after an answer asks, where it has one.
PRICE_DETAIL = "min_amount"


class FollowUp:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn | None:
        kind, state = message.follow_up, message.state
        compose, answers = self.compose, self.compose.answers
        if kind == "waiting":
            return compose.still_which_operator(state)
        if kind is None or kind == "place" or state.last is None:
            return None
        if kind == "why" and state.verdict is not None:
            return self._why_verdict(state)
        if kind == "why":
            return compose.about_topic("why_answer", state)
        if kind == "price" and answers.has_detail(state.last, state.operator, PRICE_DETAIL):
            return compose.answer(state.last, state, state.last_channel, PRICE_DETAIL)
        if kind == "price":
            return compose.about_topic("follow_up_price", state)
        if kind == "next" and state.verdict is not None:
            # "那怎么办" after a verdict: it depends on whether the user has paid or given a code yet.
            buttons = (compose.intent_button(VICTIM_INTENT), *compose.topic_buttons(SCAM_INTENT))
            text = answers.ui("verdict_next", topic=answers.title(VICTIM_INTENT))
            return Turn(Reply(text, buttons, SCAM_INTENT), state)
        if kind == "next" and (more := answers.more(state.last)):
            return Turn(Reply(more, compose.topic_buttons(state.last), state.last), state)
        if kind == "next":
            return compose.about_topic("follow_up_next", state)
        if kind == "again":
            # "交易号已经有了，要找谁" after a top-up that did not arrive: no loss told, the same topic.
            turn = compose.answer(state.last, state, state.last_channel, state.last_detail)
            lead = answers.ui("follow_up_again", topic=answers.title(state.last))
            return replace(turn, reply=replace(turn.reply, text=f"{lead}\n{turn.reply.text}"))
        return compose.about_topic("follow_up_unclear", state)  # "我的iPhone能用吗"

    def _why_verdict(self, state: ChatState) -> Turn:
        """ "为什么" after a verdict: every red flag it found, not cut short as the verdict may be."""
        answers = self.compose.answers
        if not state.reasons:
            text = answers.ui("verdict_why_none")
        else:
            flags = "\n".join(f"· {reason}" for reason in state.reasons)
            text = f"{answers.ui('verdict_why')}\n{flags}\n{answers.ui('verdict_why_end')}"
        return Turn(Reply(text, self.compose.topic_buttons(SCAM_INTENT), SCAM_INTENT), state)
