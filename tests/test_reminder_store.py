"""保号 reminders in the store: kept across a restart, each message claimed once, removed on request."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bot.core.replying.reminders import Plan
from bot.devtools.report import render
from bot.store.database import MIGRATIONS, Database
from bot.store.reminders import ACTIVE, STOPPED, Reminders
from bot.store.report import build_report
from tests.conftest import ROOT, run_cli

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)  # 12:00 UTC+8
PLAN = Plan("smart", "菲律宾卡", date(2026, 1, 20), None, date(2027, 1, 20), 10, "philippines")


def test_the_schema_is_migrated_to_the_last_step(tmp_path: Path) -> None:
    database = Database.in_folder(tmp_path)
    assert database.read("PRAGMA user_version")[0][0] == len(MIGRATIONS)
    plan = database.read(
        "EXPLAIN QUERY PLAN SELECT id FROM reminder WHERE next_send <= 5 AND next_send IS NOT NULL"
    )
    assert "reminder_next_send" in str(plan)


def test_a_reminder_survives_a_restart_and_each_message_is_claimed_once(tmp_path: Path) -> None:
    store = Reminders(Database.in_folder(tmp_path))
    reminder_id = store.add(501, PLAN, NOW)
    assert reminder_id is not None
    [kept] = Reminders(Database.in_folder(tmp_path)).of_chat(501)  # another process, the same file
    assert (kept.name, kept.schedule.due, kept.state, kept.last_topup) == (
        "菲律宾卡",
        date(2027, 1, 20),
        ACTIVE,
        PLAN.last_topup,
    )
    assert store.due(NOW) == []
    at_30 = datetime(2026, 12, 21, 2, 0, tzinfo=timezone.utc)  # 10:00 UTC+8, 30 days before
    [due] = store.due(at_30)
    dispatch = due.schedule.due_now(at_30)
    assert dispatch is not None and not dispatch.late
    assert store.claim(due, dispatch, at_30)
    assert not store.claim(due, dispatch, at_30)  # read twice, or by a second checker: sent once
    assert store.due(at_30) == []
    [after] = store.of_chat(501)
    assert after.schedule.sent == frozenset({30}) and after.cycle_sends == 1


def test_a_failed_send_is_released_and_a_blocked_chat_stopped(tmp_path: Path) -> None:
    store = Reminders(Database.in_folder(tmp_path))
    store.add(501, PLAN, NOW)
    later = datetime(2027, 1, 19, 3, 0, tzinfo=timezone.utc)
    [due] = store.due(later)
    dispatch = due.schedule.due_now(later)
    assert dispatch is not None and dispatch.late and dispatch.after.sent == frozenset({30, 7, 1})
    assert store.claim(due, dispatch, later)
    store.release(due, later)
    [again] = store.due(later)
    assert again.schedule.sent == frozenset() and again.next_send == due.next_send
    store.stop(again, later)
    assert store.due(later + timedelta(days=400)) == []
    assert store.of_chat(501)[0].state == STOPPED
    [counts] = store.counts()
    assert (counts.active, counts.stopped, counts.sent, counts.late) == (0, 1, 0, 1)


def test_done_starts_the_next_cycle_and_snooze_adds_a_message(tmp_path: Path) -> None:
    store = Reminders(Database.in_folder(tmp_path))
    store.add(501, PLAN, NOW)
    at_7 = datetime(2027, 1, 13, 2, 0, tzinfo=timezone.utc)
    [due] = store.due(at_7)
    dispatch = due.schedule.due_now(at_7)
    assert dispatch is not None and store.claim(due, dispatch, at_7)
    [sent] = store.of_chat(501)
    moved = store.done(sent, at_7)
    assert (
        moved is not None
        and moved.schedule.due == date(2028, 1, 13)
        and moved.last_topup == date(2027, 1, 13)
    )
    assert moved.cycle == 2 and moved.schedule.sent == frozenset()
    assert store.done(sent, at_7) is None  # the old message's button, tapped again
    snoozed = store.snooze(moved, at_7)
    assert snoozed is not None and snoozed.schedule.snooze == datetime(2027, 1, 20, 2, 0, tzinfo=timezone.utc)
    [counts] = store.counts()
    assert (counts.active, counts.sent, counts.done) == (1, 1, 1)


def test_cancel_is_for_the_chat_s_own_and_forget_removes_all(tmp_path: Path) -> None:
    store = Reminders(Database.in_folder(tmp_path))
    first = store.add(501, PLAN, NOW)
    store.add(501, PLAN, NOW)
    store.add(777, PLAN, NOW)
    assert first is not None
    assert store.cancel(first, 777, NOW) is None  # another chat's id on a forged button
    assert store.cancel(first, 501, NOW) is not None
    assert len(store.of_chat(501)) == 1
    store.forget(501)
    assert store.of_chat(501) == [] and len(store.of_chat(777)) == 1


def test_report_counts_reminders_per_operator(tmp_path: Path) -> None:
    store = Reminders(Database.in_folder(tmp_path))
    store.add(501, PLAN, NOW)
    store.add(502, Plan("china_mobile", "老家", None, 3, date(2027, 3, 7), 10, None), NOW)
    at_30 = datetime(2026, 12, 21, 2, 0, tzinfo=timezone.utc)
    [due] = store.due(at_30)
    dispatch = due.schedule.due_now(at_30)
    assert dispatch is not None and store.claim(due, dispatch, at_30)
    [sent] = store.of_chat(501)
    store.done(sent, at_30)
    report = build_report(Database.in_folder(tmp_path), "2026-12-01", "2026-12-31")
    assert [(r.operator, r.active, r.sent, r.done) for r in report.reminders] == [
        ("china_mobile", 1, 0, 0),
        ("smart", 1, 1, 1),
    ]
    table = render(report, "table")
    assert "保号 reminders" in table and "smart" in table
    assert "reminders,smart,1," in render(report, "csv")
    assert json.loads(render(report, "json"))["reminders"][1]["done"] == 1
    assert "保号 reminders per operator" in render(report, "html")


def test_python_m_bot_report_counts_a_reminder_set_in_the_terminal(tmp_path: Path) -> None:
    env = {"BOT_DATA_DIR": str(tmp_path), "BOT_CONTENT_DIR": str(ROOT)}
    chat = run_cli("chat", stdin="/remind\n1\n菲律宾卡\n昨天\n1\n保存\n/quit\n", env=env)
    assert chat.returncode == 0 and "已保存" in chat.stdout, chat.stderr
    result = run_cli("report", "--format", "json", env=env)
    [smart] = json.loads(result.stdout)["reminders"]
    assert (smart["operator"], smart["active"], smart["sent"]) == ("smart", 1, 0)
