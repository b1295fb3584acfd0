"""Each chat's state, as JSON in the store: read once at start, written at every change.

save() and delete() queue the change (database.py's writer commits it) and return its Commit;
the Telegram adapter awaits it before the reply that tells the user (persistence.py).

JSON, never pickle: the file can be read and checked by anyone, and a file someone replaced
can at worst hold wrong values (which Conversation.restore then ignores), never run code.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from bot.store.database import Commit, Database

logger = logging.getLogger(__name__)


class ChatStates:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._written: dict[int, str] = {}  # what the file holds, so an unchanged state is not rewritten

    def load(self) -> dict[int, dict[str, Any]]:
        """Every chat's saved data; rows that are not a JSON object are skipped."""
        chats: dict[int, dict[str, Any]] = {}
        for chat_id, text in self._db.read("SELECT chat_id, data FROM chat_state"):
            try:
                data = json.loads(text)
            except (TypeError, ValueError):
                data = None
            if isinstance(data, dict):
                chats[chat_id] = data
                self._written[chat_id] = text
        return chats

    def save(self, chat_id: int, data: dict[str, Any], urgent: bool = False) -> Commit[bool]:
        """Queues the chat's data; `urgent` when the caller waits for the commit (database.py)."""
        try:
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            logger.warning("chat %s holds data that is not JSON; not saved", chat_id)
            return _settled(False)
        if self._written.get(chat_id) == text:
            return _settled(True)
        sql = "INSERT OR REPLACE INTO chat_state (chat_id, data, updated_at) VALUES (?, ?, ?)"
        # Taken as written now, so the same state is not queued twice; a failed write forgets it
        # again, so the chat's next change writes the whole state.
        self._written[chat_id] = text
        commit = self._db.write(sql, [(chat_id, text, int(time.time()))], urgent)

        def forget_if_failed(done: Commit[bool]) -> None:  # on the writer's thread
            if not done.result() and self._written.get(chat_id) == text:
                self._written.pop(chat_id, None)

        commit.add_done_callback(forget_if_failed)
        return commit

    def delete(self, chat_id: int) -> Commit[bool]:
        self._written.pop(chat_id, None)
        return self._db.write("DELETE FROM chat_state WHERE chat_id = ?", [(chat_id,)], urgent=True)


def _settled(result: bool) -> Commit[bool]:
    commit: Commit[bool] = Commit()
    commit.set_result(result)
    return commit
