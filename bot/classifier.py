"""normalize → segment → match, plus the operator: one question in, one Classification out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.model import Content
from bot.matcher import FALLBACK, Analysis, Matcher
from bot.normalize import HANDLE_TOKEN, URL_TOKEN, Normalizer
from bot.operators import OperatorFinder
from bot.segmenter import Segmenter

# Below this no intent has earned an answer; the question is off-topic or unreadable.
MIN_CONFIDENCE = 0.30


@dataclass(frozen=True)
class Classification:
    text: str
    intent: str
    confidence: float
    operator: str | None
    candidates: tuple[tuple[str, float], ...]  # the best three, as (intent, score)
    analysis: Analysis

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "operator": self.operator,
            "candidates": [[i, round(s, 3)] for i, s in self.candidates],
        }


def domain_words(content: Content) -> list[str]:
    """Every word jieba must keep whole: the lexicon, keywords, operator names and replacements."""
    words = [*content.lexicon.words, URL_TOKEN, HANDLE_TOKEN, *content.lexicon.replacements.values()]
    for intent in content.intents.values():
        words.extend(k.text for k in intent.keywords)
    for op in content.operators.values():
        words.extend(op.names)
        words.extend(op.lookalikes)
    return words


class Classifier:
    def __init__(self, content: Content, cache_dir: Path | None = None) -> None:
        self.normalize = Normalizer(content.lexicon)
        segmenter = Segmenter((self.normalize(w) for w in domain_words(content)), cache_dir)
        names = frozenset(self.normalize(n) for op in content.operators.values() for n in op.names)
        self.matcher = Matcher(content.intents, self.normalize, segmenter, names)
        self.operators = OperatorFinder(content.operators, self.normalize)

    def classify(self, text: str, explain: bool = False) -> Classification:
        analysis = self.matcher.analyse(text, explain=explain)
        top = analysis.ranking[0]
        intent = top.intent if top.score >= MIN_CONFIDENCE else FALLBACK
        confidence = top.score if intent == top.intent else 1.0 - top.score
        candidates = tuple((s.intent, s.score) for s in analysis.ranking[:3])
        operator = self.operators.find(analysis.normalized)
        return Classification(text, intent, confidence, operator, candidates, analysis)
