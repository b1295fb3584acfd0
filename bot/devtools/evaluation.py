"""`eval`: accuracy of the matcher on a labelled TSV, with per-intent precision and recall."""

from __future__ import annotations

import copy
import csv
from collections import Counter
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.replying.policies.clarify import close_call
from bot.core.understanding.classifier import Classifier

HEADER = ["text", "intents", "operator"]
CHANNEL_COLUMN = "channel"  # optional 4th column


class EvalFileError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    line: int
    text: str
    intents: frozenset[str]
    operator: str | None
    channel: str | None = None
    channel_labelled: bool = False  # the file has the channel column


@dataclass
class Report:
    total: int = 0
    correct: int = 0
    operator_correct: int = 0
    # Channels are scored only where one is expected or found: most questions name none, and
    # counting "none = none" would hide the misses.
    channel_total: int = 0
    channel_correct: int = 0
    predicted: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[tuple[Case, str, str | None, str | None]] = field(default_factory=list)
    clarified: int = 0  # how often the bot would ask "你想问的是…"
    clarified_right: int = 0  # … with the right intent among the two it offers

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def operator_accuracy(self) -> float:
        return self.operator_correct / self.total if self.total else 0.0

    @property
    def channel_accuracy(self) -> float:
        return self.channel_correct / self.channel_total if self.channel_total else 1.0

    def lines(self, show_misses: bool = False) -> list[str]:
        out = [
            f"questions: {self.total}",
            f"accuracy: {self.accuracy:.3f} ({self.correct}/{self.total})",
            f"operator accuracy: {self.operator_accuracy:.3f} ({self.operator_correct}/{self.total})",
            f"asks 你想问的是…: {self.clarified}/{self.total}, the right intent among the two offered: "
            f"{self.clarified_right}/{self.clarified}",
        ]
        if self.channel_total:
            out.append(
                f"channel accuracy: {self.channel_accuracy:.3f} ({self.channel_correct}/{self.channel_total}"
                " questions with a channel expected or found)"
            )
        out += [
            "",
            f"{'intent':<18}{'precision':>10}{'recall':>8}{'support':>9}",
        ]
        for intent in sorted(self.expected.keys() | self.predicted.keys()):
            precision = self.hits[intent] / self.predicted[intent] if self.predicted[intent] else 0.0
            recall = self.hits[intent] / self.expected[intent] if self.expected[intent] else 0.0
            out.append(f"{intent:<18}{precision:>10.3f}{recall:>8.3f}{self.expected[intent]:>9}")
        if self.confusions:
            out += ["", "most common confusions (expected → predicted):"]
            out += [f"  {n:>3} × {a} → {b}" for (a, b), n in self.confusions.most_common(10)]
        if show_misses and self.misses:
            out += ["", "misses:"]
            for case, got, op, channel in self.misses:
                out.append(
                    f"  line {case.line}: {case.text!r} expected {'|'.join(sorted(case.intents))}"
                    f"/{case.operator}/{case.channel} got {got}/{op}/{channel}"
                )
        return out


def tsv_rows(
    path: Path, header: list[str], error: type[Exception], optional: str | None = None
) -> tuple[int, list[tuple[int, list[str]]]]:
    """The header's width and the non-empty rows of a labelled TSV with their line numbers.

    The header must be `header`, or `header` and the `optional` last column.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise error(f"{path}: the file is not UTF-8; save it as UTF-8") from None
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    found = [c.strip() for c in rows[0]] if rows else []
    if found != header and (optional is None or found != [*header, optional]):
        also = f", optionally '<TAB>{optional}'" if optional else ""
        raise error(f"{path}:1: the header must be '{'<TAB>'.join(header)}'{also}")
    return len(found), [(n, row) for n, row in enumerate(rows[1:], start=2) if row and "".join(row).strip()]


def read_cases(
    path: Path, known_intents: set[str], known_operators: set[str], known_channels: Set[str] = frozenset()
) -> list[Case]:
    columns, rows = tsv_rows(path, HEADER, EvalFileError, optional=CHANNEL_COLUMN)
    cases = []
    for number, row in rows:
        if not 2 <= len(row) <= columns:
            found = len(row)
            raise EvalFileError(f"{path}:{number}: expected {columns} tab-separated columns, found {found}")
        intents = frozenset(i.strip() for i in row[1].split("|") if i.strip())
        unknown = intents - known_intents
        if not intents or unknown:
            raise EvalFileError(f"{path}:{number}: unknown intent {', '.join(sorted(unknown)) or '(empty)'}")
        operator = row[2].strip() if len(row) >= 3 and row[2].strip() else None
        if operator is not None and operator not in known_operators:
            raise EvalFileError(f"{path}:{number}: unknown operator '{operator}'")
        channel = row[3].strip() if len(row) == 4 and row[3].strip() else None
        if channel is not None and channel not in known_channels:
            raise EvalFileError(f"{path}:{number}: unknown channel '{channel}'")
        cases.append(Case(number, row[0], intents, operator, channel, columns == 4))
    if not cases:
        raise EvalFileError(f"{path}: no questions below the header")
    return cases


def evaluate(classifier: Classifier, cases: list[Case]) -> Report:
    report = Report()
    for case in cases:
        result = classifier.classify(case.text)
        _count(report, case, result.intent)
        offered = close_call(result)
        if offered:
            report.clarified += 1
            report.clarified_right += not case.intents.isdisjoint(offered)
        if result.operator == case.operator:
            report.operator_correct += 1
        channel_wrong = False
        if case.channel_labelled and (case.channel is not None or result.channel is not None):
            report.channel_total += 1
            channel_wrong = result.channel != case.channel
            report.channel_correct += not channel_wrong
        if result.intent not in case.intents or result.operator != case.operator or channel_wrong:
            report.misses.append((case, result.intent, result.operator, result.channel))
    return report


def _count(report: Report, case: Case, intent: str) -> None:
    """One answer's share of the intent figures: total, predicted, expected, hits, confusions."""
    report.total += 1
    report.predicted[intent] += 1
    expected = intent if intent in case.intents else min(case.intents)
    report.expected[expected] += 1
    if intent in case.intents:
        report.correct += 1
        report.hits[intent] += 1
    else:
        report.confusions[(expected, intent)] += 1


def evaluate_predictions(cases: list[Case], predictions: list[str]) -> Report:
    """A report for answers given by something other than the classifier (the baseline)."""
    report = Report()
    for case, intent in zip(cases, predictions, strict=True):
        _count(report, case, intent)
    return report


def side_by_side(matcher: Report, baseline: Report) -> list[str]:
    """Both accuracies, overall and per intent (recall), in one table."""
    out = [
        f"{'':<18}{'matcher':>9}{'baseline':>10}",
        f"{'accuracy':<18}{matcher.accuracy:>9.3f}{baseline.accuracy:>10.3f}",
        "",
        f"{'recall by intent':<18}{'matcher':>9}{'baseline':>10}{'support':>9}",
    ]
    for intent in sorted(matcher.expected.keys() | baseline.expected.keys()):
        if not (matcher.expected[intent] or baseline.expected[intent]):
            continue
        mine = matcher.hits[intent] / matcher.expected[intent] if matcher.expected[intent] else 0.0
        theirs = baseline.hits[intent] / baseline.expected[intent] if baseline.expected[intent] else 0.0
        out.append(f"{intent:<18}{mine:>9.3f}{theirs:>10.3f}{matcher.expected[intent]:>9}")
    return out


def example_cases(classifier: Classifier) -> list[Case]:
    """Every YAML example as a labelled case, intent by intent in file order."""
    return [
        Case(n, example, frozenset({intent.id}), None)
        for intent in classifier.matcher.intents.values()
        for n, example in enumerate(intent.examples)
    ]


def cross_validate(classifier: Classifier, k: int, baseline: bool = True) -> tuple[Report, Report | None]:
    """Stratified k-fold over the YAML examples: each intent's examples are dealt into k folds in
    turn; each fold is answered by a model learned from the other k−1. (The YAML keywords and
    patterns stay whole: they are written by hand, not learned from the examples.)"""
    cases = example_cases(classifier)
    fold_of = [case.line % k for case in cases]
    matcher = classifier.matcher
    samples = matcher.samples(matcher.intents)
    mine: list[str] = [""] * len(cases)
    theirs: list[str] = [""] * len(cases)
    for fold in range(k):
        train = [n for n, f in enumerate(fold_of) if f != fold]
        test = [n for n, f in enumerate(fold_of) if f == fold]
        trained = copy.copy(classifier)
        trained.matcher = copy.copy(matcher)
        trained.matcher.model = matcher.train([samples[n] for n in train])
        for n in test:
            mine[n] = trained.classify(cases[n].text).intent
        if baseline:
            from bot.devtools.baseline import Baseline

            svm = Baseline([cases[n].text for n in train], [min(cases[n].intents) for n in train])
            for n, intent in zip(test, svm.predict([cases[n].text for n in test]), strict=True):
                theirs[n] = intent
    return evaluate_predictions(cases, mine), (evaluate_predictions(cases, theirs) if baseline else None)
