"""What every policy is given: the message as read, and the chat's state before it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.core.replying.follow_up import Kind
from bot.core.replying.turn import ChatState
from bot.core.understanding.classifier import Classification

if TYPE_CHECKING:
    from bot.core.risk.scanner import RiskReport


@dataclass(frozen=True)
class Message:
    text: str
    result: Classification  # what it asks, and the operator, channel, place and detail it names
    report: RiskReport | None  # the scam check's findings (None without the scam check)
    state: ChatState  # the chat before it (its script already noted)
    follow_up: Kind | None  # which follow-up of the last answer it is (bot/core/replying/follow_up.py)

    @property
    def placed(self) -> ChatState:
        """The state with where the user says they are remembered."""
        place = self.result.place
        return replace(self.state, place=place) if place else self.state

    @property
    def noted(self) -> ChatState:
        """And the operator the message names: the chat's card from now on."""
        operator = self.result.operator
        return replace(self.placed, operator=operator) if operator else self.placed

    @property
    def fresh(self) -> ChatState:
        """A new question: nothing waits for an operator any more."""
        return replace(self.noted, pending=None, channel=None, detail=None)
