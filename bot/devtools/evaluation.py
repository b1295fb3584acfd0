"""`eval`: accuracy of the matcher on a labelled TSV, with per-intent precision and recall."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.classifier import Classifier

HEADER = ["text", "intents", "operator"]


class EvalFileError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    line: int
    text: str
    intents: frozenset[str]
    operator: str | None


@dataclass
class Report:
    total: int = 0
    correct: int = 0
    operator_correct: int = 0
    predicted: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[tuple[Case, str, str | None]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def operator_accuracy(self) -> float:
        return self.operator_correct / self.total if self.total else 0.0

    def lines(self, show_misses: bool = False) -> list[str]:
        out = [
            f"questions: {self.total}",
            f"accuracy: {self.accuracy:.3f} ({self.correct}/{self.total})",
            f"operator accuracy: {self.operator_accuracy:.3f} ({self.operator_correct}/{self.total})",
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
            for case, got, op in self.misses:
                out.append(
                    f"  line {case.line}: {case.text!r} expected {'|'.join(sorted(case.intents))}"
                    f"/{case.operator} got {got}/{op}"
                )
        return out


def tsv_rows(path: Path, header: list[str], error: type[Exception]) -> list[tuple[int, list[str]]]:
    """The non-empty rows of a labelled TSV with their line numbers, below the header it must have."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise error(f"{path}: the file is not UTF-8; save it as UTF-8") from None
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or [c.strip() for c in rows[0]] != header:
        raise error(f"{path}:1: the header must be '{'<TAB>'.join(header)}'")
    return [(n, row) for n, row in enumerate(rows[1:], start=2) if row and "".join(row).strip()]


def read_cases(path: Path, known_intents: set[str], known_operators: set[str]) -> list[Case]:
    cases = []
    for number, row in tsv_rows(path, HEADER, EvalFileError):
        if len(row) not in (2, 3):
            raise EvalFileError(f"{path}:{number}: expected 3 tab-separated columns, found {len(row)}")
        intents = frozenset(i.strip() for i in row[1].split("|") if i.strip())
        unknown = intents - known_intents
        if not intents or unknown:
            raise EvalFileError(f"{path}:{number}: unknown intent {', '.join(sorted(unknown)) or '(empty)'}")
        operator = row[2].strip() if len(row) == 3 and row[2].strip() else None
        if operator is not None and operator not in known_operators:
            raise EvalFileError(f"{path}:{number}: unknown operator '{operator}'")
        cases.append(Case(number, row[0], intents, operator))
    if not cases:
        raise EvalFileError(f"{path}: no questions below the header")
    return cases


def evaluate(classifier: Classifier, cases: list[Case]) -> Report:
    report = Report()
    for case in cases:
        result = classifier.classify(case.text)
        report.total += 1
        report.predicted[result.intent] += 1
        expected = result.intent if result.intent in case.intents else min(case.intents)
        report.expected[expected] += 1
        if result.intent in case.intents:
            report.correct += 1
            report.hits[result.intent] += 1
        else:
            report.confusions[(expected, result.intent)] += 1
        if result.operator == case.operator:
            report.operator_correct += 1
        if result.intent not in case.intents or result.operator != case.operator:
            report.misses.append((case, result.intent, result.operator))
    return report
