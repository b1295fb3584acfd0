"""Errors an operator can make in the YAML, each with the place and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int  # 1-based; 0 when the problem is about the file as a whole
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}\n    fix: {self.fix}"


class ContentError(Exception):
    """One or more problems in intents/ or responses/; the bot refuses to start with them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
