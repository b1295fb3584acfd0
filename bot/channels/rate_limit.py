"""A per-chat message limit, so one chat cannot flood the bot. Knows nothing of Telegram.

Only chats that sent something within the last window are kept: a chat quiet for a whole window
has nothing left to count, so its times are dropped (a sweep each time the number of chats
tracked has doubled since the last one: amortised O(1), and memory bounded by the chats active
in one window, not by every chat ever seen).
"""

from __future__ import annotations

from collections import deque
from enum import Enum

# Below this many chats no sweep is worth its time.
SWEEP_FROM = 1024


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
        self._sweep_at = SWEEP_FROM

    def __len__(self) -> int:
        """The chats whose messages are still counted."""
        return len(self._seen)

    def check(self, chat_id: int, now: float) -> Verdict:
        times = self._seen.get(chat_id)
        if times is None:
            if len(self._seen) >= self._sweep_at:
                self._sweep(now)
            times = self._seen[chat_id] = deque(maxlen=self.per_minute)
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

    def _sweep(self, now: float) -> None:
        """Forgets the chats whose last message is a whole window old (their count is zero)."""
        idle = [chat for chat, times in self._seen.items() if not times or now - times[-1] >= self.window]
        for chat in idle:
            del self._seen[chat]
            self._notified.discard(chat)
        self._sweep_at = max(SWEEP_FROM, 2 * len(self._seen))
