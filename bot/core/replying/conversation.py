"""Step 4 of the core: decide the reply. Knows nothing of Telegram or terminals.

Adapters hand in the chat's state and what the user did (text, a button, a command) and get back
a Turn: the reply and the new state. The state is small and immutable, so an adapter can store
it anywhere.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from bot.core.replying.answers import Answers
from bot.core.replying.follow_up import NO_TOPIC, SURE, Before, FollowUps
from bot.core.replying.reminders import OFFERED_UNDER, START
from bot.core.replying.script import SCRIPTS, ScriptConverter, ScriptDetector
from bot.core.replying.turn import Button, ChatState, Rated, Reply, Turn
from bot.core.understanding.classifier import Classification, Classifier
from bot.core.understanding.matcher import FALLBACK
from bot.core.understanding.sensitive import sensitive_numbers
from bot.core.understanding.word_pattern import word_pattern

if TYPE_CHECKING:
    from bot.core.risk.reply import RiskCheck
    from bot.core.risk.scanner import RiskReport

# A runner-up with at least this share of the winner's probability is too close: ask which was meant.
AMBIGUITY_RATIO = 0.6
# After "which operator?", a message that names one is a new question only when it is clearly one
# (as sure as a reading must be to be no follow-up of the last answer).
NEW_QUESTION_CONFIDENCE = SURE
MENU_INTENT = "help"
# What may stand beside a place in a message that only says where the user is.
PLACE_FILLER = re.compile(
    r"[\s\W\d_]|我|人|现在|目前|呢|啊|哦|呀|了|的|\b(?:i|m|im|am|in|at|now|here|currently|ako|dito|sa|na)\b"
)
# What may stand beside an operator's name in a message that only answers "which operator?".
CARD_FILLER = re.compile(r"是|卡|号码|号|手机|用|张|那|就|吧|哈|嗯|对")
SCAM_INTENT = "scam_check"  # the answer a channel question about an offer borrows from
VICTIM_INTENT = "scam_victim"  # someone who already paid or gave a code: steps, not a verdict
# The narrower question (intents/_details.yaml) that "要多少钱" after an answer asks, where it has one.
PRICE_DETAIL = "min_amount"
CHANGE_OPERATOR_INTENT = "change_operator"  # its answer carries the operator buttons
# A message of at most this many words that names an operator and asks nothing ("联通的") chooses it.
ONLY_AN_OPERATOR_WORDS = 3
# Answers that hold for any operator's card, so naming one the bot does not cover changes nothing.
ANY_OPERATOR_INTENTS = frozenset({"scam_check", "scam_victim", "about_bot", "greeting", "thanks_bye", "help"})
WELCOME_INTENT = "greeting"
# Two answers (two questions in one message, or one question for two operators) are given together
# when both fit in this many characters; else the second waits on a button.
BOTH_ANSWERS_MAX = 700
# Two questions in one message are answered together only when both answers are this short: a
# second question the matcher found by mistake then costs a line, not a screen.
TWO_QUESTIONS_MAX = 450
HOTLINE_INTENT = "customer_service"  # offered when the bot knows no more than it said
# A verdict's red flags kept for "为什么": enough for every flag a message usually shows.
KEPT_REASONS = 8
LEVELS = ("low", "medium", "high")


def _official_only(report: RiskReport, result: Classification) -> bool:
    """A scam question (or none we know) about a message whose only findings are official or
    ordinary (96110 called, my.smart.com.ph, 九九折): told plainly, not given the general checklist."""
    if report.victim or not report.official_only:
        return False
    # Or torn between the scam check and another reading ("支付宝打九九折，正常吗").
    return result.intent in (SCAM_INTENT, VICTIM_INTENT, FALLBACK) or SCAM_INTENT in (
        close_call(result) or ()
    )


def close_call(result: Classification) -> tuple[str, str] | None:
    """The two intents to offer ("你想问的是…") when the best two are too close to call, else None."""
    first, second = result.analysis.ranking[:2]
    if result.intent != first.intent or second.intent == FALLBACK or result.settled:
        return None
    return (first.intent, second.intent) if second.score >= AMBIGUITY_RATIO * first.score else None


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
        self._operator_names = word_pattern(classifier.operators.covered.words)
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
        if report is not None and _official_only(report, result):
            return self._verdict(report, text, state)
        told_of_a_loss = report is not None and report.victim
        turn = self._follow_up(result, state, told_of_a_loss) or self._decide(result, state)
        return replace(turn, heard=result)

    def _decide(self, result: Classification, state: ChatState) -> Turn:
        if result.place:
            state = replace(state, place=result.place)
        if (turn := self._about_the_operator(result, state)) is not None:
            return turn
        if result.operator:
            state = replace(state, operator=result.operator)
            if state.pending and not self._a_new_question(result, state.pending):
                return self._answer(state.pending, replace(state, pending=None), state.channel, state.detail)
        if state.pending and result.intent == FALLBACK:
            # "我的支付宝是绑定的国内银行卡" after "which operator?": no new question, the old one stands.
            return self._still_which_operator(state)
        state = replace(state, pending=None, channel=None, detail=None)
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

    def _follow_up(self, result: Classification, state: ChatState, told_of_a_loss: bool) -> Turn | None:
        """A message read against the last answer (bot/core/replying/follow_up.py says which kind it is);
        None when it is a question of its own."""
        before = Before(state.last, state.pending is not None, state.verdict is not None)
        # "在国外呢", "那我在国内怎么办": a place and the words of a follow-up, nothing else.
        scripted = result.analysis.scripted
        only_a_place = result.place is not None and self._only_a_place(self._follow_ups.bare(scripted))
        kind = self._follow_ups.read(result, before, only_a_place, told_of_a_loss)
        if kind == "place" and result.place:
            # "在国外呢", "我在日本": the last question again for that place (a place hint's operator,
            # 菲律宾 → Smart, is no choice: the card is still the one asked about).
            state = replace(state, place=result.place)
            if state.pending:
                return self._still_which_operator(state)
            if state.last and state.verdict is None:
                return self._for_the_place(result.place, state)
            label = self.answers.places[result.place]
            return Turn(Reply(self.answers.ui("place_noted", place=label), self._menu_buttons()), state)
        if kind == "waiting":
            return self._still_which_operator(state)
        if kind is None or state.last is None:
            return None
        if kind == "why" and state.verdict is not None:
            return self._why_verdict(state)
        if kind == "why":
            return self._about_topic("why_answer", state)
        if kind == "price" and self.answers.has_detail(state.last, state.operator, PRICE_DETAIL):
            return self._answer(state.last, state, state.last_channel, PRICE_DETAIL)
        if kind == "price":
            return self._about_topic("follow_up_price", state)
        if kind == "next" and state.verdict is not None:
            # "那怎么办" after a verdict: it depends on whether the user has paid or given a code yet.
            buttons = (self._intent_button(VICTIM_INTENT), *self._topic_buttons(SCAM_INTENT))
            text = self.answers.ui("verdict_next", topic=self.answers.title(VICTIM_INTENT))
            return Turn(Reply(text, buttons, SCAM_INTENT), state)
        if kind == "next" and (more := self.answers.more(state.last)):
            return Turn(Reply(more, self._topic_buttons(state.last), state.last), state)
        if kind == "next":
            return self._about_topic("follow_up_next", state)
        if kind == "again":
            # "交易号已经有了，要找谁" after a top-up that did not arrive: no loss told, the same topic.
            turn = self._answer(state.last, state, state.last_channel, state.last_detail)
            lead = self.answers.ui("follow_up_again", topic=self.answers.title(state.last))
            return replace(turn, reply=replace(turn.reply, text=f"{lead}\n{turn.reply.text}"))
        return self._about_topic("follow_up_unclear", state)  # "我的iPhone能用吗"

    def _for_the_place(self, place: str, state: ChatState) -> Turn:
        """The last question again for where the user now says they are; when the answer is the
        same as without a place, a line that says so instead of the same answer twice."""
        assert state.last is not None
        last, channel, detail = state.last, state.last_channel, state.last_detail
        needs = self.answers.needs_operator(last)
        if needs and state.operator is None:
            return self._answer(last, state, channel, detail)
        detail = detail if needs else None
        here = self.answers.text(last, state.operator, channel, place, detail)
        if here != self.answers.text(last, state.operator, channel, None, detail):
            return self._answer(last, state, channel, detail)
        label = self.answers.places[place]
        text = self.answers.ui("follow_up_same_place", place=label, topic=self.answers.title(last))
        buttons = tuple(dict.fromkeys((*self._topic_buttons(last), self._intent_button(HOTLINE_INTENT))))
        return Turn(Reply(text, buttons, last), state)

    def _why_verdict(self, state: ChatState) -> Turn:
        """ "为什么" after a verdict: every red flag it found, not cut short as the verdict may be."""
        if not state.reasons:
            text = self.answers.ui("verdict_why_none")
        else:
            flags = "\n".join(f"· {reason}" for reason in state.reasons)
            text = f"{self.answers.ui('verdict_why')}\n{flags}\n{self.answers.ui('verdict_why_end')}"
        return Turn(Reply(text, self._topic_buttons(SCAM_INTENT), SCAM_INTENT), state)

    def _about_topic(self, name: str, state: ChatState) -> Turn:
        """One of the follow-up texts about the last answer, with a button to see it again."""
        assert state.last is not None
        text = self.answers.ui(name, topic=self.answers.title(state.last))
        # Asked back, not answered: the operator's records count it with the unanswered questions.
        intent = None if name == "follow_up_unclear" else state.last
        return Turn(Reply(text, self._topic_buttons(state.last), intent), state)

    def _topic_buttons(self, intent: str) -> tuple[Button, ...]:
        """The topic itself, then what its answer links to."""
        related = (i for i in self.answers.buttons(intent) if i != intent)
        return tuple(self._intent_button(i) for i in (intent, *related))

    def _still_which_operator(self, state: ChatState) -> Turn:
        assert state.pending is not None
        text = self.answers.ui("still_which_operator", topic=self.answers.title(state.pending))
        # "我的支付宝是绑定的国内银行卡", "多少钱" while it waits: the question stands, asked again.
        # Intent None: the message went unanswered (the operator's records keep its text).
        return Turn(Reply(text, self._operator_buttons()), state)

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
            return self._for_each(named, result, state)
        # A narrower question ("smart卡密无效") is a question, however few its words.
        only_an_operator = result.corrected or (
            len(result.analysis.words) <= ONLY_AN_OPERATOR_WORDS and result.detail is None
        )
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

    def _a_new_question(self, result: Classification, pending: str) -> bool:
        """After "which operator?", a message that names one asks something new, or only answers.

        "Smart" alone answers; "Smart卡停机了" asks anew. Only a message that says more than the
        card and where the user is asks anew, however it reads: "smart的" reads surely as "what is
        Smart", "我的是移动卡" weakly as anything; "联通卡收不到短信" says something of its own.
        """
        if result.intent in (FALLBACK, pending) or result.intent in NO_TOPIC:
            return False
        return not self._only_an_operator(result.analysis.scripted)

    def _only_an_operator(self, scripted: str) -> bool:
        """The message names the card (and maybe where the user is) and says nothing else."""
        text = self._operator_names.sub("", scripted) if self._operator_names else scripted
        return not CARD_FILLER.sub("", PLACE_FILLER.sub("", self._place_names.sub("", text)))

    def _for_each(self, named: tuple[str, ...], result: Classification, state: ChatState) -> Turn:
        """One question for several operators ("一张smart一张电信都要保号"): every answer when they fit
        together; else the first one's, with a button for each other one (the same question again)."""
        intent = result.intent
        texts = [self.answers.text(intent, op, result.channel, state.place, result.detail) for op in named]
        turn = self._answer(intent, replace(state, operator=named[0]), result.channel, result.detail)
        if sum(map(len, texts)) + 2 * (len(texts) - 1) <= BOTH_ANSWERS_MAX:
            # None is the chat's operator now: the next question asks, unless one was chosen before.
            kept = replace(turn.state, operator=state.operator)
            return Turn(replace(turn.reply, text="\n\n".join(dict.fromkeys(texts))), kept)
        others = named[1:]
        labels = "、".join(self.answers.operator_label(op) for op in others)
        note = self.answers.ui("other_operators", operators=labels)
        buttons = (
            *(Button(self.answers.operator_label(op), f"operator:{op}") for op in others),
            *turn.reply.buttons,
        )
        return replace(turn, reply=replace(turn.reply, text=f"{turn.reply.text}\n\n{note}", buttons=buttons))

    def _choose_operator(self, operator: str, state: ChatState) -> Turn:
        state = replace(state, operator=operator)
        if state.pending:
            pending = replace(state, pending=None, channel=None, detail=None)
            return self._answer(state.pending, pending, state.channel, state.detail)
        if state.last and self.answers.needs_operator(state.last):
            # "那联通呢" after an answer for another operator: the same question for this one.
            return self._answer(state.last, state, state.last_channel, state.last_detail)
        label = self.answers.operator_label(operator)
        return Turn(Reply(self.answers.ui("operator_chosen", operator=label), self._menu_buttons()), state)

    def _answer(
        self, intent: str, state: ChatState, channel: str | None = None, detail: str | None = None
    ) -> Turn:
        same = None
        if self.answers.needs_operator(intent) and state.operator is None:
            # A question whose answer is the same for every operator needs no "which operator?".
            same = self._same_for_every_operator(intent, channel, state.place, detail)
            if same is None:
                return self._ask_operator_for(intent, state, channel, detail)
        buttons = [self._intent_button(i) for i in self.answers.buttons(intent)]
        if (title := self.answers.more_title(intent)) is not None:
            buttons.insert(0, Button(title, f"more:{intent}"))
        if intent in (FALLBACK, MENU_INTENT):
            buttons = list(self._menu_buttons())
        elif self.answers.needs_operator(intent):
            buttons.append(Button(self._change_operator, f"operator-menu:{intent}"))
        if intent in OFFERED_UNDER:  # 保号提醒 (reminders.py): the adapters route its button there
            buttons.append(Button(self.answers.ui("remind_button"), START))
        # A detail is a narrower question about an operator's card ("PUK码是多少"), not about scams.
        detail = detail if self.answers.needs_operator(intent) else None
        text = same or self.answers.text(intent, state.operator, channel, state.place, detail)
        state = replace(state, channel=None, detail=None)
        if intent not in NO_TOPIC:
            # The scam checklist after a verdict ("这个靠谱吗") is the same topic: "为什么" still
            # asks about the verdict.
            keep = intent == SCAM_INTENT and state.verdict is not None
            verdict, reasons = (state.verdict, state.reasons) if keep else (None, ())
            state = replace(
                state, last=intent, last_channel=channel, last_detail=detail, verdict=verdict, reasons=reasons
            )
        return Turn(Reply(text, tuple(buttons), intent), state)

    def _same_for_every_operator(
        self, intent: str, channel: str | None, place: str | None, detail: str | None
    ) -> str | None:
        texts = {self.answers.text(intent, op.id, channel, place, detail) for op in self.answers.operators}
        return texts.pop() if len(texts) == 1 else None

    def _offer_second_question(self, turn: Turn, also: str | None) -> Turn:
        """Two questions in one message: both answered when both are short, else the main one is
        answered and the reply says there is a second, whose button comes first."""
        # Not beside the operator choice: that question must be answered first.
        if not also or not self.answers.has(also) or also == turn.reply.intent or turn.state.pending:
            return turn
        reply, operator = turn.reply, turn.state.operator
        if not self.answers.needs_operator(also) or operator is not None:
            second = self.answers.text(also, operator, None, turn.state.place)
            if len(reply.text) + len(second) + 2 <= TWO_QUESTIONS_MAX:
                return replace(turn, reply=replace(reply, text=f"{reply.text}\n\n{second}"))
        offered = self._intent_button(also)
        buttons = (offered, *(b for b in reply.buttons if b != offered))
        note = self.answers.ui("second_question", topic=self.answers.title(also))
        return replace(turn, reply=replace(reply, text=f"{reply.text}\n\n{note}", buttons=buttons))

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
        named = report.operator or self.classifier.operators.find(scripted).operator
        # A "话费" advert is about the Chinese carriers (report.scope), whatever the chat chose before;
        # "96110 called me" needs no way to top up unless it names an operator.
        chat_operator = None if report.scope or (report.notes and not report.risky) else state.operator
        operator = named or chat_operator
        # A question about a channel's offer (淘宝上八折充话费靠谱吗) that is not plainly a scam
        # gets what is known of that channel in place of the general way.
        channel = self.classifier.channels.find(scripted) if report.level != "high" else None
        owner = self.answers.channel_owner(SCAM_INTENT, channel)
        instead = self.answers.text(owner, operator, channel) if owner else None
        reply = self.risk.reply(report, operator or report.scope, instead)
        # Kept for "为什么": the red flags as listed (an official link found is no reason for suspicion).
        # A 低 verdict says no common scam signal was found: a stray weak one is no reason to list.
        reasons = self.risk.red_flags(report)[:KEPT_REASONS] if report.risky else ()
        remembered = replace(
            state, pending=None, last=SCAM_INTENT, last_channel=None, last_detail=None, verdict=report.level
        )
        return Turn(reply, replace(remembered, reasons=reasons), rated=Rated(text, report))

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
