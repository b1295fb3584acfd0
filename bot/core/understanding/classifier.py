"""normalize → segment → match, plus the operator: one question in, one Classification out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.content.model import Content
from bot.core.understanding.channels import ChannelFinder
from bot.core.understanding.entities import EntityFinder
from bot.core.understanding.links import find_links
from bot.core.understanding.matcher import FALLBACK, Analysis, Matcher
from bot.core.understanding.normalize import HANDLE_TOKEN, URL_TOKEN, Normalizer, what_decides
from bot.core.understanding.operators import OperatorMention, Operators
from bot.core.understanding.pinyin import SoundAlike
from bot.core.understanding.segmenter import Segmenter
from bot.core.understanding.situation import FLAGGED, Situation, SituationReader, in_own_words
from bot.core.understanding.spelling import NameSpelling

_NOT_ALNUM = re.compile("[^a-z0-9]+")

# Below this no intent has earned an answer; the question is off-topic or unreadable.
MIN_CONFIDENCE = 0.20
# A narrower question named in the message (intents/_details.yaml: 卡密无效, 只有现金, 收不到验证码)
# says what is asked more surely than a reading this unsure: below it, or when the reading is the
# fallback or an answer that has no details (what Smart is, the bot itself), the intent whose
# answer writes the detail answers. 0.4 keeps a sure reading ("代充靠谱吗" with 信用卡 in it).
DETAIL_DECIDES_BELOW = 0.4
# A reading this sure of a topic whose answer does not write the detail keeps its own answer: "用信用卡
# 充了，卡被扣了但没到账" is a failed top-up, not a question about paying by card.
DETAIL_YIELDS_ABOVE = 0.8
# Readings a detail never replaces: whether a message is a scam, or what to do after one, comes first.
VICTIM_INTENT = "scam_victim"
KEEPS_ITS_READING = frozenset({"scam_check", VICTIM_INTENT})
# "How do I top up" from someone who lacks or refuses a way ("没有GCash 怎么充", "不想下载app") asks
# which way is left: where to top up, not the steps of a way they have.
WITHOUT_A_WAY = {"topup_how": "topup_where"}
# "翼支付充电信话费靠谱吗", "用和包充移动安全吗": whether a means of payment is safe asks whether it is
# a way to top up (a pasted offer that names one is rated by the scam check first, whatever the reading).
MEANS_ASKED = {"scam_check": "topup_where"}
# Means no operator takes: asking whether one is safe ("USDT代充安全吗") is a scam question.
NOT_A_WAY = frozenset({"crypto"})  # means ids of intents/_situation.yaml
# Topics whose words are also how people tell their number's state ("余额0", "还有10天有效期"):
# with a state told, the question is read again without it.
STATE_TOLD = frozenset({"balance_check"})
# Topics whose words also tell what the user cannot use or the number's state ("GCash的账号也被锁了",
# "余额0"): with a lack or a state told, such a second reading is that context, not a second question.
TOLD_NOT_ASKED = frozenset({"balance_check", "number_suspended"})
# The user's own number or account stopped or frozen as fraud-linked (a number state of
# intents/_situation.yaml), told in their own words: how to get it back, not a verdict on the
# threat words in it ("联通卡被停了，说是涉诈关停，我没干坏事，怎么解除").
OWN_CARD_STOPPED = {"scam_check": "number_suspended"}
# A victim's story read from the situation is this sure: above a clarify's margin, below a sure
# reading of the words.
TOLD_SCAM_CONFIDENCE = 0.6


class DetailFinder(EntityFinder):
    """Narrower questions: of two named once each, the first is the question ("OTP一直收不到，卡里
    还有50比索" asks about the code; the amount is context)."""

    tie_goes_to_first = True


@dataclass(frozen=True)
class Classification:
    text: str
    intent: str
    confidence: float
    operator: str | None
    channel: str | None  # where or through what: "store", "alipay"… (intents/_channels.yaml)
    candidates: tuple[tuple[str, float], ...]  # the best three, as (intent, score)
    analysis: Analysis
    uncovered: str | None = None  # an operator the bot does not cover, named instead of one it does
    operators_named: tuple[str, ...] = ()  # every covered operator named ("一张smart一张电信")
    corrected: bool = False  # an operator mention was taken back ("不是问移动，是问联通")
    place: str | None = None  # where the user says they are (intents/_places.yaml)
    detail: str | None = None  # a narrower question: 最少充多少, PUK… (intents/_details.yaml)
    # A detail is named and the reading answers it: offering two readings ("你想问的是…") would
    # lose the detail, and every reading that needs an operator gives the detail's answer anyway.
    settled: bool = False
    situation: Situation = field(default_factory=Situation)  # what the message tells of the user's situation

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "operator": self.operator,
            "channel": self.channel,
            **({"uncovered": self.uncovered} if self.uncovered else {}),
            **({"place": self.place} if self.place else {}),
            **({"detail": self.detail} if self.detail else {}),
            **({"situation": self.situation.as_json()} if not self.situation.empty else {}),
            "candidates": [[i, round(s, 3)] for i, s in self.candidates],
        }


def domain_words(content: Content) -> list[str]:
    """Words that show a question is about phone cards: the lexicon's words and every keyword."""
    words = [*content.lexicon.words, URL_TOKEN, HANDLE_TOKEN]
    for intent in content.intents.values():
        words.extend(k.text for k in intent.keywords)
    return words


def dictionary_words(content: Content, normalize: Normalizer) -> list[str]:
    """Every word jieba must keep whole: domain words, what synonyms become, operator names."""
    words = [normalize(w) for w in domain_words(content)]
    words += [normalize(w) for w in content.lexicon.replacements.values()]
    words += [normalize(w) for w in content.lexicon.unrelated]
    for op in (*content.operators.values(), *content.uncovered.values()):
        words += [normalize.script(w) for w in (*op.names, *op.hints, *op.lookalikes, *op.places)]
    return words


def _sound_alike(
    content: Content,
    normalize: Normalizer,
    segmenter: Segmenter,
    names: frozenset[str],
    domain: frozenset[str],
    cache_dir: Path | None,
) -> SoundAlike:
    """Sound-alikes of the domain words are mended; operator names, the lexicon's own entries
    (骗子 before it becomes 诈骗) and every word of the examples are also read in pinyin."""
    examples = [e for intent in content.intents.values() for e in intent.examples]
    typed = [normalize.script(w) for w in content.lexicon.replacements]

    def spelled() -> list[str]:  # only when the pinyin table is (re)built
        return [*names, *typed, *(w for e in examples for w in segmenter.cut(normalize(e)))]

    key = repr((sorted(names), typed, examples, segmenter.dictionary.name))
    return SoundAlike(domain, cache_dir, spelled, key)


def _latin_words(content: Content) -> set[str]:
    """Every Latin word the content uses: a real word is never taken for a slip of a name."""
    texts = [*content.lexicon.words, *content.lexicon.replacements, *content.lexicon.replacements.values()]
    for intent in content.intents.values():
        texts += [*intent.examples, *(k.text for k in intent.keywords)]
    return {w for t in texts for w in re.findall(r"[a-z]+", t.lower())}


class Classifier:
    def __init__(self, content: Content, cache_dir: Path | None = None) -> None:
        self.normalize = Normalizer(content.lexicon)
        segmenter = Segmenter(dictionary_words(content, self.normalize), cache_dir)
        corrections = tuple(c.regex for c in content.corrections if c.regex is not None)
        self.operators = Operators(content.operators, content.uncovered, corrections, self.normalize.script)
        self.channels = ChannelFinder(content.channels, self.normalize.script)
        self.places = EntityFinder(content.places, self.normalize.script)
        self.details = DetailFinder(content.details, self.normalize.script)
        self.situation = SituationReader(content.situation, content.places, self.normalize.script)
        self._allowlist = content.allowlist
        self._victim = VICTIM_INTENT if VICTIM_INTENT in content.intents else None
        # Each detail's home: the first intent (in content order) whose answer writes it.
        self._detail_home = {d: r.intent for r in reversed(content.responses.values()) for d in r.details}
        # Answers a detail can replace: the fallback and those without an operator (what Smart
        # is, help, greetings) but the scam ones.
        self._detail_replaces = frozenset(
            i for i, r in content.responses.items() if not r.needs_operator and i not in KEEPS_ITS_READING
        ) | {FALLBACK}
        # Every answer that needs an operator answers a detail (its own variant, else the home's).
        self._detail_answered_by = frozenset(i for i, r in content.responses.items() if r.needs_operator)
        # The details each answer writes itself or takes with channel_answers_from.
        self._writes = {
            i: {
                *r.details,
                *(content.responses[r.channel_answers_from].details if r.channel_answers_from else ()),
            }
            for i, r in content.responses.items()
        }
        # The details each answer writes itself: an unsure reading that writes the detail keeps it.
        self._writes_itself = {i: frozenset(r.details) for i, r in content.responses.items()}
        names = self.operators.covered.words
        domain = frozenset(self.normalize(w) for w in domain_words(content)) - names
        sound = _sound_alike(content, self.normalize, segmenter, names, domain, cache_dir)
        lexicon = content.lexicon
        # Everything outside the intents that shapes the features names the cached weights too.
        shaped_by = (
            lexicon.replacements,
            [n.text for n in lexicon.negations],
            segmenter.dictionary.name,
            lexicon.unrelated,
            lexicon.card_words,
        )
        self.matcher = Matcher(
            content.intents,
            self.normalize,
            segmenter,
            names,
            domain,
            cache_dir,
            sound,
            repr((*shaped_by, sound.table)),
            NameSpelling(self.operators.covered.names, _latin_words(content)),
            frozenset(self.normalize(w) for w in lexicon.unrelated),
            tuple(self.normalize.script(w) for w in lexicon.card_words),
        )

    def _operator_in_links(self, text: str) -> OperatorMention | None:
        """The operator an official link names: "smart.com.ph/simreg对吗" is about a Smart card.
        The matcher sees a link as one placeholder word, so the host is read here. A look-alike
        (smart-com-ph.xyz) says nothing of the user's card: it is a scam's disguise."""
        hosts = " ".join(
            _NOT_ALNUM.sub(" ", link.host) for link in find_links(text) if self._official(link.host)
        )
        if not hosts:
            return None
        mention = self.operators.find(hosts)
        return mention if mention.operator else None

    def _official(self, host: str) -> bool:
        return any(host == d or host.endswith("." + d) for d in self._allowlist)

    def _as_the_situation_says(
        self,
        scripted: str,
        situation: Situation,
        intent: str,
        confidence: float,
        candidates: tuple[tuple[str, float], ...],
    ) -> tuple[str, float]:
        """The reading once what the message tells of the user's situation is weighed in."""
        # Someone who tells of a code given to a scammer or money taken is a victim whatever the
        # words ask or the detail they name: "骗子让我报验证码，我报了，现在怎么办" reads like a scam
        # check or a question about codes to the examples, and the help they need comes first.
        if self._victim is not None and situation.told_scam and intent != self._victim:
            return self._victim, TOLD_SCAM_CONFIDENCE
        # An unsure victim's reading of a message that tells the number's state and no act or
        # scammer is the weight of 我…了 in the victims' examples ("我的smart卡已经2年没用了 还能
        # 保住吗"): the next reading. Without a state it stays ("钱还能追回来吗" after a loss).
        told_a_state = bool(situation.number) and not situation.done and not situation.scam
        if intent == self._victim and confidence < DETAIL_DECIDES_BELOW and told_a_state:
            return candidates[1]
        if FLAGGED in situation.number and intent in OWN_CARD_STOPPED and in_own_words(scripted):
            return OWN_CARD_STOPPED[intent], confidence
        if intent in STATE_TOLD and situation.number:
            # "余额0 还有10天有效期 现在充还是等到期再充": the balance told is context, not the
            # question; read without it, the question is what is left ("怎么查有效期" still checks).
            top = self.matcher.analyse(self.situation.without_states(scripted)).ranking[0]
            if top.score >= MIN_CONFIDENCE and top.intent != FALLBACK:
                intent, confidence = top.intent, min(1.0, top.score)
        if situation.lacks and WITHOUT_A_WAY.get(intent) in self._detail_answered_by:
            return WITHOUT_A_WAY[intent], confidence
        ways = set(situation.means) - NOT_A_WAY
        if ways and MEANS_ASKED.get(intent) in self._detail_answered_by:
            return MEANS_ASKED[intent], confidence
        return intent, confidence

    def classify(self, text: str, explain: bool = False) -> Classification:
        analysis = self.matcher.analyse(text, explain=explain)
        top = analysis.ranking[0]
        intent = top.intent if top.score >= MIN_CONFIDENCE else FALLBACK
        confidence = min(1.0, top.score) if intent == top.intent else 1.0 - top.score
        candidates = tuple((s.intent, min(1.0, s.score)) for s in analysis.ranking[:3])
        scripted, normalized = analysis.scripted, analysis.normalized
        # Most questions need no normalizing: then the normalized text is not looked at again.
        again = normalized != scripted
        # A narrower question the user takes back is not asked: "我不是问TNT怎么充，是想知道TNT和
        # Smart有什么区别" asks what Smart is, not where to top up TNT.
        kept = self.operators.kept
        detail = self.details.find(kept(scripted)) or (self.details.find(kept(normalized)) if again else None)
        home = self._detail_home.get(detail) if detail is not None else None
        situation = self.situation.read(scripted)
        # A balance reading of a message that tells the number's state is unsure of itself: "手机卡
        # 丢了 里面还有余额 能补卡吗" asks about the lost card, the balance is context.
        unsure = (
            intent in self._detail_replaces
            or top.score < DETAIL_DECIDES_BELOW
            or (intent in STATE_TOLD and bool(situation.number))
        )
        # An unsure reading whose own answer writes the detail keeps it: "Smart卡插进去显示No service"
        # is read as 停机复机, which says why a card shows no service, not only how to see the balance.
        writes_it = detail in self._writes_itself.get(intent, ())
        if home is not None and home != intent and unsure and not writes_it:
            intent, confidence = home, DETAIL_DECIDES_BELOW
        elif (
            detail is not None
            and detail not in self._writes.get(intent, ())
            and top.score >= DETAIL_YIELDS_ABOVE
        ):
            detail = home = None
        situated = self._as_the_situation_says(scripted, situation, intent, confidence, candidates)
        if situated[0] != intent:
            (intent, confidence), home = situated, None
        # Names are matched before synonyms replace them ("load" means Smart, then becomes 充值),
        # and after, for typos of a name (移懂 → 移动).
        # Where the user is tells the operator only of a question about phone cards: 马尼拉哪里好吃
        # must not make the chat remember Smart.
        mention = self.operators.find(analysis.scripted, analysis.normalized, places=intent != FALLBACK)
        if mention.operator is None and mention.uncovered is None and intent != FALLBACK:
            mention = self._operator_in_links(what_decides(text)) or mention
        # A question about a card the bot does not cover ("Globe怎么充值", "giffgaff怎么保号") has no
        # answer here whatever it asks: it is off-topic for the bot, and the reply says whom to ask.
        if mention.uncovered and mention.operator is None and intent in self._detail_answered_by:
            intent, detail, home = FALLBACK, None, None
        channel = self.channels.find(scripted) or (self.channels.find(normalized) if again else None)
        if analysis.also in TOLD_NOT_ASKED and (situation.lacks or situation.number):
            analysis = replace(analysis, also=None)
        return Classification(
            text,
            intent,
            confidence,
            mention.operator,
            channel,
            candidates,
            analysis,
            mention.uncovered,
            mention.named,
            mention.corrected,
            self.places.find(scripted),
            detail,
            settled=home is not None and intent in self._detail_answered_by,
            situation=situation,
        )
