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

import contextlib
import functools
import logging
import os
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
    # 保号提醒 (reminders.py): one row per reminder (the chat id, to send it; the name the user gave,
    # never the number), its cycle's date and the messages sent; next_send (UTC seconds) is what
    # the due check reads, by index. reminder_event counts for the operator, without the chat.
    """
    CREATE TABLE reminder (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        operator TEXT NOT NULL,
        name TEXT NOT NULL,
        place TEXT,
        last_topup TEXT,
        months INTEGER,
        next_due TEXT NOT NULL,
        hour INTEGER NOT NULL,
        sent TEXT NOT NULL DEFAULT '',
        snooze INTEGER,
        next_send INTEGER,
        cycle INTEGER NOT NULL DEFAULT 1,
        cycle_sends INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'active',
        created_at INTEGER NOT NULL
    );
    CREATE INDEX reminder_next_send ON reminder (next_send) WHERE next_send IS NOT NULL;
    CREATE INDEX reminder_chat ON reminder (chat_id);
    CREATE TABLE reminder_event (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        operator TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE INDEX reminder_event_day ON reminder_event (day);
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


class UnknownDatabase(Exception):
    """The file is SQLite, but not as any version of this code left it."""


def _check_known(connection: sqlite3.Connection, version: int) -> None:
    """A newer version's file, or tables (or columns) the migrations up to its version do not
    make, raise UnknownDatabase: the bot would write where nothing reads, and lose it."""
    if not 0 <= version <= len(MIGRATIONS):
        raise UnknownDatabase(f"user_version {version}; this version knows 0 to {len(MIGRATIONS)}")
    found, expected = _schema(connection), _made_by(version)
    if found != expected:
        unknown = sorted(found.keys() - expected.keys()) or sorted(
            t for t in found if found[t] != expected.get(t)
        )
        missing = sorted(expected.keys() - found.keys())
        raise UnknownDatabase(
            f"user_version {version} with tables "
            + ", ".join([*(f"{t} (unknown)" for t in unknown), *(f"{t} (missing)" for t in missing)])
        )


def _schema(connection: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """Each table of the file (not SQLite's own) with its columns."""
    tables = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite^_%' ESCAPE '^'"
    ).fetchall()
    return {
        name: frozenset(
            column for (column,) in connection.execute("SELECT name FROM pragma_table_info(?)", (name,))
        )
        for (name,) in tables
    }


@functools.cache
def _made_by(version: int) -> dict[str, frozenset[str]]:
    """The tables the first `version` migrations make, read from a database in memory."""
    with contextlib.closing(sqlite3.connect(":memory:")) as memory:
        for script in MIGRATIONS[:version]:
            memory.executescript(script)
        return _schema(memory)


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
        except UnknownDatabase as exc:
            why, kind = f"was not written by this version of the bot ({exc})", "unknown"
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc) and "malformed" not in str(exc):
                self._failed("open", exc)
                return None
            why, kind = "could not be read", "unreadable"
        # A file that is not SQLite (or a damaged one), or one this code does not know (a newer
        # version's, another program's: using it would lose what is written to it), is kept aside
        # for a person to look at, and the bot starts with an empty store rather than not at all.
        aside = self.path.with_name(f"{self.path.name}.{kind}-{int(time.time())}")
        try:
            for journal in ("", "-wal", "-shm"):  # a journal left beside the file is part of it
                if (source := Path(f"{self.path}{journal}")).exists():
                    source.replace(f"{aside}{journal}")
            logger.warning("%s %s; kept as %s, starting empty", self.path, why, aside)
            return self._connect()
        except (OSError, sqlite3.Error, UnknownDatabase) as exc:
            self._failed("open", exc)
            return None

    def _make_private(self) -> None:
        """The file and its journals readable by the owner only, like the record key: created so
        (SQLite gives the journals the file's mode), or made so if an older version made them 0644."""
        with contextlib.suppress(OSError):  # a read-only folder: the connection will say so
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        for journal in ("", "-wal", "-shm"):
            path = Path(f"{self.path}{journal}")
            with contextlib.suppress(OSError):
                if path.stat().st_mode & 0o077:
                    path.chmod(0o600)

    def _connect(self) -> sqlite3.Connection:
        self._make_private()
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
            _check_known(connection, version)
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

    def change(
        self, sql: str, parameters: Sequence[Any], then: Iterable[tuple[str, Sequence[Any]]] = ()
    ) -> int:
        """Runs one statement and, only if it changed a row, the others, all in one transaction.

        The rows the first changed (0 when none or when it failed): a compare-and-set (UPDATE …
        WHERE the old value) tells the caller whether it, and no other process, made the change.
        """
        if self.connection is None:
            return 0
        try:
            with self.connection:  # BEGIN … COMMIT, or ROLLBACK on an error
                self.connection.execute("BEGIN IMMEDIATE")
                changed = self.connection.execute(sql, parameters).rowcount
                if changed:
                    for statement, values in then:
                        self.connection.execute(statement, values)
        except sqlite3.Error as exc:
            self._failed("write to", exc)
            return 0
        return changed

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
