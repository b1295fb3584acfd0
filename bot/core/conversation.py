"""Step 4 of the core: decide the reply. Knows nothing of Telegram or terminals.

Adapters hand in the chat's state and what the user did (text, a button, a command) and get back
a Turn: the reply and the new state. The state is small and immutable, so an adapter can store
it anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.core.answers import Answers
from bot.core.classifier import Classification, Classifier
from bot.core.matcher import FALLBACK

if TYPE_CHECKING:
    from bot.core.risk import RiskReport
    from bot.core.risk_reply import RiskCheck

# A runner-up with at least this share of the winner's score is too close: ask which was meant.
AMBIGUITY_RATIO = 0.9
# After "which operator?", a message that names one is a new question only when it is clearly one.
NEW_QUESTION_CONFIDENCE = 0.5
MENU_INTENT = "help"
WELCOME_INTENT = "greeting"


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
    def __init__(self, classifier: Classifier, answers: Answers, risk: RiskCheck | None = None) -> None:
        self.classifier = classifier
        self.answers = answers
        self.risk = risk
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
        # A pasted advert or "客服" message is rated before it is read as a question, whatever
        # the chat was waiting for: its top-up words must not earn it a top-up answer.
        if self.risk is not None and (report := self.risk.scan(text)).risky:
            return self._verdict(report, text, state)
        result = self.classifier.classify(text)
        if result.operator:
            state = replace(state, operator=result.operator)
            if state.pending and self._not_a_new_question(result, state.pending):
                return self._answer(state.pending, replace(state, pending=None))
        state = replace(state, pending=None)
        ranking = result.analysis.ranking
        if result.intent == FALLBACK:
            return self._answer(FALLBACK, state)
        runner_up = ranking[1]
        if runner_up.intent != FALLBACK and runner_up.score >= AMBIGUITY_RATIO * ranking[0].score:
            return self._clarify(ranking[0].intent, runner_up.intent, state)
        return self._answer(result.intent, state)

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

    def check(self, text: str, state: ChatState) -> Turn:
        """The verdict on a message, whatever its level (/check, a forwarded message)."""
        if self.risk is None or not text.strip():
            return Turn(Reply(self.answers.ui("check_how")), state)
        return self._verdict(self.risk.scan(text), text, state)

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

    def _verdict(self, report: RiskReport, text: str, state: ChatState) -> Turn:
        assert self.risk is not None
        # The official way for the operator the message imitates or names, else the chat's own.
        operators = self.classifier.operators
        named = operators.find(self.classifier.normalize.script(text))
        reply = self.risk.reply(report, report.operator or named or state.operator)
        return Turn(reply, replace(state, pending=None))

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
