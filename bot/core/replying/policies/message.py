"""What every policy is given: the message as read, and the chat's state before it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.core.replying.follow_up import Kind
from bot.core.replying.turn import ChatState
from bot.core.understanding.classifier import Classification
from bot.core.understanding.links import find_links
from bot.core.understanding.situation import Situation

if TYPE_CHECKING:
    from bot.core.risk.scanner import RiskReport

# A message this long that tells no victim's story is a pasted advert or text, not the user's story.
PASTED_LENGTH = 150
# What shows a message was pasted into the story: a link or handle, a 【sender】 tag, or a colon
# with a message's length after it ("对方把我拉黑了：【话费特惠】…").
QUOTED = re.compile(r"[【「]|[：:]\s*\S{20}")


@dataclass(frozen=True)
class Message:
    text: str
    result: Classification  # what it asks, and the operator, channel, place and detail it names
    report: RiskReport | None  # the scam check's findings (None without the scam check)
    state: ChatState  # the chat before it (its script and the situation it tells already noted)
    follow_up: Kind | None  # which follow-up of the last answer it is (bot/core/replying/follow_up.py)
    situation: Situation = field(default_factory=Situation)  # what this message tells of the user's situation

    @property
    def holds_a_message(self) -> bool:
        """A message pasted into it (long, quoted, a link or handle): not only the user's own words."""
        text = self.text
        return len(text) > PASTED_LENGTH or QUOTED.search(text) is not None or bool(find_links(text))

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
