"""Step 4 of the core: decide the reply. Knows nothing of Telegram or terminals.

Adapters hand in the chat's state and what the user did (text, a button, a command) and get back
a Turn: the reply and the new state. The state is small and immutable, so an adapter can store
it anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.answers import Answers
from bot.core.classifier import Classification, Classifier
from bot.core.matcher import FALLBACK

# A runner-up with at least this share of the winner's probability is too close: ask which was meant.
AMBIGUITY_RATIO = 0.6
# After "which operator?", a message that names one is a new question only when it is clearly one.
NEW_QUESTION_CONFIDENCE = 0.5
MENU_INTENT = "help"
WELCOME_INTENT = "greeting"


def close_call(result: Classification) -> tuple[str, str] | None:
    """The two intents to offer ("你想问的是…") when the best two are too close to call, else None."""
    first, second = result.analysis.ranking[:2]
    if result.intent != first.intent or second.intent == FALLBACK:
        return None
    return (first.intent, second.intent) if second.score >= AMBIGUITY_RATIO * first.score else None


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # "intent:<id>", "operator:<id>", "operator-menu:<intent>" or "menu"


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    intent: str | None = None


@dataclass(frozen=True)
class ChatState:
    operator: str | None = None  # chosen earlier in this chat
    pending: str | None = None  # an intent waiting for the user to name the operator


@dataclass(frozen=True)
class Turn:
    reply: Reply
    state: ChatState


class Conversation:
    def __init__(self, classifier: Classifier, answers: Answers) -> None:
        self.classifier = classifier
        self.answers = answers
        self._operator_ids = {choice.id for choice in answers.operators}
        self._change_operator = answers.ui("change_operator")

    def restore(self, saved: object) -> ChatState:
        """A state an adapter kept (a plain dict), checked against today's content.

        Saved by an older version or before an operator or intent left the YAML, it may name
        things that no longer exist; those are forgotten rather than failing the chat.
        """
        if not isinstance(saved, dict):
            return ChatState()
        operator = saved.get("operator")
        pending = saved.get("pending")
        return ChatState(
            operator=operator if isinstance(operator, str) and operator in self._operator_ids else None,
            pending=pending if isinstance(pending, str) and self.answers.has(pending) else None,
        )

    # ---- what the user can do ------------------------------------------------------------------

    def on_text(self, text: str, state: ChatState) -> Turn:
        if not text.strip():
            return Turn(Reply(self.answers.ui("empty"), self._menu_buttons()), state)
        result = self.classifier.classify(text)
        if result.operator:
            state = replace(state, operator=result.operator)
            if state.pending and self._not_a_new_question(result, state.pending):
                return self._answer(state.pending, replace(state, pending=None))
        state = replace(state, pending=None)
        if result.intent == FALLBACK:
            return self._answer(FALLBACK, state)
        close = close_call(result)
        if close:
            return self._clarify(*close, state)
        turn = self._answer(result.intent, state)
        return self._offer_second_question(turn, result.analysis.also)

    def on_action(self, action: str, state: ChatState) -> Turn:
        kind, _, value = action.partition(":")
        if kind == "intent" and self.answers.has(value):
            return self._answer(value, replace(state, pending=None))
        if kind == "operator" and value in self._operator_ids:
            return self.choose_operator(value, state)
        if kind == "operator-menu" and self.answers.has(value):
            return self._ask_operator_for(value, state)
        if kind == "menu" and not value:
            return self._answer(MENU_INTENT, state)
        return Turn(Reply(self.answers.ui("stale_button"), self._menu_buttons()), state)

    def choose_operator(self, operator: str, state: ChatState) -> Turn:
        state = replace(state, operator=operator)
        if state.pending:
            return self._answer(state.pending, replace(state, pending=None))
        label = self.answers.operator_label(operator)
        return Turn(Reply(self.answers.ui("operator_chosen", operator=label), self._menu_buttons()), state)

    def ask_operator(self, state: ChatState) -> Turn:
        return Turn(
            Reply(self.answers.ui("ask_operator"), self._operator_buttons()), replace(state, pending=None)
        )

    def forget(self) -> Turn:
        return Turn(Reply(self.answers.ui("operator_forgotten"), self._menu_buttons()), ChatState())

    def menu(self, state: ChatState) -> Turn:
        return self._answer(MENU_INTENT, state)

    def welcome(self, state: ChatState) -> Turn:
        """The first thing a new user sees: a short hello and the main menu."""
        return Turn(
            Reply(self.answers.text(WELCOME_INTENT, None), self._menu_buttons(), WELCOME_INTENT), state
        )

    # ---- how it decides ------------------------------------------------------------------------

    @staticmethod
    def _not_a_new_question(result: Classification, pending: str) -> bool:
        # "Smart" alone after "which operator?" answers the question; "Smart卡停机了" asks a new one.
        return result.intent in (FALLBACK, pending) or result.confidence < NEW_QUESTION_CONFIDENCE

    def _answer(self, intent: str, state: ChatState) -> Turn:
        if self.answers.needs_operator(intent) and state.operator is None:
            return self._ask_operator_for(intent, state)
        buttons = [self._intent_button(i) for i in self.answers.buttons(intent)]
        if intent in (FALLBACK, MENU_INTENT):
            buttons = list(self._menu_buttons())
        elif self.answers.needs_operator(intent):
            buttons.append(Button(self._change_operator, f"operator-menu:{intent}"))
        return Turn(Reply(self.answers.text(intent, state.operator), tuple(buttons), intent), state)

    def _offer_second_question(self, turn: Turn, also: str | None) -> Turn:
        """Two questions in one message: the main one is answered, the other waits on a button."""
        # Not beside the operator choice: that question must be answered first.
        if not also or not self.answers.has(also) or also == turn.reply.intent or turn.state.pending:
            return turn
        offered = self._intent_button(also)
        buttons = (offered, *(b for b in turn.reply.buttons if b != offered))
        return replace(turn, reply=replace(turn.reply, buttons=buttons))

    def _ask_operator_for(self, intent: str, state: ChatState) -> Turn:
        reply = Reply(self.answers.ui("ask_operator"), self._operator_buttons(), intent)
        return Turn(reply, replace(state, pending=intent))

    def _clarify(self, first: str, second: str, state: ChatState) -> Turn:
        buttons = (self._intent_button(first), self._intent_button(second))
        return Turn(Reply(self.answers.ui("clarify"), buttons), state)

    def _intent_button(self, intent: str) -> Button:
        return Button(self.answers.title(intent), f"intent:{intent}")

    def _menu_buttons(self) -> tuple[Button, ...]:
        return tuple(self._intent_button(i) for i in self.answers.menu)

    def _operator_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(c.label, f"operator:{c.id}") for c in self.answers.operators)
