"""Updates are handled concurrently across chats and one at a time, in order, within a chat.

python-telegram-bot's own processor takes a slot for an update before its handler runs, so the
updates of a chat that waits (a 429, a slow send) would each hold a slot while they queue behind
one another, and a few such chats could take every slot. Here an update first waits for its
chat's turn, holding nothing, and only then takes one of the few working slots: a waiting chat
holds one slot at most, whatever it sends meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates accepted at once, most of them waiting their chat's turn (python-telegram-bot's slots).
OUTSTANDING = 4096


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, working: int) -> None:
        super().__init__(OUTSTANDING)
        self.working = working
        self._slots: asyncio.Semaphore | None = None
        # asyncio.Lock wakes its waiters in the order they came: a chat's updates keep theirs.
        self._chats: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def initialize(self) -> None:
        self._slots = asyncio.Semaphore(self.working)

    async def shutdown(self) -> None:
        pass

    def _turn(self, update: object) -> contextlib.AbstractAsyncContextManager[Any]:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            return contextlib.nullcontext()
        lock = self._chats.get(chat.id)
        if lock is None:
            lock = self._chats[chat.id] = asyncio.Lock()
        return lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._slots is None:  # used before initialize (python-telegram-bot calls it first)
            self._slots = asyncio.Semaphore(self.working)
        async with self._turn(update), self._slots:
            await coroutine
