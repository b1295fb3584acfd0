"""What one step of a conversation gives back: the reply, and the chat's state after it.

Plain immutable values, shared by the core (bot/core/replying/conversation.py decides them, the scam
check's reply builds a Reply), the adapters that show them and store the state, and the
operator's records. Nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.understanding.situation import Situation

if TYPE_CHECKING:
    from bot.core.risk.scanner import RiskReport
    from bot.core.understanding.classifier import Classification


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
    script: str | None = None  # the script the user last wrote in (bot/core/replying/script.py)
    place: str | None = None  # where the user last said they are (intents/_places.yaml)
    # The last answer, so a follow-up ("那联通呢", "在国外呢", "为什么") can be read against it.
    last: str | None = None  # its intent
    last_channel: str | None = None  # the channel it answered about
    last_detail: str | None = None  # the narrower question it answered
    verdict: str | None = None  # the level, when the last answer was a scam verdict
    reasons: tuple[str, ...] = ()  # that verdict's red flags, as shown (links defanged, handles masked)
    # What the user told of their situation so far (intents/_situation.yaml): what they already
    # did, lack or refuse, whose card it is; forgotten with the rest on /forget.
    situation: Situation = field(default_factory=Situation)
    # The caveats this chat has already been shown (bot/core/replying/caveats.py), so each is said once.
    said: tuple[str, ...] = ()


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
