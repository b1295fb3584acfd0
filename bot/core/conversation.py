"""Step 4 of the core: decide the reply. Knows nothing of Telegram or terminals.

Adapters hand in the chat's state and what the user did (text, a button, a command) and get back
a Turn: the reply and the new state. The state is small and immutable, so an adapter can store
it anywhere.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from bot.core.answers import Answers
from bot.core.classifier import Classification, Classifier
from bot.core.matcher import FALLBACK
from bot.core.script import SCRIPTS, ScriptConverter, ScriptDetector
from bot.core.sensitive import sensitive_numbers

if TYPE_CHECKING:
    from bot.core.risk.reply import RiskCheck
    from bot.core.risk.scanner import RiskReport

# A runner-up with at least this share of the winner's probability is too close: ask which was meant.
AMBIGUITY_RATIO = 0.6
# After "which operator?", a message that names one is a new question only when it is clearly one.
NEW_QUESTION_CONFIDENCE = 0.5
MENU_INTENT = "help"
# What may stand beside a place in a message that only says where the user is.
PLACE_FILLER = re.compile(
    r"[\s\W\d_]|我|人|现在|目前|呢|啊|哦|呀|了|的|\b(?:i|m|im|am|in|at|now|here|currently|ako|dito|sa|na)\b"
)
SCAM_INTENT = "scam_check"  # the answer a channel question about an offer borrows from
VICTIM_INTENT = "scam_victim"  # someone who already paid or gave a code: steps, not a verdict
CHANGE_OPERATOR_INTENT = "change_operator"  # its answer carries the operator buttons
# A message of at most this many words that names an operator and asks nothing ("联通的") chooses it.
ONLY_AN_OPERATOR_WORDS = 3
# Answers that hold for any operator's card, so naming one the bot does not cover changes nothing.
ANY_OPERATOR_INTENTS = frozenset({"scam_check", "scam_victim", "about_bot", "greeting", "thanks_bye", "help"})
WELCOME_INTENT = "greeting"


def close_call(result: Classification) -> tuple[str, str] | None:
    """The two intents to offer ("你想问的是…") when the best two are too close to call, else None."""
    first, second = result.analysis.ranking[:2]
    if result.intent != first.intent or second.intent == FALLBACK or result.settled:
        return None
    return (first.intent, second.intent) if second.score >= AMBIGUITY_RATIO * first.score else None


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # "intent:<id>", "operator:<id>", "operator-menu:<intent>", "more:<intent>" or "menu"


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    intent: str | None = None


@dataclass(frozen=True)
class ChatState:
    operator: str | None = None  # chosen earlier in this chat
    pending: str | None = None  # an intent waiting for the user to name the operator
    channel: str | None = None  # the channel that pending question named
    detail: str | None = None  # the narrower question it asked (intents/_details.yaml)
    script: str | None = None  # the script the user last wrote in (bot/core/script.py)
    place: str | None = None  # where the user last said they are (intents/_places.yaml)


@dataclass(frozen=True)
class Rated:
    """A message the scam check gave its verdict on, as the operator's records need it."""

    text: str
    report: RiskReport


@dataclass(frozen=True)
class Turn:
    reply: Reply
    state: ChatState
    heard: Classification | None = None  # how a typed question was read (for the operator's records)
    rated: Rated | None = None  # the message the reply gives a scam verdict on (for the records)
    tapped: str | None = None  # the intent of a tapped intent button (for the records)


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
        self._operator_ids = {choice.id for choice in answers.operators}
        self._change_operator = answers.ui("change_operator")
        # Longest first, so "在菲律宾" goes whole before "菲律宾" could.
        names = sorted(classifier.places.words, key=len, reverse=True)
        self._place_names = re.compile("|".join(map(re.escape, names)) or "(?!)")
        self._scripts = ScriptDetector()
        self.convert = ScriptConverter()
        self._official_numbers = answers.official_numbers

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
        return ChatState(
            operator=operator if isinstance(operator, str) and operator in self._operator_ids else None,
            pending=pending,
            channel=channel
            if pending and isinstance(channel, str) and channel in self.answers.channels
            else None,
            detail=detail if pending and isinstance(detail, str) and detail in self.answers.details else None,
            script=script if isinstance(script, str) and script in SCRIPTS else None,
            place=place if isinstance(place, str) and place in self.answers.places else None,
        )

    def warm_up(self) -> None:
        """Loads what the first message would otherwise wait for: the scan's link parser
        (tldextract, ~0.1 s) and a script converter. For a process that serves people."""
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
            return Turn(Reply(self.answers.ui("empty"), self._menu_buttons()), state)
        # A pasted advert or "客服" message gets its verdict whatever the chat was waiting for: its
        # top-up words must not earn it a top-up answer. A victim's story that is not plainly a
        # scam offer is answered with help (the classifier's reading) instead.
        report = self.risk.scan(text) if self.risk is not None else None
        result = self.classifier.classify(text)
        # The scanner may not see the victim in it ("我已经付了钱给代充没到账") where the reading
        # does: the words of the offer are in it, but what they need is the steps to take now.
        victim = report is not None and (
            report.wants_help or (report.level != "high" and result.intent == VICTIM_INTENT)
        )
        if report is not None and report.risky and not victim:
            return self._verdict(report, text, state)
        return replace(self._decide(result, state), heard=result)

    def _decide(self, result: Classification, state: ChatState) -> Turn:
        if result.place:
            state = replace(state, place=result.place)
        if (turn := self._about_the_operator(result, state)) is not None:
            return turn
        if result.operator:
            state = replace(state, operator=result.operator)
            if state.pending and self._not_a_new_question(result, state.pending):
                return self._answer(state.pending, replace(state, pending=None), state.channel, state.detail)
        state = replace(state, pending=None, channel=None, detail=None)
        if result.intent == FALLBACK and result.place and self._only_a_place(result.analysis.scripted):
            # "我在日本" after an answer that depends on where the user is: kept, not unanswered.
            label = self.answers.places[result.place]
            return Turn(Reply(self.answers.ui("place_noted", place=label), self._menu_buttons()), state)
        if result.intent == FALLBACK:
            return self._answer(FALLBACK, state)
        close = close_call(result)
        if close and not self._same_channel_answer(*close, result.channel):
            return self._clarify(*close, state)
        turn = self._answer(result.intent, state, result.channel, result.detail)
        return self._offer_second_question(turn, result.analysis.also)

    @in_users_script
    def on_action(self, action: str, state: ChatState) -> Turn:
        kind, _, value = action.partition(":")
        if kind == "intent" and self.answers.has(value):
            return replace(self._answer(value, replace(state, pending=None, channel=None)), tapped=value)
        if kind == "operator" and value in self._operator_ids:
            return self._choose_operator(value, state)
        if kind == "operator-menu" and self.answers.has(value):
            return self._ask_operator_for(value, state)
        if kind == "more" and self.answers.has(value) and (more := self.answers.more(value)):
            return Turn(Reply(more, self._menu_buttons(), value), state)
        if kind == "menu" and not value:
            return self._answer(MENU_INTENT, state)
        return Turn(Reply(self.answers.ui("stale_button"), self._menu_buttons()), state)

    @in_users_script
    def check(self, text: str, state: ChatState) -> Turn:
        """The verdict on a message, whatever its level (/check, a forwarded message)."""
        if self.risk is None or not text.strip():
            return Turn(Reply(self.answers.ui("check_how")), state)
        return self._verdict(self.risk.scan(text), text, state)

    @in_users_script
    def choose_operator(self, operator: str, state: ChatState) -> Turn:
        return self._choose_operator(operator, state)

    @in_users_script
    def ask_operator(self, state: ChatState) -> Turn:
        return Turn(
            Reply(self.answers.ui("ask_operator"), self._operator_buttons()), replace(state, pending=None)
        )

    @in_users_script
    def forget(self, state: ChatState | None = None) -> Turn:
        """Forgets the operator and any pending question; the script stays, it is how the user writes."""
        kept = ChatState(script=state.script if state else None)
        return Turn(Reply(self.answers.ui("operator_forgotten"), self._menu_buttons()), kept)

    @in_users_script
    def notice(self, name: str, state: ChatState, **variables: str) -> Turn:
        """One of the conversation's own texts (_ui.yaml), with the main menu under it."""
        return Turn(Reply(self.answers.ui(name, **variables), self._menu_buttons()), state)

    @in_users_script
    def menu(self, state: ChatState) -> Turn:
        return self._answer(MENU_INTENT, state)

    @in_users_script
    def welcome(self, state: ChatState) -> Turn:
        """The first thing a new user sees: a short hello and the main menu."""
        return Turn(
            Reply(self.answers.text(WELCOME_INTENT, None), self._menu_buttons(), WELCOME_INTENT), state
        )

    def say(self, name: str, state: ChatState) -> str:
        """One of the conversation's own texts (_ui.yaml) in the chat's script, for the adapters."""
        return self.convert(self.answers.ui(name), state.script)

    # ---- how it decides ------------------------------------------------------------------------

    def _about_the_operator(self, result: Classification, state: ChatState) -> Turn | None:
        """Which operator, before what is asked: an uncovered one named, two named at once, a
        switch asked for, or only a (corrected) operator named; None when none of these applies."""
        intent = result.intent
        wants_operator = intent == FALLBACK or (
            self.answers.has(intent) and self.answers.needs_operator(intent)
        )
        if result.operator and result.corrected and (not wants_operator or not self._sure(result)):
            return self._choose_operator(result.operator, state)  # "是联通的卡，不对，是电信"
        if intent == CHANGE_OPERATOR_INTENT and result.operator:
            return self._choose_operator(result.operator, state)  # "我想改问中国移动的"
        if intent == CHANGE_OPERATOR_INTENT:
            reply = Reply(self.answers.text(intent, None), self._operator_buttons(), intent)
            return Turn(reply, replace(state, pending=None, channel=None))
        if result.uncovered and (intent not in ANY_OPERATOR_INTENTS or not self._sure(result)):
            label = self.answers.uncovered_label(result.uncovered)
            reply = Reply(self.answers.ui("not_covered", operator=label), self._menu_buttons(), intent)
            return Turn(reply, replace(state, pending=None, channel=None))
        named = result.operators_named
        if len(named) > 1 and intent != FALLBACK and wants_operator:
            labels = "、".join(self.answers.operator_label(op) for op in named)
            buttons = tuple(Button(self.answers.operator_label(op), f"operator:{op}") for op in named)
            reply = Reply(self.answers.ui("which_operator", operators=labels), buttons, intent)
            return Turn(reply, replace(state, pending=intent, channel=result.channel, detail=result.detail))
        only_an_operator = result.corrected or len(result.analysis.words) <= ONLY_AN_OPERATOR_WORDS
        # A name alone ("smart") is a choice however surely it reads as a question about it.
        unsure = intent == FALLBACK or not self._sure(result) or len(result.analysis.words) == 1
        if unsure and result.operator in result.operators_named and only_an_operator:
            return self._choose_operator(result.operator, state)  # "联通的", "不是问移动，是问联通"
        return None

    def _only_a_place(self, scripted: str) -> bool:
        """The message says where the user is and nothing else ("我在日本", "I'm in Cebu now")."""
        return not PLACE_FILLER.sub("", self._place_names.sub("", scripted))

    @staticmethod
    def _sure(result: Classification) -> bool:
        return result.confidence >= NEW_QUESTION_CONFIDENCE

    @staticmethod
    def _not_a_new_question(result: Classification, pending: str) -> bool:
        # "Smart" alone after "which operator?" answers the question; "Smart卡停机了" asks a new one.
        return result.intent in (FALLBACK, pending) or result.confidence < NEW_QUESTION_CONFIDENCE

    def _choose_operator(self, operator: str, state: ChatState) -> Turn:
        state = replace(state, operator=operator)
        if state.pending:
            pending = replace(state, pending=None, channel=None, detail=None)
            return self._answer(state.pending, pending, state.channel, state.detail)
        label = self.answers.operator_label(operator)
        return Turn(Reply(self.answers.ui("operator_chosen", operator=label), self._menu_buttons()), state)

    def _answer(
        self, intent: str, state: ChatState, channel: str | None = None, detail: str | None = None
    ) -> Turn:
        if self.answers.needs_operator(intent) and state.operator is None:
            return self._ask_operator_for(intent, state, channel, detail)
        buttons = [self._intent_button(i) for i in self.answers.buttons(intent)]
        if (title := self.answers.more_title(intent)) is not None:
            buttons.insert(0, Button(title, f"more:{intent}"))
        if intent in (FALLBACK, MENU_INTENT):
            buttons = list(self._menu_buttons())
        elif self.answers.needs_operator(intent):
            buttons.append(Button(self._change_operator, f"operator-menu:{intent}"))
        # A detail is a narrower question about an operator's card ("PUK码是多少"), not about scams.
        detail = detail if self.answers.needs_operator(intent) else None
        text = self.answers.text(intent, state.operator, channel, state.place, detail)
        return Turn(Reply(text, tuple(buttons), intent), replace(state, channel=None, detail=None))

    def _offer_second_question(self, turn: Turn, also: str | None) -> Turn:
        """Two questions in one message: the main one is answered, the other waits on a button."""
        # Not beside the operator choice: that question must be answered first.
        if not also or not self.answers.has(also) or also == turn.reply.intent or turn.state.pending:
            return turn
        offered = self._intent_button(also)
        buttons = (offered, *(b for b in turn.reply.buttons if b != offered))
        return replace(turn, reply=replace(turn.reply, buttons=buttons))

    def _same_channel_answer(self, first: str, second: str, channel: str | None) -> bool:
        """Both answer the channel the same way: no need to ask which was meant.

        "支付宝能充吗" is close to both 怎么充值 and 在哪充值, whose answer about 支付宝 is the same one.
        """
        owner = self.answers.channel_owner(first, channel)
        return owner is not None and owner == self.answers.channel_owner(second, channel)

    def _verdict(self, report: RiskReport, text: str, state: ChatState) -> Turn:
        assert self.risk is not None
        # The official way for the operator the message imitates or names, else the chat's own.
        scripted = self.classifier.normalize.script(text)
        operator = report.operator or self.classifier.operators.find(scripted).operator or state.operator
        # A question about a channel's offer (淘宝上八折充话费靠谱吗) that is not plainly a scam
        # gets what is known of that channel in place of the general way.
        channel = self.classifier.channels.find(scripted) if report.level != "high" else None
        owner = self.answers.channel_owner(SCAM_INTENT, channel)
        instead = self.answers.text(owner, operator, channel) if owner else None
        reply = self.risk.reply(report, operator, instead)
        return Turn(reply, replace(state, pending=None), rated=Rated(text, report))

    def _ask_operator_for(
        self, intent: str, state: ChatState, channel: str | None = None, detail: str | None = None
    ) -> Turn:
        reply = Reply(self.answers.ui("ask_operator"), self._operator_buttons(), intent)
        return Turn(reply, replace(state, pending=intent, channel=channel, detail=detail))

    def _clarify(self, first: str, second: str, state: ChatState) -> Turn:
        buttons = (self._intent_button(first), self._intent_button(second))
        return Turn(Reply(self.answers.ui("clarify"), buttons), state)

    def _intent_button(self, intent: str) -> Button:
        return Button(self.answers.title(intent), f"intent:{intent}")

    def _menu_buttons(self) -> tuple[Button, ...]:
        return tuple(self._intent_button(i) for i in self.answers.menu)

    def _operator_buttons(self) -> tuple[Button, ...]:
        return tuple(Button(c.label, f"operator:{c.id}") for c in self.answers.operators)
