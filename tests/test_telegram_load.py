"""Many chats at once, and a Bot API that refuses: no chat waits for another, no message goes unanswered."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.channels.telegram import rate_limiter
from bot.channels.telegram.messages import chunks
from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.devtools.telegram_standin import StandIn
from tests.test_telegram import CHAT, run, running

SLOW_CHAT = 777


def test_a_chat_waiting_out_a_429_does_not_hold_up_the_others(
    conversation: Conversation, tmp_path: Path
) -> None:
    others = range(3000, 3020)

    async def scenario() -> None:
        async with running(conversation, tmp_path, per_minute=100) as (_, standin):
            standin.fail("sendMessage", 429, retry_after=3, chat_id=SLOW_CHAT)
            standin.push_text(SLOW_CHAT, "代充靠谱吗")
            [refused] = await standin.wait_for(1, method="failed:sendMessage", chat_id=SLOW_CHAT)
            for _ in range(40):  # the waiting chat keeps writing: its messages queue, taking no slot
                standin.push_text(SLOW_CHAT, "在吗")
            for chat in others:
                standin.push_text(chat, "怎么保号")
            answered = [(await standin.wait_for(1, chat_id=chat))[0] for chat in others]
            slow = await standin.wait_for(41, chat_id=SLOW_CHAT, timeout=30)
            assert slow[0].at - refused.at >= 3  # the slow chat waited as Telegram asked
            # ... and every other chat was answered while it waited.
            assert max(reply.at for reply in answered) < refused.at + 3

    run(scenario)


def test_eight_server_errors_in_a_row_then_the_answer(
    conversation: Conversation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rate_limiter, "RETRY_DELAYS", (0.05,))  # the waits, not the attempts, shortened

    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.fail("sendMessage", 500, times=8)
            standin.push_text(CHAT, "代充靠谱吗")
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert "慢充" in reply.params["text"]
            assert len(standin.sent("failed:sendMessage", CHAT)) == 8

    run(scenario)


def test_an_unknown_command_gets_the_help(conversation: Conversation, tmp_path: Path) -> None:
    group = -901

    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, "/foo")
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert reply.params["text"] == conversation.menu(ChatState()).reply.text
            standin.push({"message": standin.message(group, "group", text="/foo", entities=_command(4))})
            standin.push(
                {"message": standin.message(group, "group", text="/foo@OtherBot", entities=_command(13))}
            )
            standin.push(
                {"message": standin.message(group, "group", text="/foo@TopupGuideBot", entities=_command(18))}
            )
            [in_group] = await standin.wait_for(1, chat_id=group)
            assert in_group.params["text"] == reply.params["text"]
            await asyncio.sleep(0.3)
            assert len(standin.sent(chat_id=group)) == 1  # commands for other bots are theirs

    run(scenario)


def _command(length: int) -> list[dict[str, object]]:
    return [{"type": "bot_command", "offset": 0, "length": length}]


BURST = ["代充靠谱吗", "smart卡怎么充值", "1", "谢谢", "今天天气怎么样"]


def test_a_burst_of_100_chats_is_answered_in_order(conversation: Conversation, tmp_path: Path) -> None:
    """100 chats send 5 messages each at once: every message is answered, each chat's in order."""
    chats = range(5000, 5100)
    expected: list[str] = []
    state = ChatState()
    for text in BURST:
        turn = conversation.on_text(text, state)
        expected.extend(chunks(turn.reply.text))
        state = turn.state

    async def scenario() -> None:
        standin = await StandIn().start()
        try:
            # Telegram's 30 messages a second is lifted: its waits are not what is tested here.
            async with running(conversation, tmp_path, standin, telegram_limits=False):
                for round_ in BURST:
                    for chat in chats:
                        standin.push_text(chat, round_)
                await standin.wait_for(len(chats) * len(BURST), timeout=60)
                for chat in chats:
                    assert [c.params["text"] for c in standin.sent(chat_id=chat)] == expected, chat
        finally:
            await standin.stop()

    run(scenario)
