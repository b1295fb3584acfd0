"""保号提醒 in the terminal chat: set and list one, and see it when the chat opens on its day."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from bot.channels.terminal import chat
from bot.core.replying.conversation import Conversation
from bot.store.database import Database
from bot.store.records import open_records

SET_AT = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)
THIRTY_DAYS_BEFORE = datetime(2027, 10, 16, 3, 0, tzinfo=timezone.utc)  # 11:00 UTC+8


def session(conversation: Conversation, folder: Path, lines: list[str], now: datetime) -> str:
    records = open_records(
        Database.in_folder(folder), conversation.answers.texts, conversation.classifier.normalize, 30
    )
    out = io.StringIO()
    chat(conversation, io.StringIO("".join(f"{line}\n" for line in lines)), out, records, clock=lambda: now)
    return out.getvalue()


def test_set_list_and_shown_once_when_due(conversation: Conversation, tmp_path: Path) -> None:
    typed = ["/remind", "1", "菲律宾卡", "上个月15号", "1", "保存", "/reminders", "Smart怎么充值"]
    shown = session(conversation, tmp_path, typed, SET_AT)
    assert "/remind 设一个保号提醒" in shown
    assert "上次充值 2026-11-15，到期 2027-11-15" in shown and "已保存" in shown
    assert "“菲律宾卡”（Smart（菲律宾））到期 2027-11-15，10 点提醒" in shown
    assert "[1] 取消“菲律宾卡”" in shown
    assert "my.smart.com.ph" in shown  # questions are answered again after the dialogue
    assert "到期提醒" not in session(conversation, tmp_path, [], SET_AT)
    due = session(conversation, tmp_path, ["1"], THIRTY_DAYS_BEFORE)
    assert "到期提醒" in due and "30 天后（2027-11-15）到期" in due and "晚了" in due
    assert "下一次到期 2028-10-16" in due  # "1" tapped 我充好了
    again = session(conversation, tmp_path, ["/reminders"], THIRTY_DAYS_BEFORE)
    assert "到期提醒" not in again and "⏰" not in again and "到期 2028-10-16" in again


def test_forget_removes_the_terminal_s_reminders(conversation: Conversation, tmp_path: Path) -> None:
    typed = ["/remind", "2", "老家的号", "不记得", "每3个月", "好", "/forget", "/reminders"]
    shown = session(conversation, tmp_path, typed, SET_AT)
    assert "从今天（2026-12-07）算起" in shown and "已保存" in shown
    assert shown.rstrip().endswith("再见！") and "你还没有设提醒" in shown
