"""Someone who already gave something away or paid: what to do in the next minutes first.

The steps follow what was given (intents/_situation.yaml `done`, in its order: cut a remote
connection, then secure the number and wallets, then the bank card, then the money), each from
scam_victim's `situations:` variants, for a Chinese card or a Smart one; then how to report, the
warning about "recovery agents", and for someone abroad with a Chinese card that 110 cannot be
dialled from a foreign SIM. A verdict on a message they sent comes last, without "don't pay".
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.replying.compose import KEPT_REASONS, VICTIM_INTENT, Composer
from bot.core.replying.policies.message import PASTED_LENGTH, Message
from bot.core.replying.turn import Rated, Reply, Turn

PHILIPPINES = "philippines"  # a place id of intents/_places.yaml
ABROAD = "outside_philippines"
PH_OPERATOR = "smart"  # whose variant holds the Philippine steps
PH_CHANNELS = frozenset(
    {"gcash", "maya", "retailer"}
)  # a channel that says the money left in the Philippines
# Money that left through a Chinese wallet or in yuan is stopped from China (110's stop-payment,
# 95188 / 95017), whatever card the top-up was for: the money's steps follow where it was paid.
CN_CHANNELS = frozenset({"alipay", "wechat_pay"})  # channel ids of intents/_channels.yaml
CN_MEANS = frozenset({"hebao", "bestpay", "unionpay_app"})  # means ids of intents/_situation.yaml
YUAN = re.compile(r"[0-9]\s*(?:元|块|rmb)|人民币|rmb")
# Where the seller was found says where the money left when no wallet or currency is named: a shop
# on 淘宝 or 闲鱼, a 微信 group, 小红书 are paid from China ("小红书找了个代充…我付了350").
CN_PLATFORMS = re.compile(r"淘宝|闲鱼|拼多多|小红书|抖音|快手|京东|微信|支付宝|qq")
PESO = re.compile(r"[0-9]\s*(?:比索|披索|peso|php)|[₱]|\bphp\b|比索|peso")
MONEY_GONE = frozenset({"paid", "account_emptied"})  # acts whose step is the police's stop-payment
LEVEL_WORDS = {"high": "高", "medium": "中"}
MAX_REPLY = 600  # as every answer (bot/core/risk/reply.py MAX_REPLY)


class AlreadyScammed:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn | None:
        situation, report, result = message.situation, message.report, message.result
        if not situation.done:
            return None
        # A number being taken over now (a code given, then no signal) gets the scam check's own
        # takeover steps: the same help, for that case.
        if report is not None and report.takeover:
            return None
        # Typing a code or card number on an official site is no loss: it is one when the message
        # speaks of a scammer or reads as a victim's story, or comes right after a verdict.
        story = result.intent == VICTIM_INTENT or (report is not None and report.victim)
        # A message the scam check rates 中 or 高 speaks of a scam too ("我输了Visa卡号" on a
        # look-alike site).
        risky = report is not None and report.risky
        if not (situation.told_scam or story or risky or message.state.verdict is not None):
            return None
        # A long pasted offer tells of no act of the user's ("输入验证码即可"): it gets its verdict.
        if report is not None and report.risky and not story and len(message.text) > PASTED_LENGTH:
            return None
        answers, state = self.compose.answers, message.placed
        operator = result.operator or state.operator
        in_philippines = state.place == PHILIPPINES or result.channel in PH_CHANNELS
        variant = (
            PH_OPERATOR if operator == PH_OPERATOR or (operator is None and in_philippines) else operator
        )
        money_gone = bool(MONEY_GONE & set(situation.done))
        scripted = result.analysis.scripted
        paid_in_china = money_gone and (
            result.channel in CN_CHANNELS
            or bool(CN_MEANS & set(situation.means))
            or YUAN.search(scripted) is not None
            or (result.channel not in PH_CHANNELS and CN_PLATFORMS.search(scripted) is not None)
        )
        card = variant  # the steps for the card and the accounts follow the card's country
        if paid_in_china and variant == PH_OPERATOR:
            variant = None  # the Chinese steps (each act's `default` variant) and the Chinese report line
        # A Smart card's money with no wallet, currency or platform named may have left from either
        # country: China's stop-payment is said too, under the Philippine steps.
        either = (
            money_gone
            and variant == PH_OPERATOR
            and result.channel not in PH_CHANNELS
            and state.place != PHILIPPINES
            and PESO.search(scripted) is None
        )
        # A step for money gone already says to call 110: the report line does not say it again.
        reported = "yes" if money_gone else ""
        after = [
            answers.ui("victim_after_ph" if variant == PH_OPERATOR else "victim_after_cn", reported=reported)
        ]
        if variant != PH_OPERATOR and state.place == ABROAD:
            after.append(answers.ui("victim_abroad_cn"))
        rated, reasons, level = None, tuple[str, ...](), None
        # The level is said of a message they pasted, not of their own account of what happened.
        if report is not None and report.risky and self.compose.risk is not None and message.holds_a_message:
            level = report.level
            after.append(answers.ui("victim_then_verdict", level=LEVEL_WORDS.get(level, level)))
            rated, reasons = Rated(message.text, report), self.compose.risk.red_flags(report)[:KEPT_REASONS]
        lines = [answers.ui("victim_lead")]
        if situation.asked_again:  # before the steps: the next payment is the one still in their hands
            lines.append(answers.ui("victim_pay_again"))
        budget = MAX_REPLY - sum(len(line) + 1 for line in (*lines, *after))
        # A means with its own step (crypto) says what to do with money paid that way instead.
        means_steps = [
            step for m in situation.means if (step := answers.situation_text(VICTIM_INTENT, variant, m))
        ]
        either = either and not means_steps  # the means said where the money went
        for act in situation.done:
            # The money's steps follow where it was paid; the rest follow the card ("在闲鱼买了
            # 一张别人实名的Smart卡": China's stop-payment, the Philippine law on the card).
            step = answers.situation_text(VICTIM_INTENT, variant if act in MONEY_GONE else card, act)
            if act in MONEY_GONE and means_steps:
                step, means_steps = means_steps[0], means_steps[1:]
            # The most urgent steps first; one that would pass the limit is left out.
            if step and len(step) + 1 <= budget:
                lines.append(step)
                budget -= len(step) + 1
        if either:
            step = answers.ui("victim_paid_from_china")
            if len(step) + 1 <= budget:
                lines.append(step)
        lines += after
        buttons = self.compose.answer_buttons(VICTIM_INTENT)
        kept = replace(
            state,
            pending=None,
            last=VICTIM_INTENT,
            last_channel=None,
            last_detail=None,
            verdict=level,
            reasons=reasons,
        )
        return Turn(Reply("\n".join(lines), buttons, VICTIM_INTENT), kept, rated=rated)
