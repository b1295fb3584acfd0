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
from dataclasses import dataclass, field

from bot.content.model import Intent
from bot.normalize import Normalizer
from bot.segmenter import Segmenter

FALLBACK = "fallback"
BIGRAM_WEIGHT = 0.5  # character pairs catch typos and unseen words, but words say more
UNKNOWN_WEIGHT = 0.3  # how much a word no example uses dilutes a question (see Matcher)
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


@dataclass(frozen=True)
class Vote:
    """One piece of evidence for an intent, for --explain."""

    feature: str
    points: float


@dataclass(frozen=True)
class IntentScore:
    intent: str
    score: float  # the sum of the votes; can pass 1.0 when much evidence agrees
    votes: tuple[Vote, ...] = field(default=())
    nearest_example: str | None = None


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
        self._intent_ids = sorted(intents)
        self._keywords = {i.id: [(normalizer(k.text), k) for k in i.keywords] for i in intents.values()}
        self._patterns = {i.id: list(i.patterns) for i in intents.values()}

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
        self._examples: list[tuple[str, str, dict[str, float]]] = []
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for intent_id, example, feats in raw:
            vector = self._weigh(feats)
            index = len(self._examples)
            self._examples.append((intent_id, example, vector))
            for f, value in vector.items():
                self._postings[f].append((index, value))

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

    def analyse(self, text: str, explain: bool = False) -> Analysis:
        scripted = self._normalize.script(text)
        normalized = self._normalize.replace(scripted)
        kept, ignored = self._normalize.drop_negated(normalized)
        words = self._segmenter.cut(kept)
        query = self._weigh(featurize(words, self._entities), query=True)

        dots: dict[int, float] = defaultdict(float)
        for f, value in query.items():
            for index, weight in self._postings.get(f, ()):
                dots[index] += value * weight
        best: dict[str, tuple[float, int]] = {}
        for index, dot in dots.items():
            intent_id = self._examples[index][0]
            if dot > best.get(intent_id, (0.0, -1))[0]:
                best[intent_id] = (dot, index)

        rules: dict[str, list[Vote]] = {}
        for intent_id in self._intent_ids:
            rules[intent_id] = [
                Vote(f"keyword {k.text}", k.weight)
                for phrase, k in self._keywords[intent_id]
                if phrase and phrase in kept
            ]
            rules[intent_id] += [
                Vote(f"pattern {p.text}", p.weight)
                for p in self._patterns[intent_id]
                if p.regex is not None and p.regex.search(kept)
            ]
        in_domain = any(rules.values()) or not self._domain.isdisjoint(words)

        scores = []
        for intent_id in self._intent_ids:
            similarity, index = best.get(intent_id, (0.0, -1))
            votes = list(rules[intent_id])
            if not in_domain and similarity and intent_id != FALLBACK:
                votes.append(Vote("no domain word", -similarity * (1 - OFF_DOMAIN_FACTOR)))
            total = sum(v.points for v in votes) + similarity
            example = self._examples[index][1] if index >= 0 else None
            if explain and index >= 0:
                vector = self._examples[index][2]
                shared = sorted(((query[f] * vector[f], f) for f in query if f in vector), reverse=True)
                votes = [Vote(f, p) for p, f in shared] + votes
            scores.append(IntentScore(intent_id, max(0.0, total), tuple(votes), example))
        scores.sort(key=lambda s: (-s.score, s.intent))
        return Analysis(scripted, normalized, tuple(words), tuple(ignored), tuple(scores))
