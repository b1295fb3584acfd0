"""The group guard's state: which groups switched it on (/guard on), and the warnings it gave.

The switch is kept by the group's id, in memory and in the SQLite store, so a restart keeps it;
each warning leaves a row with the day, the group as the records' keyed hash and the flag ids,
never the message, so the operator's report can count warnings per group. A failing disk is the
database's to log: the switch still holds in memory until the restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.store.database import Database
from bot.store.records import Records


class GuardStore:
    def __init__(self, database: Database, records: Records, clock: Callable[[], float] = time.time) -> None:
        self._database = database
        self._records = records  # the chat hash and the day, as every other record has them
        self._clock = clock
        self._active = {chat_id for (chat_id,) in database.read("SELECT chat_id FROM guard WHERE active = 1")}

    def active(self, chat_id: int) -> bool:
        """Whether the group's admins switched the guard on: read on every group message, from memory."""
        return chat_id in self._active

    def switch(self, chat_id: int, on: bool) -> None:
        """Turns the guard on or off for a group, committed before the reply says so."""
        if on:
            self._active.add(chat_id)
        else:
            self._active.discard(chat_id)
        self._database.write(
            "INSERT INTO guard (chat_id, active, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET active = excluded.active, updated_at = excluded.updated_at",
            [(chat_id, int(on), int(self._clock()))],
        )

    def warned(self, chat_id: int, flags: tuple[str, ...]) -> None:
        """Counts one warning in a group: the day, the group's hash, the flags; not the message."""
        self._database.write(
            "INSERT INTO guard_warning (day, chat, flags) VALUES (?, ?, ?)",
            [(self._records.day(), self._records.chat_key(chat_id), " ".join(flags))],
        )
