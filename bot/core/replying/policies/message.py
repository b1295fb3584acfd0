"""What every policy is given: the message as read, and the chat's state before it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.core.replying.follow_up import Kind
from bot.core.replying.turn import ChatState
from bot.core.understanding.classifier import Classification
from bot.core.understanding.situation import Situation

if TYPE_CHECKING:
    from bot.core.risk.scanner import RiskReport


@dataclass(frozen=True)
class Message:
    text: str
    result: Classification  # what it asks, and the operator, channel, place and detail it names
    report: RiskReport | None  # the scam check's findings (None without the scam check)
    state: ChatState  # the chat before it (its script and the situation it tells already noted)
    follow_up: Kind | None  # which follow-up of the last answer it is (bot/core/replying/follow_up.py)
    situation: Situation = field(default_factory=Situation)  # what this message tells of the user's situation

    @property
    def place(self) -> str | None:
        """Where the user says they are: not where the person they speak of is ("表哥在马尼拉")."""
        place = self.result.place
        return None if place is not None and place == self.situation.person_place else place

    @property
    def placed(self) -> ChatState:
        """The state with where the user says they are remembered."""
        return replace(self.state, place=self.place) if self.place else self.state

    @property
    def noted(self) -> ChatState:
        """And the operator the message names: the chat's card from now on."""
        operator = self.result.operator
        return replace(self.placed, operator=operator) if operator else self.placed

    @property
    def fresh(self) -> ChatState:
        """A new question: nothing waits for an operator any more."""
        return replace(self.noted, pending=None, channel=None, detail=None)
