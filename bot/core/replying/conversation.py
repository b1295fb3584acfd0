"""Step 4 of the core: decide the reply. Knows nothing of Telegram or terminals.

Adapters hand in the chat's state and what the user did (text, a button, a command) and get back
a Turn: the reply and the new state. The state is small and immutable, so an adapter can store
it anywhere. What a typed message gets is decided by the policies in bot/core/replying/policies/,
tried in the order listed there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from bot.core.replying.answers import Answers
from bot.core.replying.caveats import KEPT as KEPT_CAVEATS
from bot.core.replying.compose import KEPT_REASONS, MENU_INTENT, Composer
from bot.core.replying.follow_up import Before, FollowUps
from bot.core.replying.places_said import PlacesSaid
from bot.core.replying.policies import Message, policies
from bot.core.replying.script import SCRIPTS, ScriptConverter, ScriptDetector
from bot.core.replying.turn import ChatState, Reply, Turn
from bot.core.understanding.classifier import Classifier
from bot.core.understanding.sensitive import sensitive_numbers

if TYPE_CHECKING:
    from bot.core.risk.reply import RiskCheck

WELCOME_INTENT = "greeting"
LEVELS = ("low", "medium", "high")


P = ParamSpec("P")


def in_users_script(
    step: Callable[Concatenate[Conversation, P], Turn],
) -> Callable[Concatenate[Conversation, P], Turn]:
    """Converts the reply of a public step to the script the chat last wrote in."""

    @functools.wraps(step)
    def wrapper(self: Conversation, *args: P.args, **kwargs: P.kwargs) -> Turn:
        turn = step(self, *args, **kwargs)
        script = turn.state.script
        if script is None:
            return turn
        reply = turn.reply
        buttons = tuple(replace(b, label=self.convert(b.label, script)) for b in reply.buttons)
        return replace(turn, reply=replace(reply, text=self.convert(reply.text, script), buttons=buttons))

    return wrapper


class Conversation:
    def __init__(self, classifier: Classifier, answers: Answers, risk: RiskCheck | None = None) -> None:
        self.classifier = classifier
        self.answers = answers
        self.risk = risk
        self._compose = Composer(classifier, answers, risk)
        self._operator_ids = {choice.id for choice in answers.operators}
        self._places = PlacesSaid(classifier.places.words)
        self._policies = policies(self._compose, self._places)
        self._scripts = ScriptDetector()
        self.convert = ScriptConverter()
        self._official_numbers = answers.official_numbers
        self._follow_ups = FollowUps(answers.follow_ups, classifier.normalize.script)

    def restore(self, saved: object) -> ChatState:
        """A state an adapter kept (a plain dict), checked against today's content.

        Saved by an older version or before an operator or intent left the YAML, it may name
        things that no longer exist; those are forgotten rather than failing the chat.
        """
        if not isinstance(saved, dict):
            return ChatState()
        operator = saved.get("operator")
        pending = saved.get("pending")
        channel = saved.get("channel")
        detail = saved.get("detail")
        script = saved.get("script")
        place = saved.get("place")
        pending = pending if isinstance(pending, str) and self.answers.has(pending) else None
        last = saved.get("last")
        last = last if isinstance(last, str) and self.answers.has(last) else None
        last_channel, last_detail = saved.get("last_channel"), saved.get("last_detail")
        verdict = saved.get("verdict")
        verdict = verdict if last and isinstance(verdict, str) and verdict in LEVELS else None
        reasons = saved.get("reasons")
        said = saved.get("said")
        reasons = reasons if verdict and isinstance(reasons, list | tuple) else ()
        return ChatState(
            operator=operator if isinstance(operator, str) and operator in self._operator_ids else None,
            pending=pending,
            channel=channel
            if pending and isinstance(channel, str) and channel in self.answers.channels
            else None,
            detail=detail if pending and isinstance(detail, str) and detail in self.answers.details else None,
            script=script if isinstance(script, str) and script in SCRIPTS else None,
            place=place if isinstance(place, str) and place in self.answers.places else None,
            last=last,
            last_channel=last_channel
            if last and isinstance(last_channel, str) and last_channel in self.answers.channels
            else None,
            last_detail=last_detail
            if last and isinstance(last_detail, str) and last_detail in self.answers.details
            else None,
            verdict=verdict,
            reasons=tuple(r for r in reasons if isinstance(r, str))[:KEPT_REASONS],
            situation=self.classifier.situation.restore(saved.get("situation")),
            said=tuple(d for d in said if isinstance(d, str))[-KEPT_CAVEATS:]
            if isinstance(said, list | tuple)
            else (),
        )

    def warm_up(self) -> None:
        """Loads what the first message would otherwise wait for: the scan's link parser
        (the Public Suffix List, ~0.05 s) and a script converter. For a process that serves people."""
        self.on_text("smart.com.ph 點樣增值", ChatState())

    # ---- what the user can do ------------------------------------------------------------------

    @in_users_script
    def on_text(self, text: str, state: ChatState) -> Turn:
        turn = self._on_text(text, state)
        # A number or code in a question (not in a pasted advert, whose verdict says enough):
        # first say the bot needs none, then answer as usual.
        if turn.heard is not None and sensitive_numbers(text, self._official_numbers):
            warning = self.answers.ui("numbers_not_needed")
            return replace(turn, reply=replace(turn.reply, text=f"{warning}\n\n{turn.reply.text}"))
        return turn

    def _on_text(self, text: str, state: ChatState) -> Turn:
        if script := self._scripts.detect(text, state.script):
            state = replace(state, script=script)
        if not text.strip():
            return Turn(Reply(self.answers.ui("empty"), self._compose.menu_buttons()), state)
        report = self.risk.scan(text) if self.risk is not None else None
        result = self.classifier.classify(text)
        situation = result.situation
        state = replace(state, situation=state.situation.then(situation))
        # Which follow-up of the last answer it is: "在国外呢" (a place and the words of a
        # follow-up, nothing else), "为什么", a weak 被骗 reading that tells of no loss…
        before = Before(state.last, state.pending is not None, state.verdict is not None)
        only_a_place = result.place is not None and self._places.only_a_place(
            self._follow_ups.bare(result.analysis.scripted)
        )
        told_of_a_loss = report is not None and report.victim
        kind = self._follow_ups.read(result, before, only_a_place, told_of_a_loss)
        return self.decide(Message(text, result, report, state, kind, situation))

    def decide(self, message: Message) -> Turn:
        """The reply of the first policy that applies to the message as read."""
        for policy in self._policies:
            if (turn := policy(message)) is not None:
                # A verdict rates a pasted message: it was not asked as a question.
                return turn if turn.rated is not None else replace(turn, heard=message.result)
        raise AssertionError("the last policy always answers")

    @in_users_script
    def on_action(self, action: str, state: ChatState) -> Turn:
        kind, _, value = action.partition(":")
        if kind == "intent" and self.answers.has(value):
            return replace(
                self._compose.answer(value, replace(state, pending=None, channel=None)), tapped=value
            )
        if kind == "operator" and value in self._operator_ids:
            return self._compose.choose_operator(value, state)
        if kind == "operator-menu" and self.answers.has(value):
            return self._compose.ask_operator_for(value, state)
        if kind == "more" and self.answers.has(value) and (more := self.answers.more(value)):
            return Turn(Reply(more, self._compose.menu_buttons(), value), state)
        if kind == "menu" and not value:
            return self._compose.answer(MENU_INTENT, state)
        return Turn(Reply(self.answers.ui("stale_button"), self._compose.menu_buttons()), state)

    @in_users_script
    def check(self, text: str, state: ChatState) -> Turn:
        """The verdict on a message, whatever its level (/check, a forwarded message)."""
        if self.risk is None or not text.strip():
            return Turn(Reply(self.answers.ui("check_how")), state)
        return self._compose.verdict(self.risk.scan(text), text, state)

    @in_users_script
    def choose_operator(self, operator: str, state: ChatState) -> Turn:
        return self._compose.choose_operator(operator, state)

    @in_users_script
    def ask_operator(self, state: ChatState) -> Turn:
        return Turn(
            Reply(self.answers.ui("ask_operator"), self._compose.operator_buttons()),
            replace(state, pending=None),
        )

    @in_users_script
    def forget(self, state: ChatState | None = None) -> Turn:
        """Forgets the operator and any pending question; the script stays, it is how the user writes."""
        kept = ChatState(script=state.script if state else None)
        return Turn(Reply(self.answers.ui("operator_forgotten"), self._compose.menu_buttons()), kept)

    @in_users_script
    def notice(self, name: str, state: ChatState, **variables: str) -> Turn:
        """One of the conversation's own texts (_ui.yaml), with the main menu under it."""
        return Turn(Reply(self.answers.ui(name, **variables), self._compose.menu_buttons()), state)

    @in_users_script
    def menu(self, state: ChatState) -> Turn:
        return self._compose.answer(MENU_INTENT, state)

    @in_users_script
    def welcome(self, state: ChatState) -> Turn:
        """The first thing a new user sees: a short hello and the main menu."""
        return Turn(
            Reply(self.answers.text(WELCOME_INTENT, None), self._compose.menu_buttons(), WELCOME_INTENT),
            state,
        )

    def say(self, name: str, state: ChatState) -> str:
        """One of the conversation's own texts (_ui.yaml) in the chat's script, for the adapters."""
        return self.convert(self.answers.ui(name), state.script)
