"""The group guard over Telegram (the real Application against the Bot API stand-in): a group's
admins switch it on, and a 高 message there gets one short warning as a reply."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from telegram.ext import Application

from bot.channels.telegram.guard import WARN_EVERY, Guard
from bot.core.replying.conversation import Conversation
from bot.devtools.report import render
from bot.devtools.telegram_standin import BOT_USER, Call, StandIn
from bot.store.database import FILENAME, Database
from bot.store.report import build_report
from tests.test_risk import SAMPLE_HANDLE, sample_lines
from tests.test_telegram import run, running

GROUP = -100_611
BOT_ID = int(str(BOT_USER["id"]))
ADMIN, MEMBER = 71, 72
ADVERT = "菲律宾Smart代充8折，秒到账，加飞机 @cheap_load_ph 私聊，先付款后充值"
ORDINARY = "大家好，今天 Smart 有促销吗？"
MEDIUM = "有没有人需要TNT load？我这有多的卡，原价出，可以面交。"


class Clock:
    """The guard's clock, moved by the test: no test waits for the seconds between warnings."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guarded_group(standin: StandIn) -> None:
    standin.admins[GROUP] = {ADMIN}
    standin.can_read_all_group_messages = True


def warnings(standin: StandIn) -> list[Call]:
    return [c for c in standin.sent(chat_id=GROUP) if c.params["text"].startswith("⚠️ 防骗提醒")]


async def switched_on(app: Application, standin: StandIn) -> Clock:  # type: ignore[type-arg]
    """The group's admin has switched the guard on; the guard's clock is the test's."""
    clock = Clock()
    app.bot_data[Guard.__name__].clock = clock
    guarded_group(standin)
    standin.push_group(GROUP, ADMIN, "/guard on")
    assert "已开启" in await said(standin, 1)
    return clock


async def said(standin: StandIn, count: int) -> str:
    """The text of the bot's `count`-th message in the group, once it is sent."""
    return (await standin.wait_for(count, chat_id=GROUP))[count - 1].params["text"]


def test_only_the_groups_admins_switch_the_guard_and_it_survives_a_restart(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            guarded_group(standin)
            standin.push_group(GROUP, MEMBER, "/guard on")
            assert "只有群管理员" in await said(standin, 1)
            asked = standin.sent("getChatMember")[-1].params
            assert int(asked["chat_id"]) == GROUP and int(asked["user_id"]) == MEMBER
            standin.push_group(GROUP, MEMBER, "/guard")
            assert "未开启" in await said(standin, 2)
            standin.push_group(GROUP, ADMIN, "/guard on")
            assert "已开启" in await said(standin, 3)
            standin.push_group(GROUP, MEMBER, "/guard off")
            assert "只有群管理员" in await said(standin, 4)
        async with running(conversation, tmp_path) as (_, standin):
            guarded_group(standin)
            standin.push_group(GROUP, MEMBER, "/guard")
            assert "已开启" in await said(standin, 1)
            standin.push_group(GROUP, MEMBER, ADVERT)
            assert (await said(standin, 2)).startswith("⚠️ 防骗提醒")
            standin.push_group(GROUP, ADMIN, "/guard off")
            assert "已关闭" in await said(standin, 3)
            standin.push_group(GROUP, MEMBER, ADVERT)
            standin.push_group(GROUP, MEMBER, "/guard")
            assert "未开启" in await said(standin, 4)
            assert len(warnings(standin)) == 1

    run(scenario)


def test_a_high_advert_gets_one_short_reply_to_it_and_nothing_else_does(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (app, standin):
            clock = await switched_on(app, standin)
            standin.push_group(GROUP, MEMBER, ORDINARY)
            standin.push_group(GROUP, MEMBER, MEDIUM)
            advert = standin.push_group(GROUP, MEMBER, sample_lines()[0])
            warning = await said(standin, 2)
            [call] = warnings(standin)
            assert call.params["reply_parameters"]["message_id"] == advert
            lines = warning.splitlines()
            assert lines[0].startswith("⚠️ 防骗提醒（风险：高）")
            assert sum(line.startswith("· ") for line in lines) == 2
            assert lines[-1].startswith("正规做法")
            assert SAMPLE_HANDLE not in warning and "t.me" not in warning and "http" not in warning
            assert len(warning) <= 400 and call.params["link_preview_options"]["is_disabled"] is True
            # A picture's caption and a forward are read too, each once the few seconds are over.
            clock.now += WARN_EVERY
            standin.push_group(GROUP, MEMBER, caption=ADVERT)
            assert (await said(standin, 3)).startswith("⚠️ 防骗提醒")
            clock.now += WARN_EVERY
            standin.push_group(GROUP, MEMBER, ADVERT, forwarded=True)
            assert (await said(standin, 4)).startswith("⚠️ 防骗提醒")
            standin.push_group(GROUP, MEMBER, "/guard")
            await said(standin, 5)
            assert len(warnings(standin)) == 3

    run(scenario)


def test_a_burst_of_ten_adverts_gets_one_warning_per_few_seconds(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (app, standin):
            clock = await switched_on(app, standin)
            for _ in range(10):
                standin.push_group(GROUP, MEMBER, ADVERT)
            standin.push_group(GROUP, MEMBER, "/guard")  # answered after the ten, in order
            await said(standin, 3)
            assert len(warnings(standin)) == 1
            clock.now += WARN_EVERY - 0.1  # not yet
            standin.push_group(GROUP, MEMBER, ADVERT)
            standin.push_group(GROUP, MEMBER, "/guard")
            await said(standin, 4)
            assert len(warnings(standin)) == 1
            clock.now += 0.1
            for _ in range(10):
                standin.push_group(GROUP, MEMBER, ADVERT)
            standin.push_group(GROUP, MEMBER, "/guard")
            await said(standin, 6)
            assert len(warnings(standin)) == 2
        # The operator's report counts the warnings per group, and nothing of the messages is kept.
        database = Database(tmp_path / FILENAME)
        report = build_report(database, "2000-01-01", "2999-12-31")
        assert list(report.guard_warnings.values()) == [2]
        assert "group guard warnings" in render(report, "table") and "guard_warnings" in render(report, "csv")
        database.close()
        with sqlite3.connect(tmp_path / FILENAME) as connection:
            dump = "\n".join(connection.iterdump())
        assert "cheap_load_ph" not in dump and "代充" not in dump and str(GROUP) in dump

    run(scenario)


def test_guard_on_says_how_to_let_the_bot_see_the_groups_messages(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.admins[GROUP] = {ADMIN}  # privacy mode on (the stand-in's getMe), the bot no admin
            standin.push_group(GROUP, ADMIN, "/guard on")
            text = await said(standin, 1)
            assert "/setprivacy" in text and "管理员" in text
            standin.admins[GROUP].add(BOT_ID)  # made an admin: it sees every message
            standin.push_group(GROUP, ADMIN, "/guard on")
            assert "已开启" in await said(standin, 2)
            standin.push_text(611, "/guard on")  # in a private chat
            [private] = await standin.wait_for(1, chat_id=611)
            assert "群" in private.params["text"]

    run(scenario)
