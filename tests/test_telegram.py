"""End to end: the real Application against a Bot API stand-in on 127.0.0.1, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels.telegram import handlers
from bot.channels.telegram.app import RedactToken, build_application
from bot.channels.telegram.messages import chunks
from bot.core.replying.conversation import Conversation
from bot.devtools.telegram_standin import TOKEN, Call, StandIn
from bot.settings import Settings

CHAT = 501


@asynccontextmanager
async def running(
    conversation: Conversation,
    data_dir: Path,
    standin: StandIn | None = None,
    per_minute: int = 20,
    telegram_limits: bool = True,
    admins: frozenset[int] = frozenset(),
    content_root: Path | None = None,
) -> AsyncIterator[tuple[Application, StandIn]]:
    """Starts the stand-in and the bot the way run_polling does, and stops both cleanly."""
    own = standin is None
    standin = standin or await StandIn().start()
    settings = Settings(
        token=standin.token,
        base_url=standin.url,
        data_dir=data_dir,
        messages_per_minute=per_minute,
        admin_ids=admins,
    )
    app = build_application(conversation, settings, telegram_limits, content_root)
    assert app.updater is not None and app.post_init is not None
    await app.initialize()
    await app.post_init(app)

    def failed_poll(exc: TelegramError) -> None:  # as run_polling does: to the error handlers
        app.create_task(app.process_error(error=exc, update=None))

    await app.updater.start_polling(timeout=1, poll_interval=0, error_callback=failed_poll)
    await app.start()
    try:
        yield app, standin
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()  # writes the persistence file
        if own:
            await standin.stop()


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


def buttons(call: Call) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


def test_start_shows_the_welcome_and_menu(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            commands = standin.sent("setMyCommands")[0].params["commands"]
            described = conversation.answers.commands  # from _ui.yaml
            assert {c["command"]: c["description"] for c in commands} == described
            assert set(described) == {
                "start",
                "help",
                "menu",
                "operator",
                "reset",
                "check",
                "privacy",
                "forget",
                "remind",
                "reminders",
            }
            standin.push_text(CHAT, "/start")
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert "充值指南" in reply.params["text"] and reply.params["parse_mode"] == "HTML"
            labels = [label for label, _ in buttons(reply)]
            assert labels == [
                "怎么充值",
                "在哪充值",
                "防骗检查",
                "保号",
                "查余额",
                "充值没到账",
                "停机复机",
                "eSIM",
                "实名登记",
                "官方客服",
            ]
            standin.push_text(CHAT, "/help")
            help_reply = (await standin.wait_for(2, chat_id=CHAT))[1]
            assert "在群组里" in help_reply.params["text"]

    run(scenario)


def test_a_traditional_question_is_answered_in_its_script_to_the_end(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, "去營業廳增值使唔使帶身份證")
            [asked] = await standin.wait_for(1, chat_id=CHAT)
            assert "哪家運營商" in asked.params["text"]
            assert ("中國移動", "v1|operator:china_mobile") in buttons(asked)
            standin.push_button(CHAT, "v1|operator:china_mobile")
            answered = (await standin.wait_for(2, chat_id=CHAT))[1]
            text = answered.params["text"]
            assert "營業廳" in text and "身份證" in text and "10086" in text and "没" not in text
            assert ("怎麼充值", "v1|intent:topup_how") in buttons(answered)
            standin.push_text(CHAT, "呢個代充係咪騙局")
            verdict = (await standin.wait_for(3, chat_id=CHAT))[2]
            assert ("舉報渠道", "v1|more:scam_check") in buttons(verdict)
            standin.push_button(CHAT, "v1|more:scam_check")
            report = (await standin.wait_for(4, chat_id=CHAT))[3]
            assert "96110" in report.params["text"] and "舉報" in report.params["text"]

    run(scenario)


def test_a_question_is_answered(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, "Smart卡怎么充值？")
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert "my.smart.com.ph" in reply.params["text"]
            assert ("在哪充值", "v1|intent:topup_where") in buttons(reply)
            assert reply.params["link_preview_options"] == {"is_disabled": True}

    run(scenario)


def test_typing_shows_while_an_answer_is_slow(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.fail("sendMessage", 500, times=1)  # the retry makes this answer take 0.5 s
            standin.push_text(CHAT, "怎么保号")
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            [typing] = standin.sent("sendChatAction", CHAT)
            assert typing.params["action"] == "typing" and typing.at < reply.at
            standin.push_text(CHAT, "谢谢")  # a quick answer needs no indicator
            await standin.wait_for(2, chat_id=CHAT)
            await asyncio.sleep(0.3)
            assert len(standin.sent("sendChatAction", CHAT)) == 1

    run(scenario)


def test_operator_is_asked_chosen_and_remembered_after_a_restart(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        standin = await StandIn().start()
        async with running(conversation, tmp_path, standin):
            standin.push_text(CHAT, "客服电话多少")
            [ask] = await standin.wait_for(1, chat_id=CHAT)
            assert "哪家运营商" in ask.params["text"]
            assert ("中国联通", "v1|operator:china_unicom") in buttons(ask)
            standin.push_button(CHAT, "v1|operator:china_unicom")
            answered = (await standin.wait_for(2, chat_id=CHAT))[1]
            assert "10010" in answered.params["text"]
            assert standin.sent("answerCallbackQuery")
        assert (tmp_path / "bot.sqlite3").is_file()
        async with running(conversation, tmp_path, standin):  # a new Application, same data dir
            standin.push_text(CHAT, "怎么查余额")
            remembered = (await standin.wait_for(3, chat_id=CHAT))[2]
            assert "中国联通" in remembered.params["text"]
            standin.push_text(CHAT, "/reset")
            await standin.wait_for(4, chat_id=CHAT)
            standin.push_text(CHAT, "怎么查余额")
            asked_again = (await standin.wait_for(5, chat_id=CHAT))[4]
            assert "哪家运营商" in asked_again.params["text"]
            standin.push_text(CHAT, "/operator")
            choice = (await standin.wait_for(6, chat_id=CHAT))[5]
            assert len(buttons(choice)) == 4
        await standin.stop()

    run(scenario)


def test_button_tap_answers_the_query_then_replies(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_button(CHAT, "v1|intent:scam_check")
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            [answered] = standin.sent("answerCallbackQuery")
            assert answered.at <= reply.at and "慢充" in reply.params["text"]

    run(scenario)


@pytest.mark.parametrize(
    "data", ["v0|intent:topup_how", "v1|intent:../../etc", "v1|intent:nope", "garbage", "v1|"]
)
def test_stale_or_forged_callback_data_gets_a_polite_answer(
    conversation: Conversation, tmp_path: Path, data: str
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_button(CHAT, data)
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert "按钮已经过期" in reply.params["text"] and standin.sent("answerCallbackQuery")

    run(scenario)


def test_sticker_gets_a_note_and_edits_are_ignored(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_edit(CHAT, "怎么充值")
            standin.push_sticker(CHAT)
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert "只能读文字" in reply.params["text"] and len(buttons(reply)) == 10
            await asyncio.sleep(0.3)
            assert len(standin.sent(chat_id=CHAT)) == 1  # nothing for the edit

    run(scenario)


def test_a_10000_character_message(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, "充值没到账怎么办" + "啊" * 10_000)
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert len(reply.params["text"]) <= 4096

    run(scenario)


def test_groups_answer_only_when_addressed(conversation: Conversation, tmp_path: Path) -> None:
    group = -900

    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push({"message": standin.message(group, "group", text="怎么充值")})
            mention = "@TopupGuideBot 代充靠谱吗"
            standin.push(
                {
                    "message": standin.message(
                        group,
                        "group",
                        text=mention,
                        entities=[{"type": "mention", "offset": 0, "length": 14}],
                    )
                }
            )
            [reply] = await standin.wait_for(1, chat_id=group)
            assert "慢充" in reply.params["text"]
            bot_message = {
                **standin.message(group, "group", text="…"),
                "from": {"id": 424242, "is_bot": True, "first_name": "bot"},
            }
            standin.push(
                {"message": standin.message(group, "group", text="谢谢", reply_to_message=bot_message)}
            )
            replies = await standin.wait_for(2, chat_id=group)
            assert "不客气" in replies[1].params["text"]
            await asyncio.sleep(0.2)
            assert len(standin.sent(chat_id=group)) == 2  # the unaddressed question got nothing

    run(scenario)


def test_rate_limit_sends_one_notice(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path, per_minute=5) as (_, standin):
            for _ in range(9):
                standin.push_text(CHAT, "怎么保号")
            await standin.wait_for(6, chat_id=CHAT)
            await asyncio.sleep(0.5)
            texts = [c.params["text"] for c in standin.sent(chat_id=CHAT)]
            assert len(texts) == 6 and sum("稍等一分钟" in t for t in texts) == 1

    run(scenario)


def test_429_retry_after_is_honoured(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.fail("sendMessage", 429, times=1, retry_after=1)
            standin.push_text(CHAT, "怎么保号")
            [reply] = await standin.wait_for(1, chat_id=CHAT, timeout=15)
            [refused] = [c for c in standin.calls if c.method == "failed:sendMessage"]
            assert reply.at - refused.at >= 0.95

    run(scenario)


def test_server_errors_then_recovery(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.fail("getUpdates", 500, times=2)
            standin.fail("sendMessage", 500, times=2)
            standin.push_text(CHAT, "怎么查余额")
            [reply] = await standin.wait_for(1, chat_id=CHAT, timeout=30)
            assert "哪家运营商" in reply.params["text"]
            assert len([c for c in standin.calls if c.method == "failed:sendMessage"]) == 2

    run(scenario)


class Broken:
    """Stands in for the core and fails, as a bug would."""

    def __init__(self, real: Conversation) -> None:
        self.answers = real.answers
        self.menu = real.menu
        self.restore = real.restore

    def on_text(self, text: str, state: object) -> object:
        raise RuntimeError("boom")


def test_a_refused_command_menu_does_not_stop_the_bot(
    conversation: Conversation, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        standin = await StandIn().start()
        standin.fail("setMyCommands", 400)
        try:
            async with running(conversation, tmp_path, standin):
                standin.push_text(CHAT, "/start")
                [reply] = await standin.wait_for(1, chat_id=CHAT)
                assert "充值指南" in reply.params["text"]
        finally:
            await standin.stop()

    run(scenario)
    assert "Telegram refused the command menu" in caplog.text and "_ui.yaml" in caplog.text


def test_a_failing_handler_logs_without_secrets_and_apologises(
    conversation: Conversation, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret_question = "我的号码是13800000000 怎么充值"

    async def scenario() -> None:
        async with running(conversation, tmp_path) as (app, standin):
            app.bot_data[handlers.Deps.__name__].conversation = Broken(conversation)
            standin.push_text(CHAT, secret_question)
            [reply] = await standin.wait_for(1, chat_id=CHAT)
            assert "抱歉" in reply.params["text"]
            standin.push_text(CHAT, "/start")  # still running
            await standin.wait_for(2, chat_id=CHAT)

    with caplog.at_level(logging.ERROR):
        run(scenario)
    logged = caplog.text
    assert "exception while handling an update" in logged and "boom" in logged
    assert secret_question not in logged and "13800000000" not in logged


def test_the_token_is_redacted_from_logs() -> None:
    token = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST https://api/bot%s/getMe", (token,), None
    )
    RedactToken(token).filter(record)
    assert token not in record.getMessage() and "<token>" in record.getMessage()
    try:
        raise RuntimeError(f"request to /bot{token}/getMe failed")
    except RuntimeError as exc:
        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), (RuntimeError, exc, None))
    RedactToken(token).filter(failed)
    formatted = logging.Formatter().format(failed)
    assert "RuntimeError" in formatted and token not in formatted


def test_long_answers_are_split_and_escaped() -> None:
    text = "<b>官方</b> & 渠道\n" + ("第一行很长的内容。" * 100 + "\n") * 12
    pieces = chunks(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert pieces[0].startswith("&lt;b&gt;官方&lt;/b&gt; &amp; 渠道")
    one_line = chunks("&" * 5000)
    assert all(len(p) <= 4096 for p in one_line) and "".join(one_line) == "&amp;" * 5000


def test_telegram_command_without_a_token(tmp_path: Path) -> None:
    from tests.conftest import ROOT, run_cli

    result = run_cli("telegram", cwd=tmp_path, env={"BOT_CONTENT_DIR": str(ROOT), "TELEGRAM_BOT_TOKEN": ""})
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _bot_process(standin: StandIn, data_dir: Path, **env: str) -> asyncio.subprocess.Process:
    import os
    import sys

    from tests.conftest import ROOT

    full_env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": standin.token,
        "TELEGRAM_BASE_URL": standin.url,
        "BOT_DATA_DIR": str(data_dir),
        "BOT_CONTENT_DIR": str(ROOT),
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=full_env, cwd=data_dir, stderr=asyncio.subprocess.PIPE
    )


async def logged_by(process: asyncio.subprocess.Process, standin: StandIn) -> str:
    """Stops the bot (if it still runs) and the stand-in; what the bot wrote to stderr."""
    if process.returncode is None:
        process.kill()
    await standin.stop()
    assert process.stderr is not None
    return (await process.stderr.read()).decode()


def test_make_run_path_polls_and_sigterm_flushes_state(tmp_path: Path) -> None:
    """`python -m bot run` with a token: polling, a clean SIGTERM, the chat's state on disk.

    TELEGRAM_BASE_URL is given in python-telegram-bot's own form, ending in /bot (the other
    tests give the server's root)."""
    import json
    import signal
    import sqlite3

    async def scenario() -> None:
        standin = await StandIn().start()
        process = await _bot_process(standin, tmp_path, TELEGRAM_BASE_URL=f"{standin.url}/bot/")
        try:
            standin.push_text(CHAT, "怎么查余额")
            await standin.wait_for(1, chat_id=CHAT, timeout=30)
            standin.push_button(CHAT, "v1|operator:smart")
            await standin.wait_for(2, chat_id=CHAT)
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 30) == 0
        finally:
            log = await logged_by(process, standin)
        assert standin.token not in log and "怎么查余额" not in log
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            [(text,)] = db.execute("SELECT data FROM chat_state WHERE chat_id = ?", (CHAT,)).fetchall()
        assert json.loads(text)["state"] == {
            "operator": "smart",
            "pending": None,
            "channel": None,
            "detail": None,
            "script": "simplified",
            "place": None,
            "last": "balance_check",
            "last_channel": None,
            "last_detail": None,
            "verdict": None,
            "reasons": [],
            "situation": {
                "done": [],
                "scam": False,
                "asked_again": False,
                "lacks": [],
                "means": [],
                "number": [],
                "person": None,
                "owner": False,
                "person_place": None,
            },
            "said": [],
        }

    run(scenario)


async def last_words_of_a_failed_start(standin: StandIn, data_dir: Path, **env: str) -> str:
    """Starts the bot against the stand-in, expects it to give up (exit 2) and returns its last log
    line, after checking the log holds neither the token nor a traceback."""
    process = await _bot_process(standin, data_dir, **env)
    try:
        assert await asyncio.wait_for(process.wait(), 60) == 2
    finally:
        log = await logged_by(process, standin)
    assert TOKEN not in log and "Traceback" not in log
    return log.strip().splitlines()[-1]


def test_a_rejected_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    """The server answers 401 at start: one line saying what to do; no token, no traceback."""

    async def scenario() -> None:
        standin = await StandIn(token="111111:ANOTHERanotherANOTHERanotherANOTHER00").start()
        assert await last_words_of_a_failed_start(standin, tmp_path, TELEGRAM_BOT_TOKEN=TOKEN) == (
            "error: the Bot API at TELEGRAM_BASE_URL rejected TELEGRAM_BOT_TOKEN (401 Unauthorized); "
            "copy the token again from @BotFather"
        )

    run(scenario)


def test_webhook_mode(tmp_path: Path) -> None:
    """With WEBHOOK_URL set, updates arrive by HTTP POST (with the secret header) instead of polling."""
    import hashlib
    import json
    import urllib.error
    import urllib.request

    port = _free_port()

    async def scenario() -> None:
        standin = await StandIn().start()
        process = await _bot_process(
            standin, tmp_path, WEBHOOK_URL=f"http://127.0.0.1:{port}", PORT=str(port)
        )
        try:
            [hook] = await standin.wait_for(1, method="setWebhook", timeout=30)
            digest = hashlib.sha256(standin.token.encode()).hexdigest()
            assert (
                hook.params["url"] == f"http://127.0.0.1:{port}/{digest[:32]}"
                and standin.token not in hook.params["url"]
            )
            update = {"update_id": 1, "message": standin.message(CHAT, text="代充靠谱吗")}
            request = urllib.request.Request(
                hook.params["url"],
                data=json.dumps(update).encode(),
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": hook.params["secret_token"],
                },
            )
            # setWebhook can reach the stand-in a moment before the bot's server listens (seen on
            # a loaded machine): a refused connection is tried again for a few seconds.
            for attempt in range(50):
                try:
                    await asyncio.get_running_loop().run_in_executor(None, urllib.request.urlopen, request)
                    break
                except urllib.error.URLError as exc:
                    if not isinstance(exc.reason, ConnectionRefusedError) or attempt == 49:
                        raise
                    await asyncio.sleep(0.1)
            [reply] = await standin.wait_for(1, chat_id=CHAT, timeout=30)
            assert "慢充" in reply.params["text"]
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), 30)
            await standin.stop()

    run(scenario)


def test_a_data_dir_that_cannot_be_created(conversation: Conversation, tmp_path: Path) -> None:
    from bot.settings import SettingsError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = Settings(token="123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij", data_dir=blocker / "data")
    with pytest.raises(SettingsError, match="BOT_DATA_DIR"):
        build_application(conversation, settings)
