"""Chat state for python-telegram-bot: its BasePersistence, over the SQLite store in BOT_DATA_DIR.

python-telegram-bot calls update_chat_data only every `update_interval` seconds, so a process
killed in between would lose what a user was just told is remembered. The handlers therefore
call update_chat_data themselves, before they send the reply (handlers.save_state); the periodic
round then finds nothing changed and writes nothing. Only chat data is kept: bot_data holds the
handlers' dependencies, and the bot has no user data, callback data or conversations.

What "confirmed" means: what the user chose or was asked to choose, that a reply then shows or
relies on: the operator, the place, the question waiting for an operator (handlers.CONFIRMED),
and a /forget or /reset. For those the handler calls confirm_chat_data (or drop_chat_data), which
returns once the store's writer has committed the change: the reply goes out after it is on disk,
and a kill loses nothing confirmed. The wait is on the writer thread, not the event loop (other
chats go on meanwhile); if the file is locked by another process, or the disk fails, the reply
waits no more than CONFIRM_WAIT and the change stays queued until the lock is gone (database.py).
The rest of a chat's state (the last answer, which a follow-up reads) is queued the same way
without a wait, and committed moments later: a kill in those moments costs a follow-up its
context, never a choice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.store.chat_state import ChatStates
from bot.store.database import Commit, Database

logger = logging.getLogger(__name__)

# The periodic round only catches what a handler did not save itself (there is nothing such today).
UPDATE_INTERVAL = 60
# What an older version kept: a pickle, which is never loaded (unpickling runs code).
OLD_PICKLE = "chats.pickle"
# The longest a reply waits for its chat's state to be committed (a commit takes well under 1 ms).
CONFIRM_WAIT = 0.2


async def committed(commit: Commit[bool]) -> bool:
    """Waits for a commit without blocking the loop, for CONFIRM_WAIT at most."""
    if commit.done():
        return commit.result()
    try:
        return await asyncio.wait_for(asyncio.wrap_future(commit), CONFIRM_WAIT)
    except TimeoutError:
        return False  # still queued: it lands when the store lets it


class ChatStatePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, database: Database, mask: Callable[[str], str] | None = None) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, user_data=False, callback_data=False),
            update_interval=UPDATE_INTERVAL,
        )
        self.database = database
        self.chats = ChatStates(database, mask)
        old = database.path.parent / OLD_PICKLE
        if old.exists():
            logger.info("%s is from an older version and is not read; it can be deleted", old)

    # ---- chat data: the only kind this bot keeps ----------------------------------------------

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return self.chats.load()

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        self.chats.save(chat_id, data)  # queued; committed moments later

    async def confirm_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Saves a change the reply confirms: returns once it is committed (or CONFIRM_WAIT)."""
        await committed(self.chats.save(chat_id, data, urgent=True))

    async def drop_chat_data(self, chat_id: int) -> None:
        await committed(self.chats.delete(chat_id))

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Memory is always at least as new as the file: nothing to refresh."""

    async def flush(self) -> None:
        self.database.close()

    # ---- the kinds switched off in store_data: never called with data ---------------------------

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        pass

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        pass

    async def get_callback_data(self) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def get_conversations(self, name: str) -> dict[tuple[int | str, ...], object]:
        return {}

    async def update_conversation(
        self, name: str, key: tuple[int | str, ...], new_state: object | None
    ) -> None:
        pass
