"""What a chat was told is remembered stays remembered: through a kill, a bad disk, an old file."""

from __future__ import annotations

import asyncio
import logging
import pickle
import signal
from pathlib import Path

import pytest

from bot.core.replying.conversation import Conversation
from bot.devtools.telegram_standin import StandIn
from bot.store.database import FILENAME
from tests.test_telegram import CHAT, _bot_process, run, running

OPERATORS = ("smart", "china_mobile", "china_unicom", "china_telecom")
HOTLINES = {"smart": "*888", "china_mobile": "10086", "china_unicom": "10010", "china_telecom": "10000"}


class RunsCode:
    """Unpickling this creates a file: the proof that a pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_an_old_pickle_is_never_loaded(conversation: Conversation, tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    (tmp_path / "chats.pickle").write_bytes(pickle.dumps({"chat_data": {CHAT: RunsCode(marker)}}))

    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, "/start")
            await standin.wait_for(1, chat_id=CHAT)

    run(scenario)
    assert not marker.exists()


def test_a_store_that_cannot_be_written_still_answers_and_remembers_in_memory(
    conversation: Conversation, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / FILENAME).mkdir()  # as a read-only or broken BOT_DATA_DIR would be

    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_button(CHAT, "v1|operator:china_unicom")
            await standin.wait_for(1, chat_id=CHAT)
            standin.push_text(CHAT, "客服电话多少")
            replies = await standin.wait_for(2, chat_id=CHAT)
            assert "10010" in replies[1].params["text"]
            for chat in range(600, 610):
                standin.push_button(chat, "v1|operator:smart")
                await standin.wait_for(1, chat_id=chat)

    with caplog.at_level(logging.WARNING):
        run(scenario)
    [logged] = [r for r in caplog.records if r.name.startswith("bot.store")]
    assert logged.getMessage().startswith(f"cannot open {tmp_path / FILENAME}")


def test_a_confirmed_choice_survives_sigkill_mid_burst(tmp_path: Path) -> None:
    """Three times, 100 chats choose an operator and the bot is killed while answering them.
    After the last restart, every chat that was told its choice is remembered still has it."""
    confirmed: set[int] = set()

    async def scenario() -> None:
        standin = await StandIn().start()
        try:
            for kill in range(3):
                process = await _bot_process(standin, tmp_path)  # starts on what the last kill left
                before = len(standin.sent())
                chats = range(1000 + kill * 100, 1100 + kill * 100)
                for chat in chats:
                    standin.push_button(chat, f"v1|operator:{OPERATORS[chat % 4]}")
                await standin.wait_for(before + 20, timeout=60)
                process.send_signal(signal.SIGKILL)
                await process.wait()
                told = {int(c.params["chat_id"]) for c in standin.sent()} - confirmed
                assert 20 <= len(told) < len(chats), "the kill came after the burst"
                confirmed.update(told)

            process = await _bot_process(standin, tmp_path)
            try:
                asked = len(standin.sent())
                for chat in confirmed:
                    standin.push_text(chat, "客服电话多少")
                await standin.wait_for(asked + len(confirmed), timeout=60)
            finally:
                process.terminate()
                await asyncio.wait_for(process.wait(), 30)
            lost = [
                chat
                for chat in confirmed
                if HOTLINES[OPERATORS[chat % 4]] not in standin.sent(chat_id=chat)[-1].params["text"]
            ]
            assert lost == []
        finally:
            await standin.stop()

    run(scenario)


def test_a_follow_up_is_read_against_the_answer_given_before_a_restart(
    conversation: Conversation, tmp_path: Path
) -> None:
    # The verdict's red flags are kept with the chat: "为什么" after a restart still explains it.
    advert = "【话费8折秒到】100元只需80元，支持USDT，联系TG @huafei_vip888"

    async def verdict() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, advert)
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert reply.params["text"].startswith("风险：高")

    async def why() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, "为什么")
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            text = reply.params["text"]
            assert "骗局信号" in text and "USDT" in text and "huafei_vip888" not in text

    run(verdict)
    run(why)


def test_another_process_holding_the_write_lock_does_not_stall_the_chats(
    conversation: Conversation, tmp_path: Path
) -> None:
    """Before: every write waited out the 2 s busy timeout on the event loop, one after the
    other (20 chats: 80 s). Now the replies go out while the lock is held, and the choices land
    once it is released."""
    import sqlite3

    async def scenario() -> None:
        async with running(conversation, tmp_path) as (app, standin):
            holder = sqlite3.connect(tmp_path / FILENAME, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # a report, a backup, another bot: the write lock
            try:
                chats = range(700, 720)
                for chat in chats:
                    standin.push_button(chat, f"v1|operator:{OPERATORS[chat % 4]}")
                for chat in chats:
                    await standin.wait_for(1, chat_id=chat, timeout=10)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            database = app.persistence.database  # type: ignore[union-attr]
            assert await asyncio.get_running_loop().run_in_executor(None, database.flush, 30)
            with sqlite3.connect(tmp_path / FILENAME) as other:
                saved = dict(other.execute("SELECT chat_id, data FROM chat_state").fetchall())
            assert sorted(saved) == list(chats)
            assert all(OPERATORS[chat % 4] in saved[chat] for chat in chats)

    run(scenario)
