"""A pasted message (an advert, a "客服" text) rated 中 or 高 gets its verdict whatever the chat
was waiting for: its top-up words must not earn it a top-up answer. So does a question about a
message whose only findings are official (96110 called, my.smart.com.ph, 九九折)."""

from __future__ import annotations

from bot.core.replying.compose import SCAM_INTENT, VICTIM_INTENT, Composer
from bot.core.replying.policies.clarify import close_call
from bot.core.replying.policies.message import Message
from bot.core.replying.turn import Turn
from bot.core.understanding.matcher import FALLBACK
from bot.core.understanding.situation import FLAGGED, in_own_words


class Verdict:
    def __init__(self, compose: Composer) -> None:
        self.compose = compose

    def __call__(self, message: Message) -> Turn | None:
        report, result = message.report, message.result
        if report is None:
            return None
        # A victim's story that is not plainly a scam offer is answered with help instead. The
        # scanner may not see the victim in it ("我已经付了钱给代充没到账") where the reading
        # does: the words of the offer are in it, but what they need is the steps to take now.
        victim = report.wants_help or (report.level != "high" and result.intent == VICTIM_INTENT)
        if report.risky and not victim and not _own_card_stopped(message):
            return self.compose.verdict(report, message.text, message.state)
        if report.victim or not report.official_only:
            return None
        # A scam question (or none we know) about a message whose only findings are official or
        # ordinary: told plainly, not given the general checklist. Or torn between the scam check
        # and another reading ("支付宝打九九折，正常吗").
        if result.intent in (SCAM_INTENT, VICTIM_INTENT, FALLBACK) or SCAM_INTENT in (
            close_call(result) or ()
        ):
            return self.compose.verdict(report, message.text, message.state)
        return None


def _own_card_stopped(message: Message) -> bool:
    """The user tells, in their own words, that their own number or account was stopped as
    fraud-linked: the threat words are theirs to ask about, not a message to rate."""
    return (
        FLAGGED in message.situation.number
        and message.result.intent != SCAM_INTENT
        and not message.holds_a_message
        and in_own_words(message.result.analysis.scripted)
    )
