"""The yardstick for `eval --baseline`: a linear SVM trained on the same YAML examples.

TF-IDF over jieba words and over character 1–3-grams, scikit-learn's defaults, and the fallback
when no intent's decision value reaches −0.5. Development only: scikit-learn is a dev dependency
and production never imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.understanding.matcher import FALLBACK
from bot.core.understanding.segmenter import jieba

REJECT_BELOW = -0.5


def _words(text: str) -> list[str]:
    return [w for w in jieba.lcut(text) if w.strip()]


class Baseline:
    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion, make_pipeline
        from sklearn.svm import LinearSVC

        features = FeatureUnion(
            [
                ("words", TfidfVectorizer(analyzer=_words)),
                ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3))),
            ]
        )
        self._pipeline = make_pipeline(features, LinearSVC())
        self._pipeline.fit(list(texts), list(labels))

    def predict(self, texts: Sequence[str]) -> list[str]:
        svm = self._pipeline.steps[-1][1]
        decisions = self._pipeline.decision_function(list(texts))
        out = []
        for row in decisions:
            best = int(row.argmax())
            out.append(str(svm.classes_[best]) if row[best] >= REJECT_BELOW else FALLBACK)
        return out
