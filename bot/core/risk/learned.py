"""The scam check's learned part: how much a message reads like the scams, and like the harmless
messages, of intents/_risk_examples.yaml, by a logistic regression over its character n-grams.

Why: the rules (intents/_risk.yaml) find what someone wrote a rule for, and on sets written apart
from them they found about 6 in 10 high-risk messages at first sight. The wording of scams carries
over better than any list of phrases: trained on nine of the ten labelled sets, the n-grams alone
rate the tenth as well as the rules rate the sets they were tuned on (README, "The scam check's
learned part"). The rules' own flags are left out of the features on purpose: learned from sets
the rules were tuned on, the model trusts them fully, and on a set the rules had not seen it
found fewer scams than the n-grams alone (0.81 and 0.75 of the high ones against 0.96 and 0.96).

The features are those of the scanner's prepared text (NFKC, lower case, 繁→简, emoji out):
Chinese 1-, 2- and 3-grams, Latin words (numbers by their length only) and the 4-grams of longer
words, so a new name, a typo or Tagalog spelling still shares most of its pieces. Trained with the
intent model's plain-Python regression (bot/core/understanding/linear.py), deterministic, and
cached on disk by a digest of the examples and this code, like the intent model's weights.
Scoring is a set of slices and two sums of dict look-ups, all in C: a question costs a few µs.
"""

from __future__ import annotations

import hashlib
import marshal
import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from operator import add
from pathlib import Path

from bot.content.model import RiskExamples
from bot.core.understanding import linear
from bot.core.understanding.disk_cache import cached_file

FORMAT = "risk-learned-2"  # bump when the features or the training change (the code is in the key too)
CLASSES = ("high", "medium", "low")
# Passes over the examples. The intents' model takes 50 (linear.EPOCHS); this one has ten times
# the features per example, and 15 passes keep the scam sets' scores (see the README) while a
# build that must learn anew (an edited example, a fresh cache) takes seconds, not a quarter minute.
EPOCHS = 15
# A long message is read by its start: an advert or a script shows what it is well before this,
# and the cost stays that of a short message whatever is pasted.
HEAD_CHARS = 600
# A message shorter than this ("代充", "保号", "电信客服热线"), or with fewer n-grams, is too short
# to judge by its wording: the learned part gives no opinion and the rules decide alone. Half the
# questions people ask are shorter than 20 characters and 5 of the 647 high-risk examples are, so
# the characters are counted first: for those questions the n-grams are never cut (the cost).
MIN_CHARS = 20
MIN_GRAMS = 12
# Past this the exponent of a chance changes nothing (and would overflow).
MAX_LOGIT = 50.0
_CJK_RUN = re.compile("[\u4e00-\u9fff]+")
_LATIN_WORD = re.compile("[a-z0-9]+")
# The slices of every 4-gram a padded Latin word of up to HEAD_CHARS can hold: cut by map in C.
_SLICES = [slice(i, i + 4) for i in range(HEAD_CHARS)]


def features(prepared: str) -> set[str]:
    """The n-grams of a prepared text. A Latin word is marked with '_' so 'load' the word and
    'load' a piece of 'upload' stay apart; Chinese pieces hold no Latin letter, so need no mark."""
    text = prepared[:HEAD_CHARS]
    grams: set[str] = set()
    if not text.isascii():
        for run in _CJK_RUN.findall(text):
            # Each character joined to the next, and that pair to the one after: map stops at the
            # shorter side, so a run of one or two characters makes no empty or short piece.
            second = run[1:]
            pairs = list(map(add, run, second))
            grams.update(run, pairs, map(add, pairs, run[2:]))
    for word in _LATIN_WORD.findall(text):
        if word.isdigit():
            word = "#" * min(len(word), 6)  # a price or a number: how long it is, not which
        grams.add("_" + word)
        if len(word) > 3:
            padded = f" {word} "
            grams.update(map(padded.__getitem__, _SLICES[: len(padded) - 3]))
    return grams


def _scaled(grams: Iterable[str]) -> dict[str, float]:
    grams = sorted(grams)  # a fixed order: the same examples always give the same weights
    value = 1.0 / math.sqrt(len(grams)) if grams else 1.0
    return dict.fromkeys(grams, value)


class RiskModel:
    """The chance that a message is 高, from the learned weights.

    The weights are kept as the differences of the other two classes' weights from 高's, a pair
    per n-gram: the chance of 高 is then 1 / (1 + e^Δmedium + e^Δlow), one look-up per n-gram
    and the two columns summed in C."""

    def __init__(self, model: linear.LinearModel, examples: RiskExamples, reason: str) -> None:
        high, medium, low = (model.classes.index(c) for c in CLASSES)
        self.rows = {f: (w[medium] - w[high], w[low] - w[high]) for f, w in model.weights.items()}
        self.bias_medium = model.bias[medium] - model.bias[high]
        self.bias_low = model.bias[low] - model.bias[high]
        self.high_at = examples.high_at
        self.alone_at = examples.alone_at
        self.reason = reason

    def chances(self, prepared: str) -> tuple[float, float]:
        """(the chance it is 高, the chance it is harmless) for a prepared text; none for a short one."""
        if len(prepared) < MIN_CHARS:
            return 0.0, 0.0
        grams = features(prepared)
        if len(grams) < MIN_GRAMS:
            return 0.0, 0.0
        return self.read(grams)

    def read(self, grams: set[str]) -> tuple[float, float]:
        """The chances from these n-grams, however few (eval-scan's column of the learned part alone)."""
        rows = list(filter(None, map(self.rows.get, grams)))
        medium, low = map(sum, zip(*rows, strict=True)) if rows else (0.0, 0.0)
        scale = 1.0 / math.sqrt(len(grams)) if grams else 1.0
        medium = self.bias_medium + scale * medium
        low = self.bias_low + scale * low
        e_medium, e_low = math.exp(min(medium, MAX_LOGIT)), math.exp(min(low, MAX_LOGIT))
        high = 1.0 / (1.0 + e_medium + e_low)
        return high, e_low * high


def train(
    examples: RiskExamples, prepare: Callable[[str], str], questions: Iterable[str] = ()
) -> linear.LinearModel:
    """A message with two levels ("medium|high") is learned once as each: it may be either. The
    questions people ask the bot are learned as harmless: without them a short question ("保号",
    "你好") has almost no n-gram the examples know, and its chances are the examples' own mix."""
    samples = [
        (_scaled(features(prepare(example.text))), level)
        for example in examples.examples
        for level in example.levels
    ]
    samples += [(_scaled(features(prepare(question))), "low") for question in questions]
    return linear.train(samples, CLASSES, EPOCHS)


def _code_digest() -> str:
    """This module, the regression and the scanner (whose prepare makes the text the features
    are cut from): a change to any of them learns anew."""
    from bot.core.risk import scanner

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], linear, scanner):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def learned_model(
    examples: RiskExamples,
    prepare: Callable[[str], str],
    reason: str,
    questions: Sequence[str] = (),
    cache_dir: Path | None = None,
) -> RiskModel:
    """The model for these examples and questions: read from the cache, or learned (a few
    seconds) and cached."""
    made_of = (
        FORMAT,
        _code_digest(),
        sys.version_info[:2],
        [(e.text, e.levels) for e in examples.examples],
        list(questions),
    )
    digest = hashlib.sha256(repr(made_of).encode()).hexdigest()[:16]

    def build() -> bytes:
        return marshal.dumps(train(examples, prepare, questions).as_data())

    path = cached_file(cache_dir, f"riskweights-{digest}.marshal", build)
    return RiskModel(linear.LinearModel.from_data(marshal.loads(path.read_bytes())), examples, reason)
