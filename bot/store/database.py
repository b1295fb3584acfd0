"""The SQLite file under BOT_DATA_DIR: opened once, migrated, written by one thread of its own.

One file holds everything the bot keeps, each part in its own table (chat state here, the
operator's records next to it), so a backup or a /forget is one place. WAL lets readers (a report)
run while the bot writes, and with synchronous=NORMAL a commit is in the file once it is made: a
process killed right after loses nothing committed (a power cut may lose the last few).

Writes never run on the caller's thread: write() queues the change and returns a Commit (a
future, True once committed, False if it failed); one writer thread commits what is queued, all
of it in one transaction (a burst of chats costs one commit, not one each): at once when someone
waits for it (urgent), else within FLUSH_EVERY. So another process
holding the write lock makes the writer wait, never the bot's event loop. A change that finds the
file locked stays queued and is tried again until it lands (up to MAX_QUEUED changes); what a
caller must know is on disk before it goes on (a chat's state before the reply that shows it) it
waits for with commit.result() or, on an event loop, by awaiting it. A read first waits for the
writes queued before it, so it sees them.

The bot must keep answering when the disk is full or the folder read-only: every failure is
logged once, the caller carries on with what it holds in memory, and the first write that works
again is logged too.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import functools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
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
# The writer waits this long for another process's transaction before trying again.
BUSY_TIMEOUT_MS = 2000
# Changes held while the file stays locked; past this the oldest batch is given up (and logged).
MAX_QUEUED = 100_000
# A transaction holds at most this many changes (the rest go in the next one).
BATCH = 1000
# A change no one waits for is committed within this many seconds (with what came meanwhile):
# a kill may lose the last moments of the operator's records and of the chats' last answers,
# never what a reply confirmed (those are written urgent, and waited for).
FLUSH_EVERY = 0.05

Commit = Future  # Future[bool]: True once the change is committed, False if it failed


@dataclass
class _Change:
    sql: str
    rows: list[Sequence[Any]]
    done: Future[bool] = field(default_factory=Future)


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
        self.connection = self._open()  # the readers' (and the migrations'); the writer has its own
        self._queue: collections.deque[_Change] = collections.deque()  # appends are thread-safe
        self._queued = threading.Event()  # something waits in the queue
        self._urgent = threading.Event()  # someone waits for it: commit now
        self._closing = False
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()

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

    def write(self, sql: str, rows: Iterable[Sequence[Any]] = ((),), urgent: bool = False) -> Commit[bool]:
        """Queues one statement per row, committed together by the writer thread; never waits.

        `urgent`: someone will wait for this commit, so the writer commits at once; otherwise
        within FLUSH_EVERY, with whatever else came meanwhile (the writer is not woken, and its
        thread does not contend with the caller's, for every change)."""
        change = _Change(sql, list(rows))
        if self.connection is None or self._closing:
            change.done.set_result(False)
            return change.done
        if self._writer is None:
            self._start_writer()
        self._queue.append(change)
        if urgent:
            self._urgent.set()
            self._queued.set()
        elif not self._queued.is_set():
            self._queued.set()
        return change.done

    def flush(self, timeout: float | None = None) -> bool:
        """Waits until every change queued so far is committed (or failed); False on the timeout."""
        if self._writer is None:
            return True
        try:
            self.write("", (), urgent=True).result(timeout)  # no statement; the queue is in order
        except TimeoutError:
            return False
        return True

    def _start_writer(self) -> None:
        with self._writer_lock:
            if self._writer is None:
                # A daemon, so a process that never closes the store can still exit; atexit
                # commits what it queued first (the terminal chat's records, a script's changes).
                self._writer = threading.Thread(target=self._write_queued, name="store-writer", daemon=True)
                self._writer.start()
                atexit.register(self.close)

    def _write_queued(self) -> None:
        try:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            self._failed("write to", exc)
            connection = None
        waiting: list[_Change] = []  # what met a locked file, first in line
        while True:
            self._queued.wait()
            if not self._urgent.is_set() and not self._closing:
                self._urgent.wait(FLUSH_EVERY)  # a burst gathers into one transaction
            # Cleared before the queue is read: a change queued from now on sets them again.
            self._queued.clear()
            self._urgent.clear()
            while self._queue and len(waiting) < BATCH:
                waiting.append(self._queue.popleft())
            if self._queue:
                self._queued.set()  # the rest goes in the next transaction
            if connection is None:
                self._settle(waiting, False)
                waiting = []
            elif self._commit(connection, waiting):
                waiting = []
            else:
                self._queued.set()  # kept: tried again (the busy timeout is the wait)
            if self._closing and not self._queue:
                break
        self._settle(waiting, False)
        if connection is not None:
            connection.close()

    def _commit(self, connection: sqlite3.Connection, batch: list[_Change]) -> bool:
        """Commits the batch; True when it is settled (committed or failed for good)."""
        try:
            self._transaction(connection, batch)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                return self._one_by_one(connection, batch)
            self._failed("write to", exc)
            if len(batch) < MAX_QUEUED:
                return False  # kept, and tried again (the busy timeout is the wait)
            self._settle(batch, False)
            return True
        except sqlite3.Error:
            return self._one_by_one(connection, batch)
        self._settle(batch, True)
        return True

    def _one_by_one(self, connection: sqlite3.Connection, batch: list[_Change]) -> bool:
        """One change's fault (a full disk, a bad statement) must not take the others with it."""
        for change in batch:
            try:
                self._transaction(connection, [change])
            except sqlite3.Error as exc:
                self._failed("write to", exc)
                change.done.set_result(False)
            else:
                self._settle([change], True)
        return True

    @staticmethod
    def _transaction(connection: sqlite3.Connection, batch: list[_Change]) -> None:
        with connection:  # BEGIN … COMMIT, or ROLLBACK on an error
            connection.execute("BEGIN IMMEDIATE")
            for change in batch:
                if change.rows:  # a flush() marker has none
                    connection.executemany(change.sql, change.rows)

    def _settle(self, batch: list[_Change], committed: bool) -> None:
        if committed and self._failing and any(change.rows for change in batch):
            self._failing = False
            logger.warning("writing to %s works again", self.path)
        for change in batch:
            if not change.done.done():
                change.done.set_result(committed)

    def change(
        self, sql: str, parameters: Sequence[Any], then: Iterable[tuple[str, Sequence[Any]]] = ()
    ) -> int:
        """Runs one statement and, only if it changed a row, the others, all in one transaction.

        The rows the first changed (0 when none or when it failed): a compare-and-set (UPDATE …
        WHERE the old value) tells the caller whether it, and no other process, made the change.
        """
        if self.connection is None:
            return 0
        self.flush()  # after the writes queued before it, as a read is
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
        self.flush()  # a read sees the writes queued before it
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            self._failed("read", exc)
            return []

    def close(self) -> None:
        """Commits what is queued, stops the writer, closes the file."""
        writer = self._writer
        if writer is not None and writer.is_alive():
            self._closing = True  # what is queued is still committed; nothing more is taken
            self._queued.set()
            self._urgent.set()
            writer.join()
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
