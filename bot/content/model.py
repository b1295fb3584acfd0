"""The content an operator edits, as plain immutable objects (no YAML, no Telegram)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """Where a piece of content was written, for error messages."""

    path: Path
    line: int


@dataclass(frozen=True)
class Weighted:
    """A keyword or regular expression that votes for an intent with a weight."""

    text: str
    weight: float
    where: Where
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Intent:
    id: str
    description: str
    examples: tuple[str, ...]
    example_where: tuple[Where, ...]
    keywords: tuple[Weighted, ...]
    patterns: tuple[Weighted, ...]
    where: Where


@dataclass(frozen=True)
class Entity:
    """Something a question names beside its intent: how people name it, and what only looks like it."""

    id: str
    label: str
    names: tuple[str, ...]
    hints: tuple[str, ...]  # indirect mentions; a name elsewhere in the question wins over them
    lookalikes: tuple[str, ...]
    where: Where
    # entities this one wins over when both are named ("微信上的卡商" is about the seller, not WeChat Pay)
    outranks: tuple[str, ...] = ()
    # where the user is (马尼拉 → Smart): a hint at the entity, but no sign the question is about it
    places: tuple[str, ...] = ()


class Operator(Entity):
    """Which operator's card the question is about (intents/_operators.yaml)."""


class Channel(Entity):
    """Where or through what the user tops up or pays: app, 营业厅, 支付宝… (intents/_channels.yaml)."""


@dataclass(frozen=True)
class Lexicon:
    replacements: dict[str, str]  # typo or synonym -> the word the intents use
    negations: tuple[Weighted, ...]  # regexes whose 'drop' group is removed before matching
    words: tuple[str, ...]  # domain words jieba must keep whole
    where: Where


@dataclass(frozen=True)
class Fact:
    """One checked fact; templates print its value, the YAML keeps where it came from."""

    value: str
    source: str
    reviewed: str
    where: Where

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Template:
    source: str
    where: Where


@dataclass(frozen=True)
class Response:
    intent: str
    title: str  # the label of a button that leads here
    title_where: Where
    needs_operator: bool
    text: Template | None  # used for operators without a variant of their own
    variants: dict[str, Template]
    buttons: tuple[str, ...]
    button_where: tuple[Where, ...]
    where: Where
    # channel id -> operator id or "default" -> the answer when the question names that channel
    channels: dict[str, dict[str, Template]] = field(default_factory=dict)
    channel_where: dict[str, Where] = field(default_factory=dict)
    # another intent whose channel variants serve this one where it has none of its own
    channel_answers_from: str | None = None
    more: More | None = None


@dataclass(frozen=True)
class More:
    """A second part of a long answer, behind a button, so the answer itself stays short."""

    title: str  # the button's label
    text: Template


@dataclass(frozen=True)
class Ui:
    """Texts that belong to the conversation rather than to one intent."""

    menu: tuple[str, ...]
    menu_where: tuple[Where, ...]
    texts: dict[str, Template]
    where: Where


@dataclass(frozen=True)
class Content:
    intents: dict[str, Intent]
    operators: dict[str, Operator]
    channels: dict[str, Channel]
    lexicon: Lexicon
    facts: dict[str, dict[str, Fact]]  # scope ('shared' or an operator id) -> name -> fact
    responses: dict[str, Response]
    allowlist: tuple[str, ...]
    ui: Ui
    root: Path
