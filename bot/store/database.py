"""The SQLite file under BOT_DATA_DIR: opened once, migrated, one commit per change.

One file holds everything the bot keeps, each part in its own table (chat state here, the
operator's records next to it), so a backup or a /forget is one place. WAL lets readers (a report)
run while the bot writes, and with synchronous=NORMAL a commit is in the file before the call
returns: a process killed right after loses nothing committed (a power cut may lose the last few).

The bot must keep answering when the disk is full or the folder read-only: every failure is
logged once, the caller carries on with what it holds in memory, and the first write that works
again is logged too.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FILENAME = "bot.sqlite3"
# Each entry moves the schema one version on (PRAGMA user_version); entries are never edited,
# only added, so every older file can be brought up to date.
MIGRATIONS: tuple[str, ...] = (
    # 1: each chat's state (the operator chosen, a question waiting for it), as JSON
    """
    CREATE TABLE chat_state (
        chat_id INTEGER PRIMARY KEY,
        data TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    """,
    # 2: the operator's records (records.py): one row per typed question, the chat as a keyed hash
    """
    CREATE TABLE question (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        channel TEXT NOT NULL,
        chat TEXT NOT NULL,
        outcome TEXT NOT NULL,
        intent TEXT NOT NULL,
        confidence REAL NOT NULL,
        operator TEXT,
        nearest TEXT,
        text TEXT,
        normalized TEXT
    );
    CREATE INDEX question_day ON question (day);
    CREATE INDEX question_chat ON question (chat);
    """,
    # 3: the channel entity and an uncovered operator a question named; the scam check's verdicts
    """
    ALTER TABLE question ADD COLUMN topup_channel TEXT;
    ALTER TABLE question ADD COLUMN uncovered TEXT;
    CREATE TABLE verdict (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        channel TEXT NOT NULL,
        chat TEXT NOT NULL,
        level TEXT NOT NULL,
        flags TEXT NOT NULL,
        operator TEXT,
        text TEXT
    );
    CREATE INDEX verdict_day ON verdict (day);
    CREATE INDEX verdict_chat ON verdict (chat);
    """,
    # the group guard (guard.py): which groups switched it on, and each warning it gave (the day,
    # the group as a keyed hash, the flags: never the message)
    """
    CREATE TABLE guard (
        chat_id INTEGER PRIMARY KEY,
        active INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE guard_warning (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        chat TEXT NOT NULL,
        flags TEXT NOT NULL
    );
    CREATE INDEX guard_warning_day ON guard_warning (day);
    """,
)
# A writer waits this long for another process's transaction before giving up on one change.
BUSY_TIMEOUT_MS = 2000


class Database:
    """The connection, or none when the file cannot be opened; callers need not tell the two apart."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._failing = False
        self.connection = self._open()

    @classmethod
    def in_folder(cls, folder: Path) -> Database:
        return cls(folder / FILENAME)

    def _open(self) -> sqlite3.Connection | None:
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc) and "malformed" not in str(exc):
                self._failed("open", exc)
                return None
        # A file that is not SQLite (or a damaged one) is kept aside for a person to look at,
        # and the bot starts with an empty store rather than not at all.
        aside = self.path.with_name(f"{self.path.name}.unreadable-{int(time.time())}")
        try:
            self.path.replace(aside)
            logger.warning("%s could not be read; kept as %s, starting empty", self.path, aside)
            return self._connect()
        except (OSError, sqlite3.Error) as exc:
            self._failed("open", exc)
            return None

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._migrate(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _migrate(connection: sqlite3.Connection) -> None:
        # IMMEDIATE: two processes starting at once must not both apply the same step.
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    # ---- what the parts of the store use --------------------------------------------------------

    def write(self, sql: str, rows: Iterable[Sequence[Any]] = ((),)) -> bool:
        """Runs one statement per row in one transaction and commits it; False if it failed."""
        if self.connection is None:
            return False
        try:
            with self.connection:  # BEGIN … COMMIT, or ROLLBACK on an error
                self.connection.execute("BEGIN")
                self.connection.executemany(sql, rows)
        except sqlite3.Error as exc:
            self._failed("write to", exc)
            return False
        if self._failing:
            self._failing = False
            logger.warning("writing to %s works again", self.path)
        return True

    def read(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.connection is None:
            return []
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            self._failed("read", exc)
            return []

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _failed(self, doing: str, exc: BaseException) -> None:
        if not self._failing:  # once, not once per message while the disk stays full
            logger.warning(
                "cannot %s %s (%s); the bot keeps answering and keeps what it cannot write in memory",
                doing,
                self.path,
                exc,
            )
        self._failing = True
