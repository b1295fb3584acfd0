"""The per-chat limit: counts each chat's last minute, and forgets chats that went quiet."""

from __future__ import annotations

import tracemalloc

from bot.channels.rate_limit import PerChatLimit, Verdict


def test_past_the_limit_one_notice_then_silence_until_the_minute_is_over() -> None:
    limit = PerChatLimit(per_minute=3)
    verdicts = [limit.check(7, now=float(second)) for second in range(6)]
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.NOTIFY, Verdict.IGNORE, Verdict.IGNORE]
    assert limit.check(7, now=60.0) is Verdict.ANSWER  # the first message's minute is over


def test_memory_is_bounded_by_the_chats_of_the_last_minute_not_every_chat_ever_seen() -> None:
    """100,000 chats, one message each, 100 a second (a clock, not sleeps): the limiter keeps
    about a minute's worth of chats (6,000), not 100,000 (84 MB before it forgot idle chats)."""
    limit = PerChatLimit(per_minute=20)
    tracemalloc.start()
    try:
        for chat in range(100_000):
            assert limit.check(chat, now=chat / 100) is Verdict.ANSWER
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 10_000_000, f"{held:,} bytes for 100,000 chats"
    assert len(limit) <= 2 * 6_000


def test_a_chat_that_comes_back_after_being_forgotten_starts_afresh() -> None:
    limit = PerChatLimit(per_minute=1)
    assert limit.check(1, now=0.0) is Verdict.ANSWER
    assert limit.check(1, now=1.0) is Verdict.NOTIFY
    for chat in range(2, 5000):  # enough newcomers, a minute later, to sweep chat 1 away
        limit.check(chat, now=100.0)
    assert limit.check(1, now=100.0) is Verdict.ANSWER
