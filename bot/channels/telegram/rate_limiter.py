"""Telegram's send limits, with a 429 pausing only the chat it came for.

python-telegram-bot's AIORateLimiter keeps Telegram's limits (30 messages a second overall, 20 a
minute per group) but, on any 429, pauses every request of the bot until retry_after has passed:
one chat that is sent to too fast (Telegram allows about one message a second per chat) would
hold up every other chat's answer for seconds. Here the same limits apply, and a 429 pauses that
chat alone; a flood limit on the whole bot answers each chat's send with its own 429, so each
chat then waits as long as Telegram says.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

MAX_IDLE_GROUPS = 512
JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(exc: RetryAfter) -> float:
    value: object = exc.retry_after  # a timedelta under PTB_TIMEDELTA (set in this package), else int
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]


class PerChatRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        max_retries: int = 3,
    ) -> None:
        self._overall = AsyncLimiter(overall_max_rate, 1) if overall_max_rate else None
        self._group_max_rate = group_max_rate
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries
        self._paused_until: dict[int | str, float] = {}  # chat → loop time its sends may resume

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

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
        retries = rate_limit_args or self._max_retries
        loop = asyncio.get_running_loop()
        for attempt in range(retries + 1):
            if chat_id is not None:
                await self._pause_over(chat_id, loop)
            try:
                async with AsyncExitStack() as limits:
                    for limiter in self._limiters(chat_id):
                        await limits.enter_async_context(limiter)
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                pause = retry_seconds(exc) + 0.1
                logger.info("Telegram asks to wait %.1f s before sending to this chat again", pause)
                if chat_id is None:
                    await asyncio.sleep(pause)
                else:
                    self._paused_until[chat_id] = max(
                        self._paused_until.get(chat_id, 0.0), loop.time() + pause
                    )
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _pause_over(self, chat_id: int | str, loop: asyncio.AbstractEventLoop) -> None:
        # A later 429 for the same chat may lengthen the pause while this one sleeps.
        while (wait := self._paused_until.get(chat_id, 0.0) - loop.time()) > 0:
            await asyncio.sleep(wait)
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
