"""A per-chat message limit, so one chat cannot flood the bot. Knows nothing of Telegram."""

from __future__ import annotations

from collections import deque
from enum import Enum


class Verdict(Enum):
    ANSWER = "answer"
    NOTIFY = "notify"  # the first message past the limit: tell the user once
    IGNORE = "ignore"  # later ones in the same window: stay quiet


class PerChatLimit:
    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._notified: set[int] = set()

    def check(self, chat_id: int, now: float) -> Verdict:
        times = self._seen.setdefault(chat_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            self._notified.discard(chat_id)
            return Verdict.ANSWER
        if chat_id in self._notified:
            return Verdict.IGNORE
        self._notified.add(chat_id)
        return Verdict.NOTIFY
