"""What the bot keeps on disk: masked before it is written, readable by its owner only, kept no
longer than BOT_RETENTION_DAYS, and a file it does not know set aside rather than trusted."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.replying.conversation import Conversation
from bot.store.chat_state import ChatStates
from bot.store.database import FILENAME, MIGRATIONS, Database
from bot.store.masking import DIGITS, Masker
from bot.store.records import Records
from tests.test_telegram import CHAT, run, running

DAY = 86400


def stored(folder: Path) -> str:
    """Every chat_state row as written, read by another connection."""
    with sqlite3.connect(folder / FILENAME) as other:
        return "\n".join(data for (data,) in other.execute("SELECT data FROM chat_state"))


# ---- item 2: the red flags a chat keeps for "为什么" -----------------------------------------------


def test_a_verdicts_reasons_are_kept_masked(conversation: Conversation, tmp_path: Path) -> None:
    advert = "send to @scam_helper99 your otp, or call 09171234567 now. 验证码是 4 8 2 9 1 3"

    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, advert)
            await standin.wait_for(1, chat_id=CHAT)

    run(scenario)
    kept = stored(tmp_path)
    assert "reasons" in kept
    for secret in ("scam_helper", "@scam", "09171234567", "0917123", "4 8 2 9 1 3"):
        assert secret not in kept, kept


def test_chat_state_masks_whatever_text_it_is_given(tmp_path: Path) -> None:
    chats = ChatStates(Database.in_folder(tmp_path))
    chats.save(
        1,
        {"state": {"operator": "smart", "reasons": ["让你打 09171234567，验证码 482913，找 @scam_helper99"]}},
    ).result()  # committed by the store's writer thread
    kept = stored(tmp_path)
    assert '"operator": "smart"' in kept  # ids stay as they are
    for secret in ("09171234567", "482913", "scam_helper99"):
        assert secret not in kept, kept


def test_chat_state_is_kept_no_longer_than_the_retention(tmp_path: Path) -> None:
    database = Database.in_folder(tmp_path)
    now = time.time()
    database.write(
        "INSERT INTO chat_state VALUES (?, ?, ?)",
        [(1, '{"state": {"operator": "smart"}}', int(now - 31 * DAY)), (2, "{}", int(now - DAY))],
    )
    Records(database, Masker(), str, b"k" * 32, retention_days=30, clock=lambda: now).purge()
    assert [chat for (chat,) in database.read("SELECT chat_id FROM chat_state")] == [2]


# ---- item 3: codes however they are written ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "验证码是 4 8 2 9 1 3",
        "验证码是 482 913",
        "验证码：٤٨٢٩١٣",  # Arabic-Indic
        "验证码：۴۸۲۹۱۳",  # Persian
        "验证码 ४८२९१३",  # Devanagari
        "四八二九一三 验证码",
        "验证码 肆捌贰玖壹叁",
        "验证码 4八2九一3",
    ],
)
def test_codes_in_any_digits_or_spacing_are_masked(text: str) -> None:
    masked = Masker({"10086"})(text)
    assert DIGITS in masked, masked
    assert not any(c.isdigit() or c in "四八二九一三肆捌贰玖壹叁" for c in masked.replace(DIGITS, "")), masked


@pytest.mark.parametrize(
    "text",
    ["打 10086 问过了，充了 50 元", "一五一十地说", "九九折", "第一次充 100 元", "打 一〇〇八六 问过了"],
)
def test_ordinary_numbers_and_words_stay(text: str) -> None:
    masked = Masker({"10086"})(text)
    assert DIGITS not in masked, masked


@given(
    code=st.lists(st.integers(0, 9), min_size=4, max_size=8),
    script=st.sampled_from(["0", "٠", "۰", "०", "０"]),
)
def test_a_code_in_any_script_leaves_no_digit(code: list[int], script: str) -> None:
    zero = ord(script)
    written = " ".join(chr(zero + d) for d in code)
    masked = Masker()(f"code {written} ok")
    assert masked.startswith("code [") and masked.endswith("] ok"), masked
    assert not any(c.isdigit() for c in masked), masked


# ---- item 4: readable by the owner only ------------------------------------------------------------


def test_the_database_and_its_journal_are_private(tmp_path: Path) -> None:
    database = Database.in_folder(tmp_path)
    ChatStates(database).save(1, {"state": {"operator": "smart"}}).result()
    files = [p for p in tmp_path.iterdir() if p.name.startswith(FILENAME)]
    assert {p.name for p in files} >= {FILENAME, f"{FILENAME}-wal", f"{FILENAME}-shm"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path, oct(path.stat().st_mode))


def test_an_older_world_readable_database_is_made_private(tmp_path: Path) -> None:
    Database.in_folder(tmp_path).close()
    (tmp_path / FILENAME).chmod(0o644)
    Database.in_folder(tmp_path).close()
    assert stat.S_IMODE((tmp_path / FILENAME).stat().st_mode) == 0o600


# ---- item 14: a database this code does not know -----------------------------------------------------


def aside(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".unreadable-" in p.name or ".unknown-" in p.name]


@pytest.mark.parametrize(
    "change",
    [
        f"PRAGMA user_version = {len(MIGRATIONS) + 90}",
        "CREATE TABLE someone_elses (x)",
    ],
)
def test_a_database_this_code_does_not_know_is_set_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, change: str
) -> None:
    database = Database.in_folder(tmp_path)
    ChatStates(database).save(1, {"state": {"operator": "smart"}}).result()
    database.close()
    with contextlib.closing(sqlite3.connect(tmp_path / FILENAME)) as other:
        other.execute(change)
    with caplog.at_level(logging.WARNING):
        database = Database.in_folder(tmp_path)
    [kept] = aside(tmp_path)
    assert str(kept) in caplog.text and "starting empty" in caplog.text
    assert database.read("PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert ChatStates(database).load() == {}  # a fresh file, in use
    ChatStates(database).save(2, {"state": {}}).result()
    assert stored(tmp_path) == '{"state": {}}'
    with sqlite3.connect(kept) as other:  # what was set aside is whole, for a person to look at
        assert other.execute("SELECT chat_id FROM chat_state").fetchall() == [(1,)]
