"""What the records say over the last N days: the figures `report` and /stats show."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.store.database import Database


@dataclass(frozen=True)
class Unanswered:
    """Questions that read the same once normalized: how often, one example, where to teach it."""

    normalized: str
    count: int
    example: str
    outcomes: dict[str, int]
    closest_intent: str | None  # the intent most of them came closest to: add the example there


@dataclass(frozen=True)
class Day:
    day: str
    questions: int
    fallbacks: int
    unanswered: int  # fallbacks and "你想问的是…" questions (an unsure answer is still an answer)

    @property
    def answered(self) -> int:
        return self.questions - self.unanswered

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class Report:
    since: str
    until: str
    days: list[Day]
    answers_per_intent: dict[str, int]
    unanswered: list[Unanswered] = field(default_factory=list)

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
        Day(day, questions, fallbacks or 0, unanswered or 0)
        for day, questions, fallbacks, unanswered in database.read(
            "SELECT day, COUNT(*), SUM(outcome = 'fallback'),"
            " SUM(outcome NOT IN ('answered', 'low_confidence')) FROM question"
            " WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day",
            window,
        )
    ]
    answers = dict(
        database.read(
            "SELECT intent, COUNT(*) FROM question WHERE day BETWEEN ? AND ?"
            " AND outcome IN ('answered', 'low_confidence') GROUP BY intent ORDER BY COUNT(*) DESC, intent",
            window,
        )
    )
    groups: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for normalized, text, outcome, nearest in database.read(
        "SELECT normalized, text, outcome, nearest FROM question"
        " WHERE day BETWEEN ? AND ? AND outcome != 'answered' AND normalized IS NOT NULL ORDER BY id",
        window,
    ):
        groups[normalized].append((text, outcome, nearest))
    unanswered = []
    for normalized, rows in groups.items():
        nearest = Counter(n for _, _, n in rows if n).most_common(1)
        unanswered.append(
            Unanswered(
                normalized=normalized,
                count=len(rows),
                example=rows[0][0],
                outcomes=dict(Counter(outcome for _, outcome, _ in rows)),
                closest_intent=nearest[0][0] if nearest else None,
            )
        )
    unanswered.sort(key=lambda u: (-u.count, u.normalized))
    return Report(since, until, days, answers, unanswered[:top])
