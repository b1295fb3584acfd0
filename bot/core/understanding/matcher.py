"""Step 3 of the core: score every intent for a question, deterministically and explainably.

The scores come from a linear model learned from every YAML example each time the content loads
(bot/core/understanding/linear.py; cached on disk by a digest of what it learned from). Its features:
  - the words jieba finds (w:), operator names and hints apart (e:): they mostly tell which
    operator, not what is asked;
  - the character 1-, 2- and 3-grams of the Chinese text (c:), which carry unseen words and typos;
  - the intents' YAML keywords (k:) and patterns (p:) that fire, learned like any other feature,
    and their YAML weight added on top, for what the examples cannot express;
  - x:offdomain when not a single domain word, keyword, pattern or operator name or hint (菲律宾,
    *123#) is present (你觉得我帅吗).
  - the lexicon's unrelated words (充电宝, 余额宝) as words only: no n-grams, no keyword inside them,
    and always unknown to the fallback's prior below.
Beside the learned scores, the fallback gains points for the share of a question's content words
that no example has, when a domain word keeps x:offdomain off and no YAML rule fired: in
"卡密1234 是什么星座" the topic is 星座, and the function words 是什么 must not make it what_is_smart.
And when a message tops up something else the lexicon names (八达通, 点券) with no operator or card
word beside it, the YAML rules (all about phone cards) give way to a prior for the fallback.
A question is scored whole and, when it has several clauses, clause by clause
(bot/core/understanding/clauses.py).
"""

from __future__ import annotations

import hashlib
import marshal
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from operator import neg
from pathlib import Path
from typing import NamedTuple

from bot.content.model import Intent
from bot.content.patterns import RegexSet
from bot.core.understanding import clauses, linear
from bot.core.understanding.disk_cache import cached_file
from bot.core.understanding.normalize import Normalizer
from bot.core.understanding.pinyin import SoundAlike
from bot.core.understanding.segmenter import Segmenter
from bot.core.understanding.spelling import NameSpelling
from bot.core.understanding.word_pattern import word_pattern

FALLBACK = "fallback"
FORMAT = "learned-2"  # bump when features or training change (the code's own digest is in the key too)
# How many logit points one unit of a YAML weight adds (keywords weigh about 0.3).
RULE_PRIOR = 4.0
# A clause must be at least this sure of its own question before it is offered as a second one.
CLAUSE_CONFIDENCE = 0.4
# Clauses scored one by one in a long message: the first and the last few (its opening question,
# one asked after a pasted text); the whole message is still scored on all its words. Each clause
# costs about a short question (a message of 4,000 characters of questions had 300). The labelled
# questions have at most 9 clauses: every one is scored as before.
FIRST_CLAUSES = 6
LAST_CLAUSES = 4
# A word the examples of at least a quarter of the intents use is a function word (的, 什么, 怎么).
COMMON_SHARE = 4
# Logit points the fallback gains when every content word is one no example has (times the share
# that is). 4-5 keep every held-out set as it was and lift the off-topic set most; the learned
# feature tried first (x:unknown, trained on words found in one example only) moved nothing.
UNKNOWN_PRIOR = 5.0
# Logit points the fallback gains when the thing topped up is something else the lexicon names
# (八达通, 点券, 电费) and nothing says a phone card: its top-up words would answer the wrong card.
UNRELATED_PRIOR = 8.0
NGRAMS = (1, 2, 3)  # character n-grams: unseen words, typos and word order all leave a trace
PUNCTUATION = set("，。！？、；：“”‘’（）《》【】…—～·,.!?;:'\"()[]{}<>~`#$%^&*+=|\\/-_ ")


# The runs of CJK ideographs (U+4E00–U+9FFF) the character n-grams are cut from, in order.
_CJK_RUN = re.compile("[\u4e00-\u9fff]+")
_new_tuple = tuple.__new__


def _code_digest() -> str:
    """The source of every module that makes features or weights: a change to any of them trains
    anew, so a forgotten FORMAT bump cannot leave stale weights in the cache."""
    from bot.core.understanding import normalize, pinyin, segmenter, spelling, word_pattern

    digest = hashlib.sha256()
    for module in (
        sys.modules[__name__],
        clauses,
        linear,
        normalize,
        pinyin,
        segmenter,
        spelling,
        word_pattern,
    ):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


class Vote(NamedTuple):
    """One piece of evidence for an intent, for --explain."""

    feature: str
    points: float


class IntentScore(NamedTuple):
    intent: str
    score: float  # the model's probability
    votes: tuple[Vote, ...] = ()  # filled in only when explaining


@dataclass(frozen=True)
class Analysis:
    scripted: str  # before typos and synonyms were replaced
    normalized: str
    words: tuple[str, ...]
    ignored: tuple[str, ...]  # negated parts, left out of matching
    ranking: tuple[IntentScore, ...]  # best first, every intent
    also: str | None = None  # a second question in the same message


class Matcher:
    def __init__(
        self,
        intents: dict[str, Intent],
        normalizer: Normalizer,
        segmenter: Segmenter,
        entities: frozenset[str] = frozenset(),
        domain: frozenset[str] = frozenset(),
        cache_dir: Path | None = None,
        sound: SoundAlike | None = None,
        key: str = "",
        spelling: NameSpelling | None = None,
        unrelated: frozenset[str] = frozenset(),
        card_words: tuple[str, ...] = (),
    ) -> None:
        """`key` names everything outside the intents that shapes the features (lexicon, jieba's
        dictionary, the pinyin table): with the intents it names the cached weights."""
        self.intents = intents
        self._sound = sound
        self._spelling = spelling
        self._domain = domain
        self._unrelated = unrelated
        self._card_words = card_words
        self._entities = entities
        # Names and hints can hold punctuation (*123#) that jieba splits: found in the text instead.
        self._named = word_pattern(entities)
        self._normalize = normalizer
        self._segmenter = segmenter
        self._keywords: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
        for intent in intents.values():
            for keyword in intent.keywords:
                rule = (intent.id, keyword.weight, f"keyword {keyword.text}")
                self._keywords[normalizer(keyword.text)].append(rule)
        # Each keyword filed under its first character: a question tests only the keywords that
        # could start somewhere in it, in the same order as the full list (the features' order
        # fixes the order of the sums).
        self._keyword_list = list(self._keywords.items())
        self._keywords_at: dict[str, list[int]] = defaultdict(list)
        self._keywords_always = [n for n, (phrase, _) in enumerate(self._keyword_list) if not phrase]
        for n, (phrase, _) in enumerate(self._keyword_list):
            if phrase:
                self._keywords_at[phrase[0]].append(n)
        # (feature, intent, pattern, its 'unless', where that is in the set (-1: none), weight),
        # all searched at once: most questions hold none of the words a pattern needs, and RE2
        # runs only the patterns whose words are there.
        rules = [(f"p:{i.id}#{n}", i.id, p) for i in intents.values() for n, p in enumerate(i.patterns)]
        regexes = [p.regex for _, _, p in rules if p.regex is not None]
        self._patterns = []
        for name, intent_id, p in rules:
            if p.regex is not None:
                if p.unless is not None:
                    regexes.append(p.unless)
                unless = len(regexes) - 1 if p.unless is not None else -1
                self._patterns.append((name, intent_id, p.regex, p.unless, unless, p.weight))
        self._pattern_set = RegexSet(regexes)
        self.classes = tuple(intents)
        self._common: frozenset[str] = frozenset()
        self._class_index = {c: n for n, c in enumerate(self.classes)}
        self.model = self._learned(key, cache_dir)

    def samples(self, intents: dict[str, Intent]) -> list[tuple[dict[str, float], str]]:
        """Every example of the given intents as (features, intent): what the model learns from."""
        out = []
        for intent in intents.values():
            for example in intent.examples:
                _, _, kept, _, words = self._prepare(example)
                out.append((self.features(kept, words)[0], intent.id))
        return out

    def _prepare(self, text: str) -> tuple[str, str, str, list[str], list[str]]:
        """normalize and segment: (scripted, normalized, kept, ignored, words), where kept is the
        normalized text without what the user says they are not asking, and words are its words."""
        scripted = self._normalize.script(text)
        spelled = self._spelling.mend(scripted) if self._spelling else scripted
        spelled = self._sound.latin(spelled) if self._sound else spelled
        normalized = self._normalize.replace(spelled)
        kept, ignored = self._normalize.drop_negated(normalized)
        words = self._segmenter.cut(kept)
        if self._sound:
            words, fixed = self._sound.repair(words)
            for typed, meant in fixed:
                kept = kept.replace(typed, meant, 1)
        return scripted, normalized, kept, ignored, words

    def train(self, samples: list[tuple[dict[str, float], str]]) -> linear.LinearModel:
        return linear.train(samples, self.classes)

    def _learned(self, key: str, cache_dir: Path | None) -> linear.LinearModel:
        # The digest of what the features are made from, not of the features: making them for
        # every example costs 80 ms, a sixth of the start-up budget, and only a new model needs them.
        rules = [
            (
                i.id,
                i.examples,
                [(k.text, k.weight) for k in i.keywords],
                [(p.text, p.weight, p.unless and p.unless.pattern) for p in i.patterns],
            )
            for i in self.intents.values()
        ]
        made_of = (FORMAT, _code_digest(), sys.version_info[:2], key, rules, sorted(self._entities))
        digest = hashlib.sha256(repr((*made_of, sorted(self._domain))).encode()).hexdigest()[:16]

        def build() -> bytes:
            self._common = self.common_words(self.intents)
            model = self.train(self.samples(self.intents)).as_data()
            return marshal.dumps({"model": model, "common": sorted(self._common)})

        path = cached_file(cache_dir, f"weights-{digest}.marshal", build)
        data = marshal.loads(path.read_bytes())
        self._common = frozenset(data["common"])
        return linear.LinearModel.from_data(data["model"])

    def common_words(self, intents: dict[str, Intent]) -> frozenset[str]:
        """Words the examples of many intents use (的, 是, 什么, 怎么, 吗): they say how something is
        asked, not what about, so they count neither as known nor as unknown content."""
        used_by: dict[str, set[str]] = defaultdict(set)
        for intent in intents.values():
            for example in intent.examples:
                for word in self._prepare(example)[4]:
                    used_by[word].add(intent.id)
        return frozenset(w for w, users in used_by.items() if len(users) * COMMON_SHARE >= len(intents))

    def unknown_share(self, words: list[str]) -> tuple[float, list[str]]:
        """The share of a question's content words that no example has and no lexicon lists, and
        those words. Function words, numbers and punctuation are not content; operator names are
        known content (smart汽车 is half about Smart); pinyin is never unknown: it spells something
        ("smart ka shi shenme")."""
        content = [
            w
            for w in words
            if w in self._entities or (w not in self._common and any(ch.isalpha() for ch in w))
        ]
        weights = self.model.weights
        # A single character jieba left alone is often a piece of a typo or a dialect word (骗紫,
        # 嚟): unknown only if no example has the character at all.
        unknown = [
            w
            for w in content
            if w in self._unrelated
            or (
                w not in self._domain
                and w not in self._entities
                and "w:" + w not in weights
                and not (len(w) == 1 and "c:" + w in weights)
                and not (self._sound and self._sound.is_pinyin(w))
            )
        ]
        return (len(unknown) / len(content) if content else 0.0), unknown

    def features(self, text: str, words: list[str]) -> tuple[dict[str, float], list[tuple[str, float, str]]]:
        """The features of one text (scaled to unit length) and the YAML rules it fires:
        (intent, weight, what fired)."""
        # Names in order, made a dict once at the end: every feature of a question weighs the same.
        names: list[str] = []
        entities = self._entities
        pieces = []
        for word in words:
            if word in entities:
                # Its own kind of feature, kept out of the words and n-grams: a name mostly says
                # which operator, but some questions are about the name itself (smart是什么, 10086是真的吗).
                names.append("e:" + word)
                pieces.append(" ")
                continue
            if PUNCTUATION.issuperset(word):
                pieces.append(" ")
                continue
            if word in self._unrelated:
                # A word of its own, without the n-grams that would make 充电宝 vote like 充值.
                names.append("w:" + word)
                pieces.append(" ")
                continue
            names.append("w:" + word)
            pieces.append(word)
        for run in _CJK_RUN.findall("".join(pieces)):
            for n in NGRAMS:
                names += ["c:" + run[i : i + n] for i in range(len(run) - n + 1)]
        priors: list[tuple[str, float, str]] = []
        longer = [w for w in words if w in self._domain or w in entities or w in self._unrelated]
        at = self._keywords_at
        keywords = self._keyword_list
        characters = set(text)
        found = [n for ch in characters if ch in at for n in at[ch]]
        found.extend(self._keywords_always)
        found.sort()
        for phrase, owners in (keywords[n] for n in found):
            if phrase in text and not self._only_inside(phrase, text, longer):
                names.append("k:" + phrase)
                priors.extend(owners)
        fired = self._pattern_set.matching(text) if self._patterns else set()
        for n, (name, intent_id, pattern, unless, unless_at, weight) in enumerate(self._patterns):
            if n in fired and unless_at not in fired:
                names.append(name)
                rule = f"pattern {pattern.pattern}" + (f" unless {unless.pattern}" if unless else "")
                priors.append((intent_id, weight, rule))
        if not priors and self._domain.isdisjoint(words) and not (self._named and self._named.search(text)):
            names.append("x:offdomain")
        unique = dict.fromkeys(names)  # first mention first: the order of the sums stays fixed
        scale = 1.0 / math.sqrt(len(unique)) if unique else 1.0
        return dict.fromkeys(unique, scale), priors

    @staticmethod
    def _only_inside(phrase: str, text: str, longer: list[str]) -> bool:
        """Whether every occurrence of a keyword is part of a longer domain word or name: 保号卡 is
        the card people keep a number with, so 保号卡怎么充 asks how to top it up, not about 保号."""
        inside = sum(w.count(phrase) for w in longer if len(w) > len(phrase))
        return inside >= text.count(phrase)

    def _rank(
        self, text: str, words: list[str], explain: bool, elsewhere: bool = False
    ) -> tuple[IntentScore, ...]:
        """`elsewhere`: the message tops up something that is no phone card (八达通, 点券): the
        YAML rules, all about phone cards, give way to the fallback's prior."""
        feats, priors = self.features(text, words)
        logits = self.model.logits(feats)
        if elsewhere and FALLBACK in self._class_index:
            named = " ".join(w for w in words if w in self._unrelated)
            priors = [(FALLBACK, UNRELATED_PRIOR / RULE_PRIOR, f"about something else: {named}")]
        for intent_id, weight, _ in priors:
            logits[self._class_index[intent_id]] += RULE_PRIOR * weight
        # Among messages without a domain word x:offdomain already tells chit-chat from greetings
        # (哈咯～, OK 拜了); the unknown words matter where a domain word would make a question look
        # on-topic.
        if not priors and FALLBACK in self._class_index and "x:offdomain" not in feats:
            share, unknown = self.unknown_share(words)
            if share:
                # As a rule's weight, so --explain lists it with the YAML rules.
                rule = "unknown words " + " ".join(unknown)
                priors = [(FALLBACK, UNKNOWN_PRIOR * share / RULE_PRIOR, rule)]
                logits[self._class_index[FALLBACK]] += UNKNOWN_PRIOR * share
        probs = linear.softmax(logits)
        # Highest probability first, ties by name (names are unique): sorted on plain tuples, with
        # no key function called per class, and each score made as a tuple without the NamedTuple's
        # Python-level constructor (19 of them for every question and every clause).
        ranked_classes = sorted(zip(map(neg, probs), self.classes, strict=True))
        if not explain:
            return tuple([_new_tuple(IntentScore, (intent_id, -p, ())) for p, intent_id in ranked_classes])
        ranked = []
        for _, intent_id in ranked_classes:
            c = self._class_index[intent_id]
            votes = [Vote(f, p) for f, p in self.model.contributions(feats, c)]
            votes += [Vote(rule, RULE_PRIOR * w) for i, w, rule in priors if i == intent_id]
            votes.append(Vote("bias", self.model.bias[c]))
            votes.sort(key=lambda v: -abs(v.points))
            ranked.append(IntentScore(intent_id, probs[c], tuple(votes)))
        return tuple(ranked)

    def _about_something_else(self, text: str, words: list[str]) -> bool:
        """An unrelated thing is named (八达通, 充电宝) and no operator, hint or card word is (in
        the text before synonyms replace them: 交话费 becomes 充值)."""
        if self._unrelated.isdisjoint(words) or not self._entities.isdisjoint(words):
            return False
        if self._named is not None and self._named.search(text):
            return False
        return not any(word in text for word in self._card_words)

    def analyse(self, text: str, explain: bool = False) -> Analysis:
        scripted, normalized, kept, ignored, words = self._prepare(text)
        parts = clauses.split(words)
        if len(parts) > 1:
            negated = [p for p in parts if clauses.negated(p)]
            if negated and len(negated) < len(parts):
                ignored += [clauses.join(p) for p in negated]
                parts = [p for p in parts if not clauses.negated(p)]
                words = [w for p in parts for w in (*p, "，")]
                kept = clauses.join(words)
        elsewhere = self._about_something_else(scripted, words)
        ranking = self._rank(kept, words, explain, elsewhere)
        also = None
        if len(parts) > 1:
            ranking, also = self._by_clause(parts, ranking, explain, elsewhere)
        return Analysis(scripted, normalized, tuple(words), tuple(ignored), ranking, also)

    def _by_clause(
        self, parts: list[list[str]], whole: tuple[IntentScore, ...], explain: bool, elsewhere: bool
    ) -> tuple[tuple[IntentScore, ...], str | None]:
        """The question behind the politeness, and a second question when there is one.

        The whole message decides unless it is only politeness; then the clauses that are not
        politeness decide together ("您好，想问下…怎么交") when they are about phone cards.
        (Preferring the clause phrased as a question over the clauses around it was tried and
        lost: "今天还没到，怎么查？" is asked about the context, not about checking a balance.)
        """
        if len(parts) > FIRST_CLAUSES + LAST_CLAUSES:
            parts = parts[:FIRST_CLAUSES] + parts[-LAST_CLAUSES:]
        # A clause said again is ranked once: pasted or hostile text repeats ("a.a.a…" is 2,000).
        once: dict[tuple[str, ...], tuple[IntentScore, ...]] = {}
        for part in parts:
            if (key := tuple(part)) not in once:
                once[key] = self._rank(clauses.join(part), part, explain, elsewhere)
        rankings = [once[tuple(part)] for part in parts]
        main = whole
        # Politeness that won, or came close ("…你能不能教我一下谢谢": 怎么充 just ahead of thanks):
        # the clauses that are not politeness decide.
        if (
            whole[0].intent in clauses.SOCIAL
            or whole[0].intent == FALLBACK
            or whole[1].intent in clauses.SOCIAL
        ):
            rest = [p for p, r in zip(parts, rankings, strict=True) if r[0].intent not in clauses.SOCIAL]
            if rest and len(rest) < len(parts):
                words = [w for p in rest for w in (*p, "，")]
                text = clauses.join(words)
                ranking = self._rank(text, words, explain, elsewhere)
                # Only a clause about phone cards outranks the politeness: "谢谢啊，很有用" is thanks.
                on_topic = "x:offdomain" not in self.features(text, words)[0]
                if ranking[0].intent != FALLBACK and on_topic:
                    main = ranking
        # A second question is asked: a clause that only tells ("充了钱还是这样", "smart的") is
        # context, however its words score.
        questions = sorted(
            (
                r
                for p, r in zip(parts, rankings, strict=True)
                if r[0].intent not in clauses.SOCIAL and r[0].intent != FALLBACK and clauses.asks(p)
            ),
            key=lambda r: -r[0].score,
        )
        others = [
            r[0].intent
            for r in questions
            if r[0].score >= CLAUSE_CONFIDENCE and r[0].intent != main[0].intent
        ]
        return main, (others[0] if others else None)
