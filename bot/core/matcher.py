"""Step 3 of the core: score every intent for a question, deterministically and explainably.

Each intent earns points from three kinds of evidence, all written in intents/*.yaml:
  - similarity to its closest example (cosine over words and character pairs, each weighted by
    how few intents use it, so 充值 counts less than 没到账);
  - its keywords found in the question;
  - its regular-expression patterns that match.
The score is the sum; capped at 1.0 it is reported as the confidence.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from bot.content.model import Intent, Weighted
from bot.core.normalize import Normalizer
from bot.core.segmenter import Segmenter

FALLBACK = "fallback"
BIGRAM_WEIGHT = 0.5  # character pairs catch typos and unseen words, but words say more
UNKNOWN_WEIGHT = 0.3  # how much a word no example uses dilutes a question (see Matcher)
# Features nearly every intent uses (的, 怎么, 吗) add almost nothing to any similarity but
# make up most of the work; they still count in a text's length, but are not looked up.
MIN_INDEXED_IDF = 0.5
# A question without a single domain word, keyword or pattern (你觉得我帅吗) is probably
# off-topic however close it looks to a short example; its similarity counts for less.
OFF_DOMAIN_FACTOR = 0.5
PUNCTUATION = set("，。！？、；：“”‘’（）《》【】…—～·,.!?;:'\"()[]{}<>~`#$%^&*+=|\\/-_ ")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def featurize(words: list[str], entities: frozenset[str] = frozenset()) -> dict[str, float]:
    """Word features (w:) and CJK character-pair features (c:) with raw counts.

    Entity words (operator names) are left out: they tell which operator, not what is asked.
    """
    counts: dict[str, float] = defaultdict(float)
    for word in words:
        if word in entities or all(ch in PUNCTUATION for ch in word):
            continue
        counts["w:" + word] += 1.0
    joined = "".join(" " if w in entities else w for w in words)
    for a, b in itertools.pairwise(joined):
        if _is_cjk(a) and _is_cjk(b):
            counts["c:" + a + b] += BIGRAM_WEIGHT
    return counts


# Named tuples rather than dataclasses: fourteen of these are built per question.
class Vote(NamedTuple):
    """One piece of evidence for an intent, for --explain."""

    feature: str
    points: float


class IntentScore(NamedTuple):
    intent: str
    score: float  # the sum of the votes; can pass 1.0 when much evidence agrees
    votes: tuple[Vote, ...] = ()
    nearest_example: str | None = None  # filled in only when explaining


@dataclass(frozen=True)
class Analysis:
    scripted: str  # before typos and synonyms were replaced
    normalized: str
    words: tuple[str, ...]
    ignored: tuple[str, ...]  # negated parts, left out of matching
    ranking: tuple[IntentScore, ...]  # best first, every intent


class Matcher:
    def __init__(
        self,
        intents: dict[str, Intent],
        normalizer: Normalizer,
        segmenter: Segmenter,
        entities: frozenset[str] = frozenset(),
        domain: frozenset[str] = frozenset(),
    ) -> None:
        self.intents = intents
        self._domain = domain
        self._entities = entities
        self._normalize = normalizer
        self._segmenter = segmenter
        self._patterns = [
            (i.id, p.regex, p.weight) for i in intents.values() for p in i.patterns if p.regex is not None
        ]

        raw: list[tuple[str, str, dict[str, float]]] = []  # (intent, example, features)
        for intent in intents.values():
            for example in intent.examples:
                text, _ = normalizer.drop_negated(normalizer(example))
                raw.append((intent.id, example, featurize(segmenter.cut(text), entities)))
        owners: dict[str, set[str]] = defaultdict(set)
        for intent_id, _, feats in raw:
            for f in feats:
                owners[f].add(intent_id)
        n = len(intents)
        # A feature every intent uses says nothing; one that a single intent uses says most.
        self._idf = {f: math.log((n + 1) / len(who)) for f, who in owners.items()}
        # Words no example uses still count in the question's length: a question that is mostly
        # about something else (蛋炒饭, 帅) must not look like a short example it shares one word with.
        self._unknown_idf = UNKNOWN_WEIGHT * math.log(n + 1)
        # Examples are stored intent by intent, so each intent owns one slice of the score list.
        self._examples: list[tuple[str, str, dict[str, float]]] = []
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._slices: dict[str, tuple[int, int]] = {}
        for intent_id, example, feats in raw:
            vector = self._weigh(feats)
            index = len(self._examples)
            start, _ = self._slices.get(intent_id, (index, index))
            self._slices[intent_id] = (start, index + 1)
            self._examples.append((intent_id, example, vector))
            for f, value in vector.items():
                if self._idf[f] >= MIN_INDEXED_IDF:
                    self._postings[f].append((index, value))
        self._keyword_owners: dict[str, list[tuple[str, Weighted]]] = defaultdict(list)
        for intent in intents.values():
            for keyword in intent.keywords:
                self._keyword_owners[normalizer(keyword.text)].append((intent.id, keyword))

    def _weigh(self, feats: dict[str, float], query: bool = False) -> dict[str, float]:
        vector = {
            f: (1.0 + math.log(c)) * self._idf[f] for f, c in feats.items() if c > 0 and self._idf.get(f)
        }
        squares = sum(v * v for v in vector.values())
        if query:
            squares += sum(
                ((1.0 + math.log(c)) * self._unknown_idf) ** 2
                for f, c in feats.items()
                if c > 0 and f not in self._idf
            )
        norm = math.sqrt(squares) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def _explained(
        self,
        intent_id: str,
        total: float,
        votes: list[Vote],
        query: dict[str, float],
        dots: list[float],
        start: int,
    ) -> IntentScore:
        """The score again, with the features it shares with its nearest example listed first."""
        best = max(dots)
        if not best:
            return IntentScore(intent_id, total, tuple(votes))
        _, example, vector = self._examples[start + dots.index(best)]
        shared = sorted(((query[f] * vector[f], f) for f in query if f in vector), reverse=True)
        return IntentScore(intent_id, total, tuple([Vote(f, p) for p, f in shared] + votes), example)

    def analyse(self, text: str, explain: bool = False) -> Analysis:
        scripted = self._normalize.script(text)
        normalized = self._normalize.replace(scripted)
        kept, ignored = self._normalize.drop_negated(normalized)
        words = self._segmenter.cut(kept)
        query = self._weigh(featurize(words, self._entities), query=True)

        dots = [0.0] * len(self._examples)
        for f, value in query.items():
            for index, weight in self._postings.get(f, ()):
                dots[index] += value * weight

        rules: dict[str, list[Vote]] = defaultdict(list)
        for phrase, owners in self._keyword_owners.items():
            if phrase in kept:
                for intent_id, keyword in owners:
                    rules[intent_id].append(Vote(f"keyword {keyword.text}", keyword.weight))
        for intent_id, pattern, weight in self._patterns:
            if pattern.search(kept):
                rules[intent_id].append(Vote(f"pattern {pattern.pattern}", weight))
        in_domain = bool(rules) or not self._domain.isdisjoint(words)

        scores = []
        for intent_id, (start, end) in self._slices.items():
            similarity = max(dots[start:end])
            votes = rules.get(intent_id)
            if not in_domain and similarity and intent_id != FALLBACK:
                votes = [*(votes or ()), Vote("no domain word", -similarity * (1 - OFF_DOMAIN_FACTOR))]
            if explain:
                total = max(0.0, similarity + sum(v.points for v in votes or ()))
                scores.append(self._explained(intent_id, total, votes or [], query, dots[start:end], start))
            elif votes:
                scores.append(
                    IntentScore(intent_id, max(0.0, similarity + sum(v.points for v in votes)), tuple(votes))
                )
            else:  # most intents, most of the time: no rule fired
                scores.append(IntentScore(intent_id, similarity))
        scores.sort(key=lambda s: (-s.score, s.intent))
        return Analysis(scripted, normalized, tuple(words), tuple(ignored), tuple(scores))
