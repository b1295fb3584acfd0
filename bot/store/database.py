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
import logging
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
