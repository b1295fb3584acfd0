"""Chat state on disk: python-telegram-bot's PicklePersistence, written once per round.

Plain PicklePersistence rewrites its whole file for every chat that changed, so a busy minute
with N chats costs N full writes (quadratic). This one keeps changes in memory and writes the
file once after each round of updates, and again at shutdown (flush). Each write goes to a side
file that then replaces the old one, so a crash mid-write leaves the last good file in place.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import time
from pathlib import Path
from typing import Any

from telegram.ext import PersistenceInput, PicklePersistence

logger = logging.getLogger(__name__)

UPDATE_INTERVAL = 5  # seconds between rounds: what a crash (not a clean stop) can lose at most


def set_aside_if_unreadable(filepath: Path) -> Path | None:
    """A state file that cannot be read (a crash mid-write) is kept aside, not fatal and not lost."""
    if not filepath.is_file():
        return None
    try:
        with filepath.open("rb") as handle:
            pickle.load(handle)
    except Exception:  # any unpickling failure means the same: this file cannot be used
        aside = filepath.with_name(f"{filepath.name}.unreadable-{int(time.time())}")
        filepath.replace(aside)
        logger.warning("%s could not be read; kept as %s, starting with empty chat state", filepath, aside)
        return aside
    return None


class ChatStatePersistence(PicklePersistence):
    def __init__(self, filepath: Path) -> None:
        # Only the chats' state is the user's; bot_data holds the handlers' dependencies.
        super().__init__(
            filepath=filepath,
            store_data=PersistenceInput(bot_data=False, user_data=False, callback_data=False),
            on_flush=True,
            update_interval=UPDATE_INTERVAL,
        )
        self._write: asyncio.Task[None] | None = None
        set_aside_if_unreadable(filepath)

    async def flush(self) -> None:
        final = self.filepath
        partial = final.with_name(f"{final.name}.part")
        self.filepath = partial
        try:
            await super().flush()
            if partial.exists():
                partial.replace(final)
        finally:
            self.filepath = final
            partial.unlink(missing_ok=True)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        await super().update_chat_data(chat_id, data)
        if self._write is None:
            self._write = asyncio.create_task(self._write_after_this_round())

    async def _write_after_this_round(self) -> None:
        await asyncio.sleep(0)  # the round's other chats are updated first
        self._write = None
        try:
            await self.flush()
        except Exception as exc:  # a full disk must not stop the bot; memory still holds it all
            logger.warning("could not write %s (%s); the next write saves it", self.filepath, exc)
