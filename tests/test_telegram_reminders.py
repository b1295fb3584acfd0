"""保号提醒 on Telegram, end to end: the real Application against the Bot API stand-in, over HTTP,
with a clock the test moves (no sleeps): set a reminder, get it at its time, act on its buttons."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.channels.telegram import reminders
from bot.core.replying.conversation import Conversation
from bot.core.replying.reminders import Plan
from bot.devtools.telegram_standin import Call, StandIn
from bot.store.database import Database
from bot.store.reminders import STOPPED, Reminders
from tests.test_telegram import running as telegram_running

ROOT = Path(__file__).resolve().parent.parent
CHAT = 611
ADMIN = 99
START = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)  # Monday 12:00 in Manila and Beijing


class Clock:
    """The time the bot reads; the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def to(self, moment: datetime) -> None:
        self.now = moment


@asynccontextmanager
async def running(
    conversation: Conversation, data_dir: Path, clock: Clock
) -> AsyncIterator[tuple[Application, StandIn]]:
    """The bot as tests/test_telegram.py runs it, reading the test's clock from its first due check
    on (the check right after start reads the real clock and finds nothing: no reminder is set yet)."""
    async with telegram_running(conversation, data_dir, admins=frozenset({ADMIN})) as (app, standin):
        reminders.reminder_deps(app).clock = clock
        yield app, standin


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


def buttons(call: Call) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


def data_of(call: Call, label: str) -> str:
    return dict(buttons(call))[label]


class Chat:
    """One user: what they send, and the bot's replies as they come."""

    def __init__(self, standin: StandIn, chat_id: int = CHAT) -> None:
        self.standin, self.chat_id, self.seen = standin, chat_id, len(standin.sent(chat_id=chat_id))

    async def says(self, text: str) -> Call:
        self.standin.push_text(self.chat_id, text)
        return await self.reply()

    async def taps(self, data: str) -> Call:
        self.standin.push_button(self.chat_id, data)
        return await self.reply()

    async def reply(self) -> Call:
        self.seen += 1
        return (await self.standin.wait_for(self.seen, chat_id=self.chat_id))[-1]


async def set_smart_reminder(chat: Chat) -> Call:
    """/remind → Smart → a name → 上个月15号 → the rule → save."""
    asked = await chat.says("/remind")
    named = await chat.taps(data_of(asked, "Smart（菲律宾）"))
    assert "名字" in named.params["text"]
    when = await chat.says("菲律宾卡")
    assert "上次是哪天充值" in when.params["text"]
    rule = await chat.says("上个月15号")
    assert "以运营商官方为准" in rule.params["text"] and "help.smart.com.ph" in rule.params["text"]
    confirm = await chat.taps("v1|remind:rule")
    assert "上次充值 2026-11-15，到期 2027-11-15" in confirm.params["text"]
    return await chat.taps("v1|remind:save")


def test_set_by_remind_sent_at_its_time_and_moved_by_done(conversation: Conversation, tmp_path: Path) -> None:
    clock = Clock(START)

    async def scenario() -> None:
        async with running(conversation, tmp_path, clock) as (app, standin):
            chat = Chat(standin)
            saved = await set_smart_reminder(chat)
            assert "已保存" in saved.params["text"]
            listed = await chat.says("/reminders")
            assert "“菲律宾卡”（Smart（菲律宾））到期 2027-11-15，10 点提醒" in listed.params["text"]
            assert buttons(listed) == [("取消“菲律宾卡”", "v1|remind:cancel_1")]
            # The morning 30 days before: 2027-10-16 10:00 UTC+8.
            clock.to(datetime(2027, 10, 16, 2, 0, tzinfo=timezone.utc))
            assert await reminders.send_due(app) == 1
            message = await chat.reply()
            text = message.params["text"]
            assert "保号提醒" in text and "30 天后（2027-11-15）到期" in text and "晚了" not in text
            assert "my.smart.com.ph" in text  # the official ways for the operator
            assert [label for label, _ in buttons(message)] == ["我充好了", "一周后再提醒", "不再提醒"]
            assert await reminders.send_due(app) == 0  # checked again: nothing more
            clock.to(datetime(2027, 10, 20, 3, 0, tzinfo=timezone.utc))
            done = await chat.taps(data_of(message, "我充好了"))
            assert "今天（2027-10-20）充过。下一次到期 2028-10-20" in done.params["text"]
            again = await chat.taps(data_of(message, "我充好了"))  # the old message's button once more
            assert "2028-10-20" in again.params["text"] and "今天" not in again.params["text"]
            admin = Chat(standin, ADMIN)
            stats = await admin.says("/stats")
            assert "Smart（菲律宾）：1 / 1 / 0 / 1 / 0" in stats.params["text"]

    run(scenario)


@pytest.mark.parametrize(
    ("question", "button_under"),
    [("smart卡怎么保号", "keep_number"), ("smart卡怎么充值", "topup_how")],
)
def test_set_from_the_button_under_an_answer(
    conversation: Conversation, tmp_path: Path, question: str, button_under: str
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path, Clock(START)) as (_, standin):
            chat = Chat(standin)
            answer = await chat.says(question)
            assert ("提醒我充值", "v1|remind:start") in buttons(answer), button_under
            asked = await chat.taps("v1|remind:start")
            assert "哪家运营商" in asked.params["text"]
            named = await chat.taps(data_of(asked, "中国移动"))
            refused = await chat.says("13912345678")
            assert "不需要手机号" in refused.params["text"] and "13912345678" not in refused.params["text"]
            when = await chat.says("老家的号")
            assert "名字" in named.params["text"] and "上次是哪天" in when.params["text"]
            which = await chat.says("7/12")
            assert [label for label, _ in buttons(which)][:2] == ["2026-12-07", "2026-07-12"]
            interval = await chat.taps("v1|remind:last_20260712")
            assert "没有核实到全国统一的官方规定" in interval.params["text"]
            confirm = await chat.taps("v1|remind:every_6")
            assert "上次充值 2026-07-12，到期 2027-01-12" in confirm.params["text"]
            confirm = await chat.says("晚上8点")
            assert "都在 20 点" in confirm.params["text"]
            await chat.says("好")
            [kept] = Reminders(Database.in_folder(tmp_path)).of_chat(CHAT)
            assert (kept.operator, kept.name, kept.months, kept.schedule.hour) == (
                "china_mobile",
                "老家的号",
                6,
                20,
            )
            assert "13912345678" not in str(kept)

    run(scenario)


@pytest.mark.parametrize(
    ("typed", "last"),
    [
        ("2026-12-07", "2026-12-07"),
        ("2026/11/7", "2026-11-07"),
        ("12月1日", "2026-12-01"),
        ("上個月15號", "2026-11-15"),
        ("三天前", "2026-12-04"),
        ("yesterday", "2026-12-06"),
        ("Nov 30", "2026-11-30"),
        ("不记得", "不记得"),
    ],
)
def test_each_way_of_typing_the_last_top_up(
    conversation: Conversation, tmp_path: Path, typed: str, last: str
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path, Clock(START)) as (_, standin):
            chat = Chat(standin)
            asked = await chat.says("/remind")
            await chat.taps(data_of(asked, "中国联通"))
            await chat.says("联通卡")
            await chat.says(typed)
            confirm = await chat.taps("v1|remind:every_1")
            assert f"上次充值 {last}，" in confirm.params["text"]

    run(scenario)


def test_an_impossible_or_future_day_is_asked_again_and_the_chat_goes_on(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path, Clock(START)) as (_, standin):
            chat = Chat(standin)
            asked = await chat.says("/remind")
            await chat.taps(data_of(asked, "中国电信"))
            await chat.says("电信")
            assert "没有“2026-02-30”这一天" in (await chat.says("2026-02-30")).params["text"]
            assert "还没到" in (await chat.says("2027-01-01")).params["text"]
            # A command ends the dialogue; questions are answered again.
            await chat.says("/menu")
            answer = await chat.says("电信卡怎么充值")
            assert "189.cn" in answer.params["text"] or "10000" in answer.params["text"]

    run(scenario)


def test_cancel_and_forget_remove_reminders(conversation: Conversation, tmp_path: Path) -> None:
    clock = Clock(START)

    async def scenario() -> None:
        async with running(conversation, tmp_path, clock) as (app, standin):
            chat = Chat(standin)
            await set_smart_reminder(chat)
            await set_smart_reminder(chat)
            listed = await chat.says("/reminders")
            cancelled = await chat.taps(buttons(listed)[0][1])
            assert "已取消“菲律宾卡”的提醒" in cancelled.params["text"]
            assert len(Reminders(Database.in_folder(tmp_path)).of_chat(CHAT)) == 1
            gone = await chat.taps(buttons(listed)[0][1])
            assert "已经不在了" in gone.params["text"]
            forgotten = await chat.says("/forget")
            assert "提醒" in forgotten.params["text"]
            assert Reminders(Database.in_folder(tmp_path)).of_chat(CHAT) == []
            assert "还没有设提醒" in (await chat.says("/reminders")).params["text"]
            clock.to(datetime(2027, 10, 16, 2, 0, tzinfo=timezone.utc))
            assert await reminders.send_due(app) == 0
            privacy = await chat.says("/privacy")
            assert "你起的名字" in privacy.params["text"] and "聊天 ID" in privacy.params["text"]

    run(scenario)


def test_a_week_later_and_never_at_night(conversation: Conversation, tmp_path: Path) -> None:
    clock = Clock(START)

    async def scenario() -> None:
        async with running(conversation, tmp_path, clock) as (app, standin):
            chat = Chat(standin)
            await set_smart_reminder(chat)
            clock.to(datetime(2027, 11, 7, 16, 0, tzinfo=timezone.utc))  # 00:00 UTC+8, after the 7-day time
            assert await reminders.send_due(app) == 0  # night: it waits
            clock.to(datetime(2027, 11, 8, 0, 30, tzinfo=timezone.utc))  # 08:30 UTC+8
            assert await reminders.send_due(app) == 1
            message = await chat.reply()
            assert "晚了" in message.params["text"] and "7 天后" in message.params["text"]
            later = await chat.taps(data_of(message, "一周后再提醒"))
            assert "2027-11-15 再提醒你" in later.params["text"]
            clock.to(datetime(2027, 11, 14, 2, 0, tzinfo=timezone.utc))  # the 1-day one
            assert await reminders.send_due(app) == 1
            assert "1 天后" in (await chat.reply()).params["text"]
            clock.to(datetime(2027, 11, 15, 2, 0, tzinfo=timezone.utc))  # the week is up
            assert await reminders.send_due(app) == 1
            snoozed = await chat.reply()
            assert "已经到了或过了" in snoozed.params["text"]
            stop = await chat.taps(data_of(snoozed, "不再提醒"))
            assert "不再提醒" in stop.params["text"]
            assert Reminders(Database.in_folder(tmp_path)).of_chat(CHAT) == []

    run(scenario)


def test_a_user_who_blocked_the_bot_is_not_retried(conversation: Conversation, tmp_path: Path) -> None:
    clock = Clock(START)

    async def scenario() -> None:
        async with running(conversation, tmp_path, clock) as (app, standin):
            await set_smart_reminder(Chat(standin))
            standin.fail("sendMessage", 403, times=1000, chat_id=CHAT)
            clock.to(datetime(2027, 10, 16, 2, 0, tzinfo=timezone.utc))
            assert await reminders.send_due(app) == 0
            assert len(standin.sent("failed:sendMessage", chat_id=CHAT)) == 1
            for days in (1, 30, 60):
                clock.to(datetime(2027, 10, 16, 2, 0, tzinfo=timezone.utc) + timedelta(days=days))
                await reminders.send_due(app)
            assert len(standin.sent("failed:sendMessage", chat_id=CHAT)) == 1
            [kept] = Reminders(Database.in_folder(tmp_path)).of_chat(CHAT)
            assert kept.state == STOPPED

    run(scenario)


def test_a_server_error_is_retried_and_a_refused_chat_stopped(
    conversation: Conversation, tmp_path: Path
) -> None:
    clock = Clock(START)

    async def scenario() -> None:
        async with running(conversation, tmp_path, clock) as (app, standin):
            chat = Chat(standin)
            await set_smart_reminder(chat)
            standin.fail("sendMessage", 500, times=1, chat_id=CHAT)
            clock.to(datetime(2027, 10, 16, 2, 0, tzinfo=timezone.utc))
            assert await reminders.send_due(app) == 1  # the send path's own retry delivers it
            assert "保号提醒" in (await chat.reply()).params["text"]
            standin.fail("sendMessage", 400, times=1, chat_id=CHAT)  # "chat not found": no retry
            clock.to(datetime(2027, 11, 8, 2, 0, tzinfo=timezone.utc))
            assert await reminders.send_due(app) == 0
            [kept] = Reminders(Database.in_folder(tmp_path)).of_chat(CHAT)
            assert kept.state == STOPPED

    run(scenario)


# ---- one that fell due while the bot was down: sent once, then SIGKILL and a restart --------------

DOWN_SINCE = datetime(2026, 10, 1, 2, 0, tzinfo=timezone.utc)
DUE = date(2026, 12, 20)  # its 30-day message (2026-11-20) passed while the bot was down
BACK = "2026-12-07T04:00:00+00:00"

BOT_PROCESS = """
import logging, sys
from datetime import datetime
from pathlib import Path
from bot.build import build
from bot.channels.telegram import reminders
from bot.channels.telegram.app import build_application
from bot.settings import Settings
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
root, cache, url, token, data, now = sys.argv[1:]
settings = Settings(token=token, base_url=url, data_dir=Path(data))
app = build_application(build(Path(root), Path(cache)), settings)
reminders.reminder_deps(app).clock = lambda: datetime.fromisoformat(now)
app.run_polling(poll_interval=0, timeout=1)
"""


def _store_a_reminder_due_while_down(data_dir: Path) -> None:
    database = Database.in_folder(data_dir)
    plan = Plan("smart", "菲律宾卡", date(2025, 12, 20), None, DUE, 10, None)
    Reminders(database).add(CHAT, plan, DOWN_SINCE)
    database.close()


async def _bot(script: Path, cache_dir: Path, standin: StandIn, data_dir: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    args = [str(ROOT), str(cache_dir), standin.url, standin.token, str(data_dir), BACK]
    return await asyncio.create_subprocess_exec(
        sys.executable, str(script), *args, cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )


async def _first_check(process: asyncio.subprocess.Process) -> str:
    """The line the bot logs after its first due check."""
    assert process.stderr is not None
    said = []
    while line := await asyncio.wait_for(process.stderr.readline(), 60):
        if b"due check 1)" in line:
            return line.decode()
        said.append(line.decode(errors="replace"))
    raise AssertionError("the bot ended before its first due check:\n" + "".join(said[-20:]))


def test_one_due_while_down_is_sent_once_late_and_not_again_after_sigkill(
    conversation: Conversation, tmp_path: Path, cache_dir: Path
) -> None:
    script = tmp_path / "bot_process.py"
    script.write_text(BOT_PROCESS)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _store_a_reminder_due_while_down(data_dir)

    async def scenario() -> None:
        standin = await StandIn().start()
        first = await _bot(script, cache_dir, standin, data_dir)
        try:
            assert "reminders: 1 sent" in await _first_check(first)
            [late] = await standin.wait_for(1, chat_id=CHAT, timeout=60)
            assert "晚了" in late.params["text"] and "2026-11-20 10:00" in late.params["text"]
            assert "13 天后（2026-12-20）" in late.params["text"]
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        second = await _bot(script, cache_dir, standin, data_dir)
        try:
            assert "reminders: 0 sent" in await _first_check(second)
            standin.push_text(CHAT, "/reminders")
            listed = (await standin.wait_for(2, chat_id=CHAT, timeout=60))[1]
            assert "菲律宾卡" in listed.params["text"]
            assert len(standin.sent(chat_id=CHAT)) == 2  # the late reminder once, then the list
        finally:
            second.send_signal(signal.SIGKILL)
            await second.wait()
            await standin.stop()

    run(scenario)
