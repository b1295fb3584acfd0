"""Facts due for another look: those whose `reviewed` date in responses/_facts.yaml is too old.

Sources change (a help page is rewritten, a hotline moves); the date says when someone last read the
source, so the operator can re-read the oldest first (`python -m bot check --stale DAYS`, /stats).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.content.model import Fact, Where

# What /stats counts as stale: about two review rounds a year.
REVIEW_EVERY_DAYS = 180


@dataclass(frozen=True)
class StaleFact:
    key: str  # scope.name, as a template writes it: smart.hotline, shared.gcash
    reviewed: date
    where: Where

    def describe(self, today: date) -> str:
        age = (today - self.reviewed).days
        return f"{self.where.path}:{self.where.line}: {self.key} reviewed {self.reviewed} ({age} days ago)"


def fact_count(facts: dict[str, dict[str, Fact]]) -> int:
    return sum(len(table) for table in facts.values())


def stale_facts(facts: dict[str, dict[str, Fact]], older_than_days: int, today: date) -> list[StaleFact]:
    """Every fact reviewed more than `older_than_days` days before `today`, the oldest first."""
    found = [
        StaleFact(f"{scope}.{name}", reviewed, fact.where)
        for scope, table in facts.items()
        for name, fact in table.items()
        if (today - (reviewed := date.fromisoformat(fact.reviewed))).days > older_than_days
    ]
    return sorted(found, key=lambda stale: (stale.reviewed, stale.where.line))
