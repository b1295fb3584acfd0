"""Every request to the Bot API passes here: Telegram's send limits, and what is tried again.

python-telegram-bot's AIORateLimiter keeps Telegram's limits (30 messages a second overall, 20 a
minute per group) but, on any 429, pauses every request of the bot until retry_after has passed:
one chat that is sent to too fast (Telegram allows about one message a second per chat) would
hold up every other chat's answer for seconds. Here the same limits apply, and a 429 pauses that
chat alone; a flood limit on the whole bot answers each chat's send with its own 429, so each
chat then waits as long as Telegram says.

What is tried again, for as long as SEND_PATIENCE from the first try (then the error goes to the
handler, which apologises):
- a 429, after its retry_after, however many come in a row (the answer is kept, not dropped);
- a request that never reached the server (connection refused, connect or pool timeout) or a
  server error (5xx), with growing waits: the answer arrives once the Bot API recovers.
Not tried again: a request the server may already have carried out. A read timeout comes after
the request was sent whole; sending it again would send the answer twice (Telegram has no
idempotency key), so it is logged as possibly lost instead. READ_TIMEOUT (app.py) is long
enough that a send Telegram accepts slowly is waited for rather than timed out.

When the bot stops (stop()), waits end at once and nothing is tried again: a SIGTERM is obeyed
in moments, not after SEND_PATIENCE.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

MAX_IDLE_GROUPS = 512
JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
# Waits between tries after a network or server error; the last one repeats.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
SEND_PATIENCE = 120.0  # seconds from the first try after which a request is given up
# Requests not worth a second try: "typing…" is replaced by the next one or by the answer itself.
NOT_RETRIED = frozenset({"sendChatAction"})


def retry_seconds(exc: RetryAfter) -> float:
    value: object = exc.retry_after  # a timedelta under PTB_TIMEDELTA (set in this package), else int
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]


def may_have_arrived(exc: NetworkError) -> bool:
    """True when the server may have carried the request out: the whole request was sent and
    the wait for its answer timed out. A refused connection, a connect, write or pool timeout
    and a 5xx answer all mean it was not (or it failed on the server's side)."""
    return isinstance(exc, TimedOut) and isinstance(exc.__cause__, httpx.ReadTimeout)


class Waits:
    """The limiter's clock: the loop's time, and sleeps that end early once the bot is stopping.
    A test passes one that only counts the seconds (no real waiting)."""

    def __init__(self) -> None:
        self.stopping = asyncio.Event()

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)


class PerChatRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        patience: float = SEND_PATIENCE,
    ) -> None:
        self._overall = AsyncLimiter(overall_max_rate, 1) if overall_max_rate else None
        self._group_max_rate = group_max_rate
        self._groups: dict[int | str, AsyncLimiter] = {}
        self.patience = patience
        self.waits = Waits()
        self._paused_until: dict[int | str, float] = {}  # chat → time its sends may resume

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def stop(self) -> None:
        """From now on nothing waits and nothing is tried again (the bot is shutting down)."""
        self.waits.stopping.set()

    @property
    def stopping(self) -> bool:
        return self.waits.stopping.is_set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        chat_id: int | str | None = data.get("chat_id")
        if isinstance(chat_id, str):
            with contextlib.suppress(ValueError):
                chat_id = int(chat_id)  # an @channel name stays a string
        give_up = self.waits.now() + self.patience
        for attempt in itertools.count():
            if chat_id is not None:
                await self._pause_over(chat_id)
            try:
                async with AsyncExitStack() as limits:
                    for limiter in self._limiters(chat_id):
                        await limits.enter_async_context(limiter)
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                pause = retry_seconds(exc) + 0.1
                if self.stopping or self.waits.now() + pause > give_up:
                    raise
                logger.info("Telegram asks to wait %.1f s before sending to this chat again", pause)
                if chat_id is None:
                    await self.waits.sleep(pause)
                else:
                    until = self.waits.now() + pause
                    self._paused_until[chat_id] = max(self._paused_until.get(chat_id, 0.0), until)
            except BadRequest:
                raise  # a refused request stays refused (python-telegram-bot makes it a NetworkError)
            except NetworkError as exc:  # TimedOut and the 5xx answers are NetworkErrors too
                if may_have_arrived(exc):
                    logger.warning(
                        "%s timed out after it was sent; not sent again (it may have arrived)", endpoint
                    )
                    raise
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                if endpoint in NOT_RETRIED or self.stopping or self.waits.now() + delay > give_up:
                    raise
                logger.warning("%s failed (%s); trying again in %.1f s", endpoint, type(exc).__name__, delay)
                await self.waits.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")

    async def _pause_over(self, chat_id: int | str) -> None:
        # A later 429 for the same chat may lengthen the pause while this one sleeps.
        while not self.stopping and (wait := self._paused_until.get(chat_id, 0.0) - self.waits.now()) > 0:
            await self.waits.sleep(wait)
        self._paused_until.pop(chat_id, None)

    def _limiters(self, chat_id: object) -> list[AsyncLimiter]:
        limiters = [self._overall] if self._overall and chat_id is not None else []
        # Groups and channels have ids below zero (or an @name); they have a limit of their own.
        in_group = (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str)
        if in_group and self._group_max_rate:
            assert isinstance(chat_id, int | str)
            if chat_id not in self._groups:
                if len(self._groups) > MAX_IDLE_GROUPS:  # forget the groups with nothing in flight
                    for group, limiter in list(self._groups.items()):
                        if limiter.has_capacity(limiter.max_rate):
                            del self._groups[group]
                self._groups[chat_id] = AsyncLimiter(self._group_max_rate, 60)
            limiters.append(self._groups[chat_id])
        return limiters
