"""What the records say over the last N days: the figures `report` and /stats show."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.store.database import Database
from bot.store.reminders import OperatorCounts, Reminders

# A group is shown by the first characters of its keyed hash: enough to tell groups apart.
GROUP_SHOWN = 8


@dataclass(frozen=True)
class Unanswered:
    """Questions that read the same once normalized: how often, one example, where to teach it."""

    normalized: str
    count: int
    example: str
    outcomes: dict[str, int]
    closest_intent: str | None  # the intent most of them came closest to: add the example there
    topup_channel: str | None = None  # the channel entity most of them named (支付宝, 门店…), if any


@dataclass(frozen=True)
class Day:
    day: str
    questions: int
    fallbacks: int
    unanswered: int  # fallbacks and "你想问的是…" questions (an unsure answer is still an answer)
    taps: int = 0  # intent buttons tapped: answers, but not typed questions

    @property
    def answered(self) -> int:
        return self.questions - self.unanswered

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class Verdicts:
    """The scam check's verdicts on one day, per level."""

    day: str
    high: int
    medium: int
    low: int

    @property
    def total(self) -> int:
        return self.high + self.medium + self.low


@dataclass(frozen=True)
class Report:
    since: str
    until: str
    days: list[Day]
    answers_per_intent: dict[str, int]
    unanswered: list[Unanswered] = field(default_factory=list)
    questions_per_topup_channel: dict[str, int] = field(default_factory=dict)
    uncovered_operators: dict[str, int] = field(default_factory=dict)  # named, but not covered
    verdicts: list[Verdicts] = field(default_factory=list)
    verdict_flags: dict[str, int] = field(default_factory=dict)  # how often each flag was raised
    # 保号提醒 per operator: active and stopped now; sent, late and "我充好了" after one in the window
    reminders: list[OperatorCounts] = field(default_factory=list)
    # The group guard's warnings per group (the group's keyed hash, cut short), most first.
    guard_warnings: dict[str, int] = field(default_factory=dict)

    @property
    def questions(self) -> int:
        return sum(d.questions for d in self.days)

    @property
    def fallback_rate(self) -> float:
        total = self.questions
        return sum(d.fallbacks for d in self.days) / total if total else 0.0


def build_report(database: Database, since: str, until: str, top: int = 50) -> Report:
    """Days from `since` to `until` (YYYY-MM-DD, both included)."""
    window = (since, until)
    days = [
        Day(day, questions or 0, fallbacks or 0, unanswered or 0, taps or 0)
        for day, questions, fallbacks, unanswered, taps in database.read(
            "SELECT day, SUM(outcome != 'tap'), SUM(outcome = 'fallback'),"
            " SUM(outcome NOT IN ('answered', 'low_confidence', 'tap')), SUM(outcome = 'tap') FROM question"
            " WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day",
            window,
        )
    ]
    answers = dict(
        database.read(
            "SELECT intent, COUNT(*) FROM question WHERE day BETWEEN ? AND ?"
            " AND outcome IN ('answered', 'low_confidence', 'tap')"
            " GROUP BY intent ORDER BY COUNT(*) DESC, intent",
            window,
        )
    )
    groups: dict[str, list[tuple[str, str, str | None, str | None]]] = defaultdict(list)
    for normalized, text, outcome, nearest, channel in database.read(
        "SELECT normalized, text, outcome, nearest, topup_channel FROM question"
        " WHERE day BETWEEN ? AND ? AND outcome != 'answered' AND normalized IS NOT NULL ORDER BY id",
        window,
    ):
        groups[normalized].append((text, outcome, nearest, channel))
    unanswered = []
    for normalized, rows in groups.items():
        unanswered.append(
            Unanswered(
                normalized=normalized,
                count=len(rows),
                example=rows[0][0],
                outcomes=dict(Counter(outcome for _, outcome, _, _ in rows)),
                closest_intent=_most_common(n for _, _, n, _ in rows),
                topup_channel=_most_common(c for _, _, _, c in rows),
            )
        )
    unanswered.sort(key=lambda u: (-u.count, u.normalized))
    return Report(
        since,
        until,
        days,
        answers,
        unanswered[:top],
        questions_per_topup_channel=_counts(database, "topup_channel", "question", window),
        uncovered_operators=_counts(database, "uncovered", "question", window),
        verdicts=[
            Verdicts(*row)
            for row in database.read(
                "SELECT day, SUM(level = 'high'), SUM(level = 'medium'), SUM(level = 'low') FROM verdict"
                " WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day",
                window,
            )
        ],
        verdict_flags=_flag_counts(database, window),
        reminders=Reminders(database).counts(since, until),
        guard_warnings={
            chat[:GROUP_SHOWN]: count
            for chat, count in database.read(
                "SELECT chat, COUNT(*) FROM guard_warning WHERE day BETWEEN ? AND ?"
                " GROUP BY chat ORDER BY COUNT(*) DESC, chat",
                window,
            )
        },
    )


def _most_common(values: Iterable[str | None]) -> str | None:
    found = Counter(v for v in values if v).most_common(1)
    return found[0][0] if found else None


def _counts(database: Database, column: str, table: str, window: tuple[str, str]) -> dict[str, int]:
    """How often each value of a column occurs in the window, most frequent first."""
    return dict(
        database.read(
            f"SELECT {column}, COUNT(*) FROM {table} WHERE day BETWEEN ? AND ? AND {column} IS NOT NULL"
            f" GROUP BY {column} ORDER BY COUNT(*) DESC, {column}",
            window,
        )
    )


def _flag_counts(database: Database, window: tuple[str, str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for (flags,) in database.read("SELECT flags FROM verdict WHERE day BETWEEN ? AND ?", window):
        counts.update(flags.split())
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
