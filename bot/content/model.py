"""The content an operator edits, as plain immutable objects (no YAML, no Telegram)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.content.patterns import Regex


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
    regex: Regex | None = None
    # An intent pattern fires only when this one finds nothing in the question: what a
    # look-ahead such as ^(?!.*收到).*验证码 said, which RE2 cannot run.
    unless: Regex | None = None


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


class UncoveredOperator(Entity):
    """An operator people ask about that the bot does not cover (Globe, csl, 中华电信…): recognised
    like an operator so the answer can say so, instead of answering for the wrong one."""


class Place(Entity):
    """Where the user is (菲律宾, 马尼拉, 日本, 国外…): decides the first part of some answers
    (intents/_places.yaml)."""


class Detail(Entity):
    """A narrower question inside a topic (最少充多少, PUK, 补卡, eSIM 二维码…) that the topic's
    general answer does not answer (intents/_details.yaml)."""


class Channel(Entity):
    """Where or through what the user tops up or pays: app, 营业厅, 支付宝… (intents/_channels.yaml)."""


class Act(Entity):
    """Something the user tells they already did (intents/_situation.yaml `done`): its names are
    what was given or done (验证码, 卡号, 远程), its verbs how (告诉, 填, 操控)."""


@dataclass(frozen=True)
class SituationRules:
    """What a message tells of the user's situation (intents/_situation.yaml), read beside its intent."""

    acts: dict[str, Act]  # what the user already did, in the order its help comes first
    act_verbs: dict[str, tuple[str, ...]]  # act id -> its verbs; none: its names say it was done
    done_marks: tuple[str, ...]  # 了, 已经, 被…: the act happened
    asks: tuple[str, ...]  # 让我, 会不会, 如果…: earlier in the clause, the act is asked or feared
    negations: tuple[str, ...]  # 没, 不, 别…: right before the verb or name, it was not done
    scam_words: tuple[str, ...]  # 骗, 钓鱼, 冒充…: the act was done towards a scammer
    refusals: tuple[str, ...]  # 没有, 不想, 别让我…: the thing after it is lacked or refused
    lacks: dict[str, Entity]  # what the user may lack or refuse: GCash, an app, 营业厅…
    means: dict[str, Entity]  # the means of payment named: PayPal, 和包, 八达通…
    number: dict[str, Entity]  # the number's state: lost, unused for months, balance 0…
    people: dict[str, Entity]  # someone else the message speaks of: family, a friend
    owner_marks: tuple[str, ...]  # 的卡, 的号…: right after a person, the card is theirs
    where: Where
    hypotheticals: tuple[str, ...] = ()  # 如果, 万一…: earlier in the clause, the act is imagined
    # act id -> words one of which the message must hold for the act to count (an eSIM QR needs eSIM)
    act_needs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pay_again: tuple[str, ...] = ()  # 保证金, 再交…: the scammer asks for more money
    broken: tuple[str, ...] = ()  # 被锁了, 用不了…: right after a thing, the user cannot use it
    # act id -> acts it stands for when both are told (a registered card bought is no money stolen)
    act_instead_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def ids(self) -> dict[str, Entity]:
        """Every situation id an answer may have a variant for: acts, things lacked, means, states."""
        return {**self.acts, **self.lacks, **self.means, **self.number}


@dataclass(frozen=True)
class Lexicon:
    replacements: dict[str, str]  # typo or synonym -> the word the intents use
    negations: tuple[Weighted, ...]  # regexes whose 'drop' group is removed before matching
    words: tuple[str, ...]  # domain words jieba must keep whole
    where: Where
    # Words that contain a domain word but mean something else (充电宝, 余额宝): kept whole, no
    # keyword fires inside them, and they count as words no example has (the off-topic prior).
    unrelated: tuple[str, ...] = ()
    # Words that say a question is about a phone card (话费, 手机号, sim): beside an unrelated
    # thing (八达通怎么充值 is not; 用八达通交话费 is) they keep the question on topic.
    card_words: tuple[str, ...] = ()


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
    # place id -> operator id or "default" -> the answer when the user says where they are
    places: dict[str, dict[str, Template]] = field(default_factory=dict)
    place_where: dict[str, Where] = field(default_factory=dict)
    # detail id -> operator id or "default" -> the answer to that narrower question
    details: dict[str, dict[str, Template]] = field(default_factory=dict)
    detail_where: dict[str, Where] = field(default_factory=dict)
    # situation id (intents/_situation.yaml: an act, a thing lacked, a means, the number's state)
    # -> operator id or "default" -> the answer's variant for someone in that situation
    situations: dict[str, dict[str, Template]] = field(default_factory=dict)
    situation_where: dict[str, Where] = field(default_factory=dict)
    # another intent whose channel (and place) variants serve this one where it has none of its own
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
    follow_ups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> words


@dataclass(frozen=True)
class Content:
    intents: dict[str, Intent]
    operators: dict[str, Operator]
    # Recognised beside the operators, answered with "not covered" (intents/_operators.yaml).
    uncovered: dict[str, UncoveredOperator]
    # Regexes whose 'drop' group is a corrected mention ("不是问移动，是问联通" drops 移动).
    corrections: tuple[Weighted, ...]
    channels: dict[str, Channel]
    places: dict[str, Place]
    details: dict[str, Detail]
    lexicon: Lexicon
    facts: dict[str, dict[str, Fact]]  # scope ('shared' or an operator id) -> name -> fact
    responses: dict[str, Response]
    allowlist: tuple[str, ...]
    ui: Ui
    root: Path
    risk: Risk | None = None  # None only for content built by hand in a test
    situation: SituationRules | None = None  # intents/_situation.yaml; None only in a hand-built test


# ---- the scam-risk check: intents/_risk.yaml (signals) and responses/_risk.yaml (texts) ----------


@dataclass(frozen=True)
class RiskSignal:
    """One red flag: what finds it (built-in detectors, phrases, regexes), its weight and its reason.

    The reason is a sentence with {evidence} (and, for look-alikes, {official} and {owner}).
    """

    id: str
    weight: float
    reason: str
    detectors: tuple[str, ...]
    phrases: tuple[str, ...]
    patterns: tuple[Regex, ...]
    not_after: tuple[str, ...]  # a match right after one of these ("不要", "请勿") does not count
    # The share of the weight a phrase or pattern counts for in a question that reports nobody's
    # offer ("慢充是什么意思"); None: the rules' own share.
    question_share: float | None
    where: Where
    # Signals beside which this one does not count: a discount inside the operator's own app
    # ("20% off in GigaLife") is the app's offer, not the price of laundered credit.
    unless: tuple[str, ...] = ()
    # The highest level a message showing this signal gets, unless a signal that alone makes a
    # message 高 is there too: a seller at face value is 中 however many seller's words it uses.
    at_most: str | None = None


@dataclass(frozen=True)
class RiskCombination:
    """Signals that are each 中 alone but together are the whole trick (a name and an ask): 高.

    It holds when, for each group, the message shows at least one of the group's signals.
    """

    id: str
    groups: tuple[tuple[str, ...], ...]
    reason: str
    where: Where


@dataclass(frozen=True)
class RiskRules:
    high: float  # a score at or above this is 高
    medium: float  # at or above this (and below high) is 中
    signals: tuple[RiskSignal, ...]
    official_sites: dict[str, str]  # allowlisted domain -> its owner (an operator id or a name)
    site_words: dict[str, tuple[str, ...]]  # allowlisted domain -> other names a look-alike may use
    official_numbers: dict[str, str]  # a hotline such as 10086 -> its operator id
    known_handles: frozenset[str]  # Telegram handles without '@', lower case
    known_domains: frozenset[str]  # registrable domains, lower case
    shorteners: frozenset[str]  # link shorteners' domains (bit.ly): where the link goes is hidden
    question_share: float  # see RiskSignal.question_share
    reporters: tuple[str, ...]  # words that report someone's offer or ask ("有人", "对方说")
    where: Where
    # Words that make a message talk about scams (听说, 新闻, 怎么解释) or tell of being scammed
    # (我被骗了): with no link or contact, its phrases count as in a question and it is never 高.
    talk: tuple[str, ...] = ()
    victims: tuple[str, ...] = ()
    # Words that say which operators a message is about when it names none ("话费": the Chinese
    # carriers): a scope of responses/_risk.yaml's advice -> its words.
    scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A number being taken over now: a code or QR given away (patterns) and a sign of the takeover
    # (no signal, eSIM): the reply is what to do at once, not a verdict.
    takeover_gave: tuple[Regex, ...] = ()
    takeover_signs: tuple[str, ...] = ()
    # Words that make a message a warning to others ("大家小心", "it's a scam", "ingat kayo"): with
    # no link or contact its phrases count for warning_share of their weight at most.
    warnings: tuple[str, ...] = ()
    warning_share: float = 1.0
    combinations: tuple[RiskCombination, ...] = ()


# The group guard's texts in responses/_risk.yaml, each with what it is for.
GUARD_TEXTS = {
    "warning": "the first line of the warning under a 高 message in a group",
    "on": "/guard on: the guard is on",
    "off": "/guard off: the guard is off",
    "state_on": "/guard: it is on",
    "state_off": "/guard: it is off, and how to switch it on",
    "not_admin": "/guard on or off from someone who is not the group's admin",
    "groups_only": "/guard in a private chat",
    "privacy_mode": "/guard on when the bot cannot read the group's messages: how to fix it",
}


@dataclass(frozen=True)
class RiskTexts:
    levels: dict[str, Template]  # 'high', 'medium', 'low' (and 'official') -> the reply's first line
    flags: Template  # the line above the red flags
    more: Template  # the line saying how many flags did not fit ({n})
    advice: dict[str, Template]  # an operator id or 'default' -> what to do instead
    report: Template  # where to report
    buttons: tuple[str, ...]
    button_where: tuple[Where, ...]
    where: Where
    notes: Template | None = None  # the line above what the message holds that is official
    # The group guard's texts (responses/_risk.yaml guard:): its warning's first line and what
    # /guard says; GUARD_TEXTS names them.
    guard: dict[str, Template] = field(default_factory=dict)
    takeover: dict[str, Template] = field(default_factory=dict)  # operator or 'default'
    # The red flag of a message the learned part rates 高 where the rules see less: said as what it is.
    learned: str = ""


@dataclass(frozen=True)
class RiskExample:
    """A message people forward and the levels it should get (intents/_risk_examples.yaml)."""

    text: str
    levels: tuple[str, ...]  # 'high', 'medium', 'low'; two when either is right
    where: Where


@dataclass(frozen=True)
class RiskExamples:
    """What the scam check's learned part learns from, and where its chances decide a level."""

    examples: tuple[RiskExample, ...]
    high_at: float  # its chance of 高 at or above which a message with a rule's red flag is 高
    alone_at: float  # its chance of 高 at or above which a message no rule flags is 高
    where: Where
    # The intents whose examples are not learned as harmless messages (they quote or tell scams);
    # every other intent's examples are questions people ask the bot, learned as harmless.
    not_harmless: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Risk:
    rules: RiskRules
    texts: RiskTexts
    learned: RiskExamples | None = None  # without intents/_risk_examples.yaml, the rules alone
