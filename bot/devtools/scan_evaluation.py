"""`eval-scan`: how well the scam-risk check rates a labelled TSV (text, levels)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.model import RiskExample, RiskExamples, Where
from bot.core.risk.learned import RiskModel, features, train
from bot.core.risk.scanner import RiskReport, Scanner
from bot.devtools.evaluation import tsv_rows

HEADER = ["text", "levels"]
LEVELS = ("high", "medium", "low")


class ScanFileError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    line: int
    text: str  # with real line breaks (the file writes them as \n)
    levels: frozenset[str]


@dataclass
class ScanReport:
    total: int = 0
    correct: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got)
    misses: list[tuple[Case, RiskReport]] = field(default_factory=list)
    # For the bars: messages that should be high, how many were; messages rated high that are low.
    high_expected: int = 0
    high_found: int = 0
    high_rated: int = 0
    high_right: int = 0
    false_high: int = 0  # labelled only low, rated high

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def recall(self) -> float:
        return self.high_found / self.high_expected if self.high_expected else 1.0

    @property
    def precision(self) -> float:
        return self.high_right / self.high_rated if self.high_rated else 1.0

    def lines(self, show_misses: bool = True) -> list[str]:
        out = [
            f"messages: {self.total}",
            f"accuracy: {self.accuracy:.3f} ({self.correct}/{self.total})",
            f"high: precision {self.precision:.3f} ({self.high_right}/{self.high_rated}), "
            f"recall {self.recall:.3f} ({self.high_found}/{self.high_expected})",
            f"low rated high: {self.false_high}",
            "",
            "expected ↓ / got →" + "".join(f"{level:>8}" for level in LEVELS),
        ]
        for expected in LEVELS:
            counts = "".join(f"{self.confusion[(expected, got)]:>8}" for got in LEVELS)
            out.append(f"{expected:<18}{counts}")
        if show_misses and self.misses:
            out += ["", "misses:"]
            for case, report in self.misses:
                flags = ", ".join(f.id for f in report.flags) or "no flags"
                text = case.text.replace("\n", "\\n")
                text = text if len(text) <= 100 else text[:97] + "…"
                out.append(
                    f"  line {case.line}: expected {'|'.join(sorted(case.levels))} got {report.level} "
                    f"({report.score:.2f}: {flags}): {text}"
                )
        return out


def read_cases(path: Path) -> list[Case]:
    cases = []
    for number, row in tsv_rows(path, HEADER, ScanFileError)[1]:
        if len(row) != 2:
            raise ScanFileError(f"{path}:{number}: expected 2 tab-separated columns, found {len(row)}")
        levels = frozenset(level.strip() for level in row[1].split("|") if level.strip())
        unknown = levels - set(LEVELS)
        if not levels or unknown:
            named = ", ".join(sorted(unknown)) or "(empty)"
            raise ScanFileError(f"{path}:{number}: unknown level {named}; use high, medium, low")
        cases.append(Case(number, row[0].replace("\\n", "\n"), levels))
    if not cases:
        raise ScanFileError(f"{path}: no messages below the header")
    return cases


def evaluate_scan(scanner: Scanner, cases: list[Case]) -> ScanReport:
    report = ScanReport()
    for case in cases:
        result = scanner.scan(case.text)
        report.total += 1
        expected = result.level if result.level in case.levels else _strictest(case.levels)
        report.confusion[(expected, result.level)] += 1
        if result.level in case.levels:
            report.correct += 1
        else:
            report.misses.append((case, result))
        # Recall counts the messages that must be high; "medium|high" may be either.
        if case.levels == {"high"}:
            report.high_expected += 1
            report.high_found += result.level == "high"
        if result.level == "high":
            report.high_rated += 1
            report.high_right += "high" in case.levels
            report.false_high += case.levels == {"low"}
    return report


def _strictest(levels: frozenset[str]) -> str:
    return next(level for level in LEVELS if level in levels)


@dataclass(frozen=True)
class HeldOut:
    """One set scored by a model that never saw it: rules alone, the learned part alone, both."""

    name: str
    rules: ScanReport
    learned: ScanReport
    both: ScanReport
    low: int  # messages labelled only low (the denominator of "harmless rated high per 100")


def leave_one_out(scanner: Scanner, sets: dict[str, list[Case]], questions: Sequence[str]) -> list[HeldOut]:
    """Each set scored by a model learned from all the others (the honest estimate of how the
    learned part does on wording it has never seen), at the scanner's own thresholds. The rules
    were written with every set in view, so their figures here are optimistic."""
    assert scanner.learned is not None
    high_at, alone_at = scanner.learned.high_at, scanner.learned.alone_at
    kept = scanner.learned
    out = []
    try:
        for name, cases in sets.items():
            others = tuple(
                RiskExample(case.text, tuple(sorted(case.levels)), Where(Path(other), case.line))
                for other, rest in sets.items()
                if other != name
                for case in rest
            )
            fold = RiskExamples(others, high_at, alone_at, Where(Path(name), 0))
            model = RiskModel(train(fold, scanner.prepare, questions), fold, "")
            scanner.learned = None
            rules = evaluate_scan(scanner, cases)
            scanner.learned = model
            both = evaluate_scan(scanner, cases)
            learned = evaluate_scan(_LearnedAlone(scanner, model), cases)  # type: ignore[arg-type]
            low = sum(case.levels == {"low"} for case in cases)
            out.append(HeldOut(name, rules, learned, both, low))
    finally:
        scanner.learned = kept
    return out


def held_out_lines(held: list[HeldOut]) -> list[str]:
    """The leave-one-set-out table: per set and over all, recall of high, harmless rated high per
    100 harmless, levels right; for the rules alone, the learned part alone and the two together."""
    total = HeldOut("all", ScanReport(), ScanReport(), ScanReport(), sum(one.low for one in held))
    for one in held:
        _add(total.rules, one.rules)
        _add(total.learned, one.learned)
        _add(total.both, one.both)
    out = [
        f"{'held out':<18}" + "".join(f"| {what:<32}" for what in ("rules alone", "learned alone", "both")),
        f"{'':<18}" + "| recall  high/100 low  right     " * 3,
    ]
    for row in (*held, total):
        per_100 = [100 * r.false_high / max(row.low, 1) for r in (row.rules, row.learned, row.both)]
        cells = [
            f"| {r.recall:.3f}  {share:>5.1f} ({r.false_high:>2})  {r.accuracy:.3f}     "
            for r, share in zip((row.rules, row.learned, row.both), per_100, strict=True)
        ]
        out.append(f"{row.name:<18}" + "".join(cells))
    return out


def _add(into: ScanReport, one: ScanReport) -> None:
    for name in ("total", "correct", "high_expected", "high_found", "high_rated", "high_right", "false_high"):
        setattr(into, name, getattr(into, name) + getattr(one, name))
    into.confusion.update(one.confusion)


class _LearnedAlone:
    """A scanner whose level is the learned part's likeliest class, for the table's middle column
    (every message read, the short ones the scanner leaves to the rules too)."""

    def __init__(self, scanner: Scanner, model: RiskModel) -> None:
        self._scanner, self._model = scanner, model

    def scan(self, text: str) -> RiskReport:
        high, harmless = self._model.read(features(self._scanner.prepare(text)))
        chances = {"high": high, "medium": 1.0 - high - harmless, "low": harmless}
        level = max(LEVELS, key=chances.__getitem__)
        return RiskReport(level, high, ())  # type: ignore[arg-type]
