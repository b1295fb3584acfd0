"""When the Bot API misbehaves: the answer is kept, sent once, and the bot says plainly what is wrong.

Over the stand-in: 429s in a row, a send accepted slowly, an API that is down, a wrong address.
The limiter's waits run on a counting clock where the test is about how long it waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path

import httpx
import pytest
from telegram.error import TimedOut

from bot.channels.telegram.rate_limiter import SEND_PATIENCE, PerChatRateLimiter, Waits, may_have_arrived
from bot.core.replying.conversation import Conversation
from bot.devtools.telegram_standin import TOKEN, StandIn
from tests.test_telegram import (
    CHAT,
    _bot_process,
    _free_port,
    last_words_of_a_failed_start,
    logged_by,
    run,
    running,
)


class CountingWaits(Waits):
    """A clock that moves only when the limiter waits: every wait is counted, none is real."""

    def __init__(self) -> None:
        super().__init__()
        self.time = 0.0
        self.waited: list[float] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.time += seconds
        self.waited.append(seconds)
        await asyncio.sleep(0)


def counting_clock(app: object) -> CountingWaits:
    limiter = app.bot.rate_limiter  # type: ignore[attr-defined]
    assert isinstance(limiter, PerChatRateLimiter)
    limiter.waits = CountingWaits()
    return limiter.waits


def test_ten_429s_in_a_row_still_deliver_the_answer_once(conversation: Conversation, tmp_path: Path) -> None:
    # Before: the limiter gave up after 4 (the user got only the apology; after ten, nothing).
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (app, standin):
            clock = counting_clock(app)
            standin.fail("sendMessage", 429, times=10, retry_after=5, chat_id=CHAT)
            standin.push_text(CHAT, "代充靠谱吗")
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert "慢充" in reply.params["text"]
            assert len(standin.sent("failed:sendMessage", CHAT)) == 10
            assert len(clock.waited) == 10 and all(wait >= 5 for wait in clock.waited)
            await standin.idle()
            assert len(standin.sent(chat_id=CHAT)) == 1  # the answer, no apology

    run(scenario)


def test_429s_without_end_are_given_up_within_the_patience(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (app, standin):
            clock = counting_clock(app)
            standin.fail("sendMessage", 429, times=1000, retry_after=30, chat_id=CHAT)
            standin.push_text(CHAT, "怎么保号")
            # The answer is given up, then the apology meets the same 429s and is given up too.
            await standin.wait_for(2 + int(SEND_PATIENCE // 30), method="failed:sendMessage", chat_id=CHAT)
            await standin.idle()
            await asyncio.sleep(0.1)
            assert standin.sent(chat_id=CHAT) == []
            assert sum(clock.waited) <= 2 * SEND_PATIENCE  # the answer's waits, then the apology's

    run(scenario)


def test_a_send_accepted_slowly_is_sent_once(conversation: Conversation, tmp_path: Path) -> None:
    # Before: python-telegram-bot's 5 s read timeout ran out, the send was tried again, and the
    # user got the answer twice once the first one was carried out.
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.slow("sendMessage", 6.0)
            standin.push_text(CHAT, "怎么保号")
            await standin.wait_for(1, chat_id=CHAT)
            await standin.idle()
            await asyncio.sleep(0.7)  # longer than the first wait before a second try
            assert len(standin.sent(chat_id=CHAT)) == 1

    run(scenario)


def test_a_read_timeout_is_never_retried_and_a_refused_connection_is() -> None:
    read = TimedOut()
    read.__cause__ = httpx.ReadTimeout("late")
    connect = TimedOut()
    connect.__cause__ = httpx.ConnectTimeout("no route")
    assert may_have_arrived(read) and not may_have_arrived(connect) and not may_have_arrived(TimedOut())


def test_sigterm_while_a_send_is_retried_stops_at_once_and_cleanly(tmp_path: Path) -> None:
    # Before: the bot went on retrying for up to 120 s; a second SIGTERM ended it with
    # "Task was destroyed but it is pending!".
    async def scenario() -> None:
        standin = await StandIn().start()
        process = await _bot_process(standin, tmp_path)
        try:
            standin.fail("sendMessage", 502, times=100_000)
            standin.push_text(CHAT, "怎么保号")
            await standin.wait_for(2, method="failed:sendMessage", timeout=60)
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.05)
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 20) == 0
        finally:
            log = await logged_by(process, standin)
        assert "Task was destroyed" not in log and "Traceback" not in log, log
        assert "stopping" in log

    run(scenario)


def test_a_wrong_base_url_path_is_a_404_not_a_rejected_token(tmp_path: Path) -> None:
    async def scenario() -> None:
        standin = await StandIn().start()
        wrong = f"{standin.url}/telegram"
        assert await last_words_of_a_failed_start(standin, tmp_path, TELEGRAM_BASE_URL=wrong) == (
            "error: the Bot API at TELEGRAM_BASE_URL answered 404 Not Found for getMe; check "
            "TELEGRAM_BASE_URL: the server's root, like http://127.0.0.1:8081 (or ending in /bot)"
        )

    run(scenario)


def test_the_base_url_in_python_telegram_bots_token_placeholder_form(tmp_path: Path) -> None:
    async def scenario() -> None:
        standin = await StandIn().start()
        process = await _bot_process(standin, tmp_path, TELEGRAM_BASE_URL=standin.url + "/bot{token}")
        try:
            standin.push_text(CHAT, "/start")
            [reply] = await standin.wait_for(1, chat_id=CHAT, timeout=60)
            assert "充值指南" in reply.params["text"]
            process.terminate()
            assert await asyncio.wait_for(process.wait(), 30) == 0
        finally:
            await logged_by(process, standin)

    run(scenario)


async def _line_with(process: asyncio.subprocess.Process, words: str, timeout: float) -> str:
    assert process.stderr is not None
    while True:
        line = (await asyncio.wait_for(process.stderr.readline(), timeout)).decode()
        if not line or words in line:
            return line


def test_an_unreachable_api_is_said_at_once_and_sigterm_still_stops(tmp_path: Path) -> None:
    # Before: nothing for 90 s (python-telegram-bot retries getMe in silence).
    async def scenario() -> None:
        standin = StandIn(port=_free_port())  # never started: connections are refused
        process = await _bot_process(standin, tmp_path)
        try:
            line = await _line_with(process, "cannot be reached", timeout=30)
            assert "the Bot API at TELEGRAM_BASE_URL cannot be reached" in line and TOKEN not in line
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 20) == 0
        finally:
            await logged_by(process, standin)

    run(scenario)


def test_failed_polls_are_said_once_and_the_recovery_in_one_line(
    conversation: Conversation, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Before: a traceback for every failed getUpdates and nothing on recovery.
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            await standin.go_down()
            await asyncio.sleep(0.1)
            await standin.come_back()
            standin.fail("getUpdates", 500, times=2)
            standin.push_text(CHAT, "怎么保号")
            await standin.wait_for(1, chat_id=CHAT, timeout=30)

    with caplog.at_level(logging.INFO):
        run(scenario)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    down = [line for line in lines if "cannot be reached" in line]
    back = [line for line in lines if "can be reached again" in line]
    assert len(down) == 1 and len(back) == 1, lines
    assert "next try in 1 s" in down[0] and "failed tries" in back[0]
    assert not any(r.exc_info for r in caplog.records), "no traceback for a failed poll"
