"""How the bot decides what to say to a typed message: small policies, tried in order.

Each policy is named for when it applies and returns a Turn, or None to pass the message on to
the next one (like Rasa's policies or python-telegram-bot's handler groups). The order is the
product's priorities: someone who already acted on a scam gets help before anything else; a
pasted scam message is rated before it is answered; a short message is
read against the last answer before it is read as a question of its own; the operator is settled
before the question is answered; a reading too close to call is asked about; the rest is answered.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.replying.compose import Composer
from bot.core.replying.places_said import PlacesSaid
from bot.core.replying.policies.already_scammed import AlreadyScammed
from bot.core.replying.policies.answer import Answer
from bot.core.replying.policies.clarify import Clarify
from bot.core.replying.policies.follow_up import FollowUp
from bot.core.replying.policies.message import Message
from bot.core.replying.policies.not_understood import NotUnderstood
from bot.core.replying.policies.only_a_place import OnlyAPlace
from bot.core.replying.policies.verdict import Verdict
from bot.core.replying.policies.which_operator import WhichOperator
from bot.core.replying.turn import Turn

Policy = Callable[[Message], "Turn | None"]


def policies(compose: Composer, places: PlacesSaid) -> tuple[Policy, ...]:
    """Every policy, in the order they are tried; the last one always answers."""
    return (
        AlreadyScammed(compose),  # someone who already gave a code, card details… or paid: help first
        Verdict(compose),  # a pasted message rated 中 or 高, or one with only official findings
        OnlyAPlace(compose),  # "在国外呢", "我在日本": the last question again for that place
        FollowUp(compose),  # "为什么", "多少钱", "然后呢"… read against the last answer
        WhichOperator(compose, places),  # an operator named, corrected, not covered, or "which one?" waiting
        NotUnderstood(compose),  # no reading: the fallback and the menu
        Clarify(compose),  # two readings too close to call: "你想问的是…"
        Answer(compose),  # the answer, and a second question's if there is one
    )


__all__ = ["Message", "Policy", "policies"]
