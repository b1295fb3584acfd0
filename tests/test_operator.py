"""The operator's view: what people asked that the bot could not answer, with nothing personal kept."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.build import build
from bot.channels.telegram.callback_data import encode
from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.devtools.report import render
from bot.store.database import FILENAME, Database
from bot.store.masking import Masker
from bot.store.records import Records, cut, open_records, outcome_of
from bot.store.report import build_report
from tests.conftest import run_cli
from tests.test_content_errors import edit, line_of
from tests.test_telegram import CHAT, buttons, run, running

ADMIN = CHAT  # in a private chat the sender's id is the chat's (see the stand-in)


def one_more_example(root: Path) -> str:
    """What a reload reports after the test adds one greeting example to the content at root."""
    intents = build(root).classifier.matcher.intents
    examples = sum(len(i.examples) for i in intents.values())
    return f"意图 {len(intents)} → {len(intents)}，例句 {examples} → {examples + 1}"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我的号码13800138000充不进去", "我的号码[电话]充不进去"),
        ("菲律宾号 09171234567 和 +63 917 123 4567", "菲律宾号 [电话] 和 [电话]"),
        ("香港 +852 9123 4567", "香港 [电话]"),
        ("１３８００１３８０００", "[电话]"),
        ("验证码是 482913 吗", "验证码是 [数字] 吗"),
        ("身份证 11010519491231002X", "身份证 [身份证号]"),
        ("护照 E12345678 可以吗", "护照 [证件号] 可以吗"),
        ("卡密 12345678901234 输错了", "卡密 [数字] 输错了"),
        ("卡号 4111 1111 1111 1111", "卡号 [银行卡号]"),
        ("邮箱 li.lei+sim@qq.com", "邮箱 [邮箱]"),
        ("打 10086 问过了，充了 50 元", "打 10086 问过了,充了 50 元"),
    ],
)
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert Masker({"10086"})(text) == masked


SECRETS = ["13800138000", "482913", "11010519491231002X", "E12345678", "li.lei@qq.com", "12345678901234"]
# Each ends in the fallback or an unsure answer, so each is kept with its (masked) text.
QUESTIONS = [
    "我的号码13800138000今天天气怎么样",
    "验证码482913 是什么意思呢 蛋炒饭",
    "11010519491231002X 和 E12345678 是什么星座",
    "li.lei@qq.com 今天天气怎么样",
    "卡密12345678901234 和蛋炒饭哪个好吃",
]


def everything_kept(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


def test_questions_are_recorded_masked_and_reported(
    conversation: Conversation, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            for number, question in enumerate(QUESTIONS, start=1):
                standin.push_text(CHAT, question)
                await standin.wait_for(number, chat_id=CHAT)
            standin.push_text(CHAT + 1, "Smart卡怎么充值")  # a sure answer: counted, its text not kept
            await standin.wait_for(1, chat_id=CHAT + 1)

    with caplog.at_level(logging.INFO):  # the bot's level (python-telegram-bot logs whole updates at DEBUG)
        run(scenario)
    kept = everything_kept(tmp_path) + caplog.text.encode()
    for secret in SECRETS:
        assert secret.encode() not in kept, secret
    assert str(CHAT).encode() + b"," not in kept  # no chat id in the records (chat_state keys by id)

    result = run_cli("report", "--format", "json", "--days", "1", env={"BOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"] == 6 and report["answers_per_intent"]["topup_how"] >= 1
    examples = {group["example"] for group in report["unanswered"]}
    assert examples == {
        "[身份证号] 和 [证件号] 是什么星座",
        "[邮箱] 今天天气怎么样",
        "我的号码[电话]今天天气怎么样",
        "卡密[数字] 和蛋炒饭哪个好吃",
        "验证码[数字] 是什么意思呢 蛋炒饭",
    }
    assert all(group["closest_intent"] for group in report["unanswered"])


def test_stats_for_an_admin_and_nothing_for_anyone_else(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path, admins=frozenset({ADMIN})) as (_, standin):
            standin.push_text(ADMIN, "今天天气怎么样")
            await standin.wait_for(1, chat_id=ADMIN)
            standin.push_text(ADMIN, "/stats")
            stats = (await standin.wait_for(2, chat_id=ADMIN))[1].params["text"]
            assert "今天：1 个问题，兜底率 100%" in stats and "今天天气怎么样" in stats
            other = ADMIN + 5
            standin.push_text(other, "/stats")
            [refused] = await standin.wait_for(1, chat_id=other)
            assert refused.params["text"] == conversation.menu(ChatState()).reply.text

    run(scenario)


def test_reload_refuses_a_broken_edit_and_takes_a_good_one(content_copy: Path, tmp_path: Path) -> None:
    conversation = build(content_copy)
    expected = one_more_example(content_copy)
    path = content_copy / "intents" / "greeting.yaml"
    data_dir = tmp_path / "data"

    async def scenario() -> None:
        async with running(conversation, data_dir, admins=frozenset({ADMIN}), content_root=content_copy) as (
            _,
            standin,
        ):
            broken_line = line_of(content_copy, "intents/greeting.yaml", "  - 你好呀\n")
            edit(content_copy, "intents/greeting.yaml", "  - 你好呀\n", "\t- 你好呀\n")
            standin.push_text(ADMIN, "/reload")
            [refused] = await standin.wait_for(1, chat_id=ADMIN, timeout=30)
            assert "仍在使用之前的版本" in refused.params["text"]
            assert f"{path}:{broken_line}" in refused.params["text"]
            standin.push_text(ADMIN, "代充靠谱吗")  # still answered, by the version it had
            assert "慢充" in (await standin.wait_for(2, chat_id=ADMIN))[1].params["text"]

            edit(content_copy, "intents/greeting.yaml", "\t- 你好呀\n", "  - 你好呀\n  - 早上好呀朋友\n")
            standin.push_text(ADMIN, "/reload")
            done = (await standin.wait_for(3, chat_id=ADMIN, timeout=30))[2].params["text"]
            assert "已重新载入" in done and expected in done

    run(scenario)


def test_forget_removes_the_chats_records_and_state(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_button(CHAT, "v1|operator:smart")
            standin.push_text(CHAT, "今天天气怎么样")
            standin.push_text(CHAT + 1, "今天天气怎么样")
            await standin.wait_for(2, chat_id=CHAT)
            await standin.wait_for(1, chat_id=CHAT + 1)
            standin.push_text(CHAT, "/privacy")
            privacy = (await standin.wait_for(3, chat_id=CHAT))[2]
            assert "30 天后自动删除" in privacy.params["text"] and buttons(privacy)
            standin.push_text(CHAT, "/forget")
            forgotten = (await standin.wait_for(4, chat_id=CHAT))[3].params["text"]
            assert "已删除" in forgotten
            with sqlite3.connect(tmp_path / FILENAME) as db:
                assert (
                    db.execute("SELECT chat_id FROM chat_state WHERE chat_id = ?", (CHAT,)).fetchall() == []
                )
                assert db.execute("SELECT COUNT(*) FROM question").fetchone() == (1,)  # the other chat's
            standin.push_text(CHAT, "怎么查余额")  # the operator is forgotten too
            assert "哪家运营商" in (await standin.wait_for(5, chat_id=CHAT))[4].params["text"]

    run(scenario)


def test_records_expire_after_the_retention(conversation: Conversation, tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    database = Database.in_folder(tmp_path)
    records = Records(database, Masker(), conversation.classifier.normalize, b"k" * 32, 30, lambda: now[0])
    turn = conversation.on_text("今天天气怎么样", ChatState())
    records.record("terminal", 1, turn)
    now[0] += 29 * 86400
    records.record("terminal", 1, turn)
    assert database.read("SELECT COUNT(*) FROM question") == [(2,)]
    now[0] += 2 * 86400  # a new day: the first row is 31 days old
    records.record("terminal", 1, turn)
    assert database.read("SELECT COUNT(*) FROM question") == [(2,)]


def test_how_a_turn_ended(conversation: Conversation) -> None:
    state = ChatState()
    assert outcome_of(conversation.on_text("今天天气怎么样", state)) == "fallback"
    assert outcome_of(conversation.on_text("Smart卡怎么充值", state)) == "answered"
    assert outcome_of(conversation.menu(state)) is None  # not a typed question


def test_report_formats(conversation: Conversation, tmp_path: Path) -> None:
    database = Database.in_folder(tmp_path)
    records = open_records(database, conversation.answers.texts, conversation.classifier.normalize, 30)
    for question in ["今天天气怎么样", "今天天气怎么样", "打10086问过了 你是谁", "Smart卡怎么充值"]:
        records.record("terminal", 1, conversation.on_text(question, ChatState()))
    report = build_report(database, records.day(6), records.day())
    assert report.unanswered[0].count == 2 and report.unanswered[0].example == "今天天气怎么样"
    table = render(report, "table")
    assert "fallback rate" in table and "今天天气怎么样" in table
    csv_text = render(report, "csv")
    assert csv_text.splitlines()[0] == "part,key,count,detail,example,closest_intent,topup_channel"
    assert any(line.startswith("unanswered,") and ",2," in line for line in csv_text.splitlines())
    page = render(report, "html")
    assert "<svg" in page and "今天天气怎么样" in page
    assert "src=" not in page and "href=" not in page and "<script" not in page  # one file, no network


def test_the_terminal_records_too(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    env = {"BOT_DATA_DIR": str(tmp_path), "BOT_CONTENT_DIR": str(ROOT)}
    chat = run_cli("chat", stdin="今天天气怎么样\n我的号码13800138000\n/quit\n", env=env)
    assert chat.returncode == 0, chat.stderr
    result = run_cli("report", "--format", "json", env=env)
    examples = [group["example"] for group in json.loads(result.stdout)["unanswered"]]
    assert "今天天气怎么样" in examples and "我的号码[电话]" in examples
    assert b"13800138000" not in everything_kept(tmp_path)
    forgot = run_cli("chat", stdin="/privacy\n/forget\n/quit\n", env=env)
    assert "30 天后自动删除" in forgot.stdout and "已删除" in forgot.stdout
    assert json.loads(run_cli("report", "--format", "json", env=env).stdout)["questions"] == 0


# What a person does in either channel, in order: tap the menu's first button, type a scam
# advert (高), a question about a private seller (中), /check a message of their own (低), ask
# about a channel entity and about an operator the bot does not cover, ask something it cannot answer.
HIGH = "有人卖慢充话费，加微信 13912345678 靠谱吗"
MEDIUM = "电报上有个人说能帮忙充Smart，联系 zhang.san@163.com 靠谱吗"
LOW = "明天下午三点开会 我的号码15811112222"
STORY = [HIGH, MEDIUM, f"/check {LOW}", "支付宝能给Smart充值吗", "Globe卡怎么充值", "今天天气怎么样"]
STORY_SECRETS = [b"13912345678", b"zhang.san@163.com", b"15811112222", LOW.split()[0].encode()]


def kept_rows(folder: Path) -> list[tuple[object, ...]]:
    """Every record, without what differs between channels (the adapter's name, the chat's hash)."""
    with sqlite3.connect(folder / FILENAME) as db:
        questions = db.execute(
            "SELECT day, outcome, intent, confidence, operator, nearest, text, topup_channel, uncovered"
            " FROM question ORDER BY id"
        ).fetchall()
        verdicts = db.execute("SELECT day, level, flags, operator, text FROM verdict ORDER BY id").fetchall()
    return [*questions, *verdicts]


def test_verdicts_taps_and_channels_are_recorded_the_same_in_both_channels(
    conversation: Conversation, tmp_path: Path
) -> None:
    first = conversation.menu(ChatState()).reply.buttons[0].action
    telegram_dir, terminal_dir = tmp_path / "telegram", tmp_path / "terminal"
    telegram_dir.mkdir()

    async def scenario() -> None:
        async with running(conversation, telegram_dir, admins=frozenset({ADMIN})) as (_, standin):
            standin.push_button(ADMIN, encode(first))
            await standin.wait_for(1, chat_id=ADMIN)
            for number, text in enumerate(STORY, start=2):
                standin.push_text(ADMIN, text)
                await standin.wait_for(number, chat_id=ADMIN)
            standin.push_text(ADMIN, "/stats")
            stats = (await standin.wait_for(len(STORY) + 2, chat_id=ADMIN))[-1].params["text"]
            assert "今天的诈骗判断：高 1，中 1，低 1" in stats
            assert "今天：3 个问题" in stats  # the tap and the verdicts are not typed questions

    run(scenario)
    from tests.conftest import ROOT

    env = {"BOT_DATA_DIR": str(terminal_dir), "BOT_CONTENT_DIR": str(ROOT)}
    chat = run_cli("chat", stdin="\n".join(["1", *STORY, "/quit"]) + "\n", env=env)
    assert chat.returncode == 0, chat.stderr

    rows = kept_rows(telegram_dir)
    assert rows == kept_rows(terminal_dir)  # one code path: the same turns keep the same rows
    for secret in STORY_SECRETS:
        assert secret not in everything_kept(telegram_dir), secret
        assert secret not in everything_kept(terminal_dir), secret
    with sqlite3.connect(telegram_dir / FILENAME) as db:
        texts = dict(db.execute("SELECT level, text FROM verdict").fetchall())
    assert texts["high"] is not None and "[电话]" in texts["high"]
    assert texts["medium"] is not None and "[邮箱]" in texts["medium"]
    assert texts["low"] is None  # a harmless-looking message keeps no text at all

    result = run_cli("report", "--format", "json", "--days", "1", env={"BOT_DATA_DIR": str(telegram_dir)})
    report = json.loads(result.stdout)
    [today] = report["verdicts"]
    assert (today["high"], today["medium"], today["low"], today["total"]) == (1, 1, 1, 3)
    assert {"slow_topup", "private_seller"} <= set(report["verdict_flags"])
    assert report["questions"] == 3 and report["days"][0]["taps"] == 1
    assert report["answers_per_intent"][first.removeprefix("intent:")] >= 1  # the tap counts as an answer
    assert report["questions_per_topup_channel"] == {"alipay": 1}
    assert report["uncovered_operators"] == {"globe": 1}


def test_report_shows_verdicts_per_level_per_day(conversation: Conversation, tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    database = Database.in_folder(tmp_path)
    records = Records(database, Masker(), conversation.classifier.normalize, b"k" * 32, 30, lambda: now[0])
    for text in [HIGH, HIGH, MEDIUM]:
        records.record("terminal", 1, conversation.on_text(text, ChatState()))
    now[0] += 86400
    records.record("terminal", 1, conversation.check(LOW, ChatState()))
    records.record("terminal", 1, conversation.on_text("在淘宝怎么充联通话费", ChatState()))
    report = build_report(database, records.day(1), records.day())
    assert [(v.day, v.high, v.medium, v.low) for v in report.verdicts] == [
        (records.day(1), 2, 1, 0),
        (records.day(), 0, 0, 1),
    ]
    assert report.verdict_flags["slow_topup"] == 2
    table = render(report, "table")
    assert f"{records.day(1)}       2       1       0" in table and "ecommerce 1" in table
    csv_lines = render(report, "csv").splitlines()
    assert f'verdicts,{records.day(1)},3,"high 2, medium 1, low 0",,,' in csv_lines
    assert "topup_channel,ecommerce,1,,,," in csv_lines
    page = render(report, "html")
    assert "Scam verdicts per day" in page and "slow_topup" in page and "ecommerce" in page
    records.forget(1)
    assert build_report(database, records.day(1), records.day()).verdicts == []  # /forget takes them too
    records.record("terminal", 1, conversation.on_text(HIGH, ChatState()))
    now[0] += 31 * 86400
    records.record("terminal", 1, conversation.on_text(HIGH, ChatState()))
    assert database.read("SELECT COUNT(*) FROM verdict") == [(1,)]  # and they expire


def test_a_cut_leaves_no_half_of_an_address_or_number() -> None:
    text = "联系 zhang.san@163.com 或 13912345678 谢谢"
    assert cut(text, 12) == "联系 "  # "zhang.san" alone would pass the masker as a word
    assert cut(text, 27) == "联系 zhang.san@163.com 或 "
    assert cut(text, 20) == "联系 zhang.san@163.com"  # the cut meets a space: nothing cut through
    assert cut(text, 100) == text


def test_report_without_records_or_days(tmp_path: Path) -> None:
    result = run_cli("report", env={"BOT_DATA_DIR": str(tmp_path / "none")})
    assert result.returncode == 2 and "no records" in result.stderr
    result = run_cli("report", "--days", "0", env={"BOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "--days must be 1 or more" in result.stderr


def test_sighup_reloads_the_content(content_copy: Path, tmp_path: Path) -> None:
    """The same reload as /reload, on SIGHUP: a broken edit is refused (and logged with its line),
    a sound one is taken."""
    import asyncio
    import signal

    from bot.devtools.telegram_standin import StandIn
    from tests.test_telegram import _bot_process

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    expected = one_more_example(content_copy)

    async def next_reload(stderr: asyncio.StreamReader) -> str:
        while b"SIGHUP:" not in (line := await stderr.readline()):
            assert line, "the bot stopped"
        return line.decode()

    async def scenario() -> None:
        standin = await StandIn().start()
        process = await _bot_process(standin, data_dir, BOT_CONTENT_DIR=str(content_copy))
        assert process.stderr is not None
        try:
            await standin.wait_for(1, method="setMyCommands", timeout=30)
            edit(content_copy, "intents/greeting.yaml", "  - 你好呀\n", "\t- 你好呀\n")
            process.send_signal(signal.SIGHUP)
            refused = await asyncio.wait_for(next_reload(process.stderr), 30)
            assert "内容有错误，仍在使用之前的版本" in refused
            where = (await process.stderr.readline()).decode()
            assert where.startswith(f"{content_copy / 'intents' / 'greeting.yaml'}:")
            edit(content_copy, "intents/greeting.yaml", "\t- 你好呀\n", "  - 你好呀\n  - 早上好呀朋友\n")
            process.send_signal(signal.SIGHUP)
            taken = await asyncio.wait_for(next_reload(process.stderr), 30)
            assert f"已重新载入：{expected}" in taken
            standin.push_text(CHAT, "代充靠谱吗")
            await standin.wait_for(1, chat_id=CHAT, timeout=30)
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), 30)
            await standin.stop()

    asyncio.run(scenario())
