"""The SQLite store under BOT_DATA_DIR: every change committed, and no fault of the disk fatal."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.store.chat_state import ChatStates
from bot.store.database import FILENAME, MIGRATIONS, Database

SMART = {"state": {"operator": "smart", "pending": None}}


def test_a_change_is_in_the_file_once_its_commit_is_done(tmp_path: Path) -> None:
    chats = ChatStates(Database.in_folder(tmp_path))
    assert chats.save(1, SMART).result() is True
    # Another connection (another process, after a crash) sees it at once.
    with sqlite3.connect(tmp_path / FILENAME) as other:
        assert other.execute("SELECT chat_id FROM chat_state").fetchall() == [(1,)]
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert ChatStates(Database.in_folder(tmp_path)).load() == {1: SMART}


def test_forgetting_a_chat(tmp_path: Path) -> None:
    chats = ChatStates(Database.in_folder(tmp_path))
    chats.save(1, SMART)
    chats.save(2, SMART)
    chats.delete(1).result()  # committed (each queued change in turn)
    assert ChatStates(Database.in_folder(tmp_path)).load() == {2: SMART}


def test_the_schema_is_migrated_once_to_the_newest_version(tmp_path: Path) -> None:
    Database.in_folder(tmp_path).close()
    database = Database.in_folder(tmp_path)  # opening again applies nothing twice
    assert database.read("PRAGMA user_version") == [(len(MIGRATIONS),)]


def test_rows_of_the_wrong_shape_are_skipped(tmp_path: Path) -> None:
    database = Database.in_folder(tmp_path)
    rows = [(1, "[1, 2]", 0), (2, "not json", 0), (3, '{"state": {"operator": "smart"}}', 0)]
    database.write("INSERT INTO chat_state VALUES (?, ?, ?)", rows)
    assert ChatStates(database).load() == {3: {"state": {"operator": "smart"}}}


def test_data_that_is_not_json_is_not_saved_and_the_last_good_state_stays(tmp_path: Path) -> None:
    chats = ChatStates(Database.in_folder(tmp_path))
    chats.save(1, SMART).result()
    assert chats.save(1, {"state": object()}).result() is False
    assert ChatStates(Database.in_folder(tmp_path)).load() == {1: SMART}


def test_a_file_that_is_not_sqlite_is_kept_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / FILENAME).write_bytes(b"half a file" * 100)
    chats = ChatStates(Database.in_folder(tmp_path))
    chats.save(1, SMART).result()
    [aside] = tmp_path.glob(f"{FILENAME}.unreadable-*")
    assert aside.read_bytes() == b"half a file" * 100
    assert ChatStates(Database.in_folder(tmp_path)).load() == {1: SMART}
    assert "could not be read" in caplog.text


def test_a_store_that_cannot_be_opened_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / FILENAME).mkdir()  # in the way of the file, as a read-only folder would be
    with caplog.at_level(logging.WARNING):
        chats = ChatStates(Database.in_folder(tmp_path))
        for chat_id in range(5):
            chats.save(chat_id, SMART)
        assert chats.load() == {}
    assert caplog.text.count("cannot open") == 1 and "keeps answering" in caplog.text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    tmp_path.chmod(0o500)
    try:
        with caplog.at_level(logging.WARNING):
            chats = ChatStates(Database.in_folder(tmp_path))
            chats.save(1, SMART)
            chats.save(2, SMART)
    finally:
        tmp_path.chmod(0o700)
    assert caplog.text.count("cannot") == 1


FULL_DISK = """
import logging, resource, signal, sys
from pathlib import Path
from bot.store.chat_state import ChatStates
from bot.store.database import Database

logging.basicConfig(level=logging.WARNING, format="%(message)s")
chats = ChatStates(Database.in_folder(Path(sys.argv[1])))
chats.save(0, {"state": {"operator": "smart", "pending": None}}).result()
# From here on, no file may grow: the disk is full.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
size = Path(sys.argv[1], "bot.sqlite3-wal").stat().st_size
resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
for chat_id in range(1, 200):
    chats.save(chat_id, {"state": {"operator": "smart", "pending": "x" * 500}})
print("still running")
"""


def test_a_full_disk_is_logged_once_and_nothing_stops(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0 and result.stdout == "still running\n", result.stderr
    assert result.stderr.count("cannot write to") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert ChatStates(Database.in_folder(tmp_path)).load()[0] == SMART


def test_concurrent_writers_lose_no_committed_change(tmp_path: Path) -> None:
    """Two writers (two processes, as the bot and a report would be) at once: every change lands."""
    Database.in_folder(tmp_path).close()

    def writer(first: int) -> None:
        database = Database.in_folder(tmp_path)
        chats = ChatStates(database)
        for chat_id in range(first, first + 300):
            chats.save(chat_id, SMART)
        database.close()  # commits what is still queued

    threads = [threading.Thread(target=writer, args=(first,)) for first in (0, 1000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    saved = ChatStates(Database.in_folder(tmp_path)).load()
    assert sorted(saved) == [*range(300), *range(1000, 1300)]


def test_the_record_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    from bot.store.records import KEY_FILE, record_key

    key = record_key(tmp_path)
    assert len(key) == 32 and record_key(tmp_path) == key
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_a_write_never_waits_for_a_lock_and_lands_once_it_is_released(tmp_path: Path) -> None:
    chats = ChatStates(Database.in_folder(tmp_path))
    holder = sqlite3.connect(tmp_path / FILENAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing
    commits = [chats.save(chat_id, SMART) for chat_id in range(50)]  # returns at once, queued
    assert not any(commit.done() for commit in commits)
    holder.execute("COMMIT")
    holder.close()
    assert all(commit.result(timeout=30) for commit in commits)
    assert sorted(ChatStates(Database.in_folder(tmp_path)).load()) == list(range(50))
