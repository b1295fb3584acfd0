"""The operator, before what is asked: one the bot does not cover, one taken back and corrected,
a switch asked for, two named at once, only a card named, or the answer "which operator?" waited for."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.replying.compose import Composer
from bot.core.replying.follow_up import NO_TOPIC, SURE
from bot.core.replying.places_said import PlacesSaid
from bot.core.replying.policies.message import Message
from bot.core.replying.turn import Button, ChatState, Reply, Turn
from bot.core.understanding.classifier import Classification
from bot.core.understanding.matcher import FALLBACK
from bot.core.understanding.word_pattern import word_pattern

# After "which operator?", a message that names one is a new question only when it is clearly one
# (as sure as a reading must be to be no follow-up of the last answer).
NEW_QUESTION_CONFIDENCE = SURE
# What may stand beside an operator's name in a message that only answers "which operator?".
CARD_FILLER = re.compile(r"是|卡|号码|号|手机|用|张|那|就|吧|哈|嗯|对")
CHANGE_OPERATOR_INTENT = "change_operator"  # its answer carries the operator buttons
# A message of at most this many words that names an operator and asks nothing ("联通的") chooses it.
ONLY_AN_OPERATOR_WORDS = 3
# Answers that hold for any operator's card, so naming one the bot does not cover changes nothing.
ANY_OPERATOR_INTENTS = frozenset({"scam_check", "scam_victim", "about_bot", "greeting", "thanks_bye", "help"})
# One question for two operators gets both answers when they fit in this many characters; else
# the first one's, and a button for each other operator.
BOTH_ANSWERS_MAX = 700


def sure(result: Classification) -> bool:
    return result.confidence >= NEW_QUESTION_CONFIDENCE


class WhichOperator:
    def __init__(self, compose: Composer, places: PlacesSaid) -> None:
        self.compose = compose
        self._places = places
        self._operator_names = word_pattern(compose.classifier.operators.covered.words)

    def __call__(self, message: Message) -> Turn | None:
        result = message.result
        if (turn := self._about_the_operator(result, message.placed)) is not None:
            return turn
        state = message.noted
        if result.operator and state.pending and not self._a_new_question(result, state.pending):
            return self.compose.answer(
                state.pending, replace(state, pending=None), state.channel, state.detail
            )
        if state.pending and result.intent == FALLBACK:
            # "我的支付宝是绑定的国内银行卡" after "which operator?": no new question, the old one stands.
            return self.compose.still_which_operator(state)
        return None

    def _about_the_operator(self, result: Classification, state: ChatState) -> Turn | None:
        compose, answers = self.compose, self.compose.answers
        intent = result.intent
        wants_operator = intent == FALLBACK or (answers.has(intent) and answers.needs_operator(intent))
        if result.operator and result.corrected and (not wants_operator or not sure(result)):
            return compose.choose_operator(result.operator, state)  # "是联通的卡，不对，是电信"
        if intent == CHANGE_OPERATOR_INTENT and result.operator:
            return compose.choose_operator(result.operator, state)  # "我想改问中国移动的"
        if intent == CHANGE_OPERATOR_INTENT:
            reply = Reply(answers.text(intent, None), compose.operator_buttons(), intent)
            return Turn(reply, replace(state, pending=None, channel=None))
        if result.uncovered and (intent not in ANY_OPERATOR_INTENTS or not sure(result)):
            label = answers.uncovered_label(result.uncovered)
            reply = Reply(answers.ui("not_covered", operator=label), compose.menu_buttons(), intent)
            return Turn(reply, replace(state, pending=None, channel=None))
        named = result.operators_named
        if len(named) > 1 and intent != FALLBACK and wants_operator:
            return self._for_each(named, result, state)
        # A narrower question ("smart卡密无效") is a question, however few its words.
        only_an_operator = result.corrected or (
            len(result.analysis.words) <= ONLY_AN_OPERATOR_WORDS and result.detail is None
        )
        # A name alone ("smart") is a choice however surely it reads as a question about it.
        unsure = intent == FALLBACK or not sure(result) or len(result.analysis.words) == 1
        if unsure and result.operator in result.operators_named and only_an_operator:
            return compose.choose_operator(result.operator, state)  # "联通的", "不是问移动，是问联通"
        return None

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
        return not CARD_FILLER.sub("", self._places.rest(text))

    def _for_each(self, named: tuple[str, ...], result: Classification, state: ChatState) -> Turn:
        """One question for several operators ("一张smart一张电信都要保号"): every answer when they fit
        together; else the first one's, with a button for each other one (the same question again)."""
        answers, intent = self.compose.answers, result.intent
        texts = [answers.text(intent, op, result.channel, state.place, result.detail) for op in named]
        turn = self.compose.answer(intent, replace(state, operator=named[0]), result.channel, result.detail)
        if sum(map(len, texts)) + 2 * (len(texts) - 1) <= BOTH_ANSWERS_MAX:
            # None is the chat's operator now: the next question asks, unless one was chosen before.
            kept = replace(turn.state, operator=state.operator)
            return Turn(replace(turn.reply, text="\n\n".join(dict.fromkeys(texts))), kept)
        others = named[1:]
        labels = "、".join(answers.operator_label(op) for op in others)
        note = answers.ui("other_operators", operators=labels)
        buttons = (
            *(Button(answers.operator_label(op), f"operator:{op}") for op in others),
            *turn.reply.buttons,
        )
        return replace(turn, reply=replace(turn.reply, text=f"{turn.reply.text}\n\n{note}", buttons=buttons))
