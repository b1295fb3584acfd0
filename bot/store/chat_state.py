"""Each chat's state, as JSON in the store: read once at start, written at every change.

save() and delete() queue the change (database.py's writer commits it) and return its Commit;
the Telegram adapter awaits it before the reply that tells the user (persistence.py).

JSON, never pickle: the file can be read and checked by anyone, and a file someone replaced
can at worst hold wrong values (which Conversation.restore then ignores), never run code.

Every text in a state that is not an id (a verdict's red flags, which quote the message) is
masked before it is written, as the records are: handles and links as a verdict shows them,
numbers as masking.py does. Rows untouched for BOT_RETENTION_DAYS go with the records (records.py).
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from bot.core.risk.links import shown
from bot.store.database import Commit, Database
from bot.store.masking import Masker

logger = logging.getLogger(__name__)

# What a state holds besides the user's words: operator, intent and level ids, script names.
ID = re.compile(r"(?!.*[0-9]{4})[a-z][a-z0-9_:-]*")  # no id holds a run of four digits


class ChatStates:
    def __init__(self, database: Database, mask: Callable[[str], str] | None = None) -> None:
        """`mask`: the records' masker, which keeps the numbers the answers print (10086)."""
        self._db = database
        masker = mask or Masker()

        def masked(text: str) -> str:
            text = shown(text)
            done = masker(text)
            # The masker reads NFKC ("（" as "("): a text it finds nothing in is kept as shown.
            return text if done == unicodedata.normalize("NFKC", text) else done

        # The same red flags are saved again at every turn that keeps them: masked once.
        self._mask = functools.lru_cache(maxsize=1024)(masked)
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
            text = json.dumps(self._masked(data), ensure_ascii=False, sort_keys=True)
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

    def _masked(self, value: Any) -> Any:
        if isinstance(value, str):
            return value if ID.fullmatch(value) else self._mask(value)
        if isinstance(value, dict):
            return {key: self._masked(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._masked(item) for item in value]
        return value

    def delete(self, chat_id: int) -> Commit[bool]:
        self._written.pop(chat_id, None)
        return self._db.write("DELETE FROM chat_state WHERE chat_id = ?", [(chat_id,)], urgent=True)


def _settled(result: bool) -> Commit[bool]:
    commit: Commit[bool] = Commit()
    commit.set_result(result)
    return commit
