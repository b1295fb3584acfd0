"""A multinomial logistic regression learned from the YAML examples, in plain Python.

Why this and not a nearest example: one shared word with one example could outvote everything
else, and every new example needed hand-tuned weights. A linear model weighs every feature by what
it says across *all* examples of all intents, so a word that many intents use earns little.

Training is stochastic gradient descent in a fixed order (no randomness beyond a seeded shuffle),
so the same content always gives the same weights. The weights are plain dicts of tuples: scoring
a question is a few dozen dict look-ups, and nothing heavier than the standard library is imported.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import add, mul

Features = Mapping[str, float]

EPOCHS = 50
LEARNING_RATE = 1.0
L2 = 1e-4  # per step, on the weights an example touches (a cheap, lazy form of weight decay)
SEED = 8
# Weights smaller than this change no decision; dropping them keeps the cache and memory small.
PRUNE = 1e-3


def softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    return [e / total for e in exps]


class LinearModel:
    """Per-class scores = bias + Σ value × weight; probabilities by softmax."""

    def __init__(self, classes: Sequence[str], weights: dict[str, tuple[float, ...]], bias: Sequence[float]):
        self.classes = tuple(classes)
        self.weights = weights
        self.bias = tuple(bias)

    def logits(self, features: Features) -> list[float]:
        get = self.weights.get
        rows = list(filter(None, map(get, features)))  # the rows of the features it knows (never empty)
        if not rows:
            return list(self.bias)
        values = set(features.values())
        if len(values) == 1:
            # The matcher scales every feature of a question alike (unit length), so the scores are
            # bias + value × (the column sums of the rows): one C-level transpose and a sum per
            # class instead of a pass over all classes for every feature. This runs for every
            # question and was the largest cost after jieba's cut.
            (value,) = values
            return [b + value * s for b, s in zip(self.bias, map(sum, zip(*rows, strict=True)), strict=True)]
        scores = list(self.bias)
        for feature, value in features.items():
            row = get(feature)
            if row is not None:  # per class s + value × w, with no Python-level loop
                scores = list(map(add, scores, map(mul, repeat(value), row)))
        return scores

    def contributions(self, features: Features, klass: int) -> list[tuple[str, float]]:
        """What each feature added to one class's score, largest effect first (for --explain)."""
        moved = [
            (feature, value * self.weights[feature][klass])
            for feature, value in features.items()
            if feature in self.weights
        ]
        return sorted(moved, key=lambda fw: -abs(fw[1]))

    def as_data(self) -> dict[str, object]:
        return {"classes": list(self.classes), "bias": list(self.bias), "weights": self.weights}

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> LinearModel:
        weights = data["weights"]
        assert isinstance(weights, dict)
        return cls(data["classes"], weights, data["bias"])  # type: ignore[arg-type]


def train(
    samples: Sequence[tuple[Features, str]], classes: Sequence[str], epochs: int = EPOCHS
) -> LinearModel:
    """Multinomial logistic regression by SGD over the samples, deterministic for a given input."""
    index = {c: i for i, c in enumerate(classes)}
    k = len(classes)
    weights: dict[str, list[float]] = {}
    bias = [0.0] * k
    order = list(range(len(samples)))
    shuffle = random.Random(SEED).shuffle
    for epoch in range(epochs):
        shuffle(order)
        rate = LEARNING_RATE / (1.0 + epoch * 0.5)
        for i in order:
            features, label = samples[i]
            scores = list(bias)
            rows = []
            for feature, value in features.items():
                row = weights.get(feature)
                if row is None:
                    row = weights[feature] = [0.0] * k
                rows.append((row, value))
                scores = [s + value * w for s, w in zip(scores, row, strict=True)]
            probs = softmax(scores)
            probs[index[label]] -= 1.0  # the gradient of the log loss with respect to the scores
            # Classes the model already rules out get no update: most of them, after an epoch or two.
            moved = [(c, g * rate) for c, g in enumerate(probs) if abs(g) > 1e-4]
            decay = 1.0 - rate * L2
            for row, value in rows:
                for c, g in moved:
                    row[c] = row[c] * decay - g * value
            for c, g in moved:
                bias[c] -= g
    kept = {f: tuple(round(w, 4) for w in row) for f, row in weights.items() if max(map(abs, row)) >= PRUNE}
    return LinearModel(classes, kept, [round(b, 4) for b in bias])
