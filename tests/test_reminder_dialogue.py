"""Setting a 保号 reminder in the core, told as stories: push a message, read the reply."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.reminder_schedule import Schedule
from bot.core.replying.reminders import START, Draft, ReminderDialogue, ReminderTurn
from bot.core.replying.script import TRADITIONAL
from bot.core.replying.turn import ChatState

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)  # 12:00 in Manila and Beijing


@pytest.fixture(scope="module")
def dialogue(conversation: Conversation) -> ReminderDialogue:
    return ReminderDialogue(conversation)


def actions(turn: ReminderTurn) -> list[str]:
    return [b.action for b in turn.reply.buttons]


def labels(turn: ReminderTurn) -> list[str]:
    return [b.label for b in turn.reply.buttons]


def test_the_keep_number_and_top_up_answers_offer_a_reminder(conversation: Conversation) -> None:
    state = ChatState(operator="smart")
    for intent in ("keep_number", "topup_how"):
        turn = conversation.on_action(f"intent:{intent}", state)
        assert ("提醒我充值", START) in [(b.label, b.action) for b in turn.reply.buttons]
    assert START not in [b.action for b in conversation.on_action("intent:esim", state).reply.buttons]


def test_a_smart_card_by_its_sourced_rule(dialogue: ReminderDialogue) -> None:
    turn = dialogue.start()
    assert "哪家运营商" in turn.reply.text and "remind:op_smart" in actions(turn)
    turn = dialogue.on_action("remind:op_smart", turn.draft, NOW)
    assert "名字" in turn.reply.text and "不用发手机号" in turn.reply.text
    assert turn.draft is not None
    turn = dialogue.on_text("菲律宾卡", turn.draft, NOW)
    assert "上次是哪天充值" in turn.reply.text and "remind:last_unknown" in actions(turn)
    assert turn.draft is not None
    turn = dialogue.on_text("上个月15号", turn.draft, NOW)
    text = turn.reply.text
    assert "以运营商官方为准" in text and "2026-11-15" in text and "2027-11-15" in text
    # Each fact with its source: Smart's help page as it is, a source off the allowlist defanged.
    assert "help.smart.com.ph" in text and "dti[.]gov[.]ph" in text and "mb[.]com[.]ph" in text
    assert actions(turn)[:5] == [
        "remind:rule",
        "remind:every_1",
        "remind:every_2",
        "remind:every_3",
        "remind:every_6",
    ]
    assert turn.draft is not None
    turn = dialogue.on_action("remind:rule", turn.draft, NOW)
    line = turn.reply.text.splitlines()[0]
    assert (
        "上次充值 2026-11-15，到期 2027-11-15，提醒日 2027-10-16、2027-11-08、2027-11-14，都在 10 点" in line
    )
    assert turn.plan is None and turn.draft is not None
    turn = dialogue.on_text("好的", turn.draft, NOW)
    assert turn.draft is None and turn.plan is not None
    assert (turn.plan.operator, turn.plan.name, turn.plan.last_topup) == (
        "smart",
        "菲律宾卡",
        date(2026, 11, 15),
    )
    assert (turn.plan.due, turn.plan.hour, turn.plan.months) == (date(2027, 11, 15), 10, None)
    assert "/reminders" in turn.reply.text


def test_a_phone_number_for_a_name_is_not_needed_nor_kept(dialogue: ReminderDialogue) -> None:
    draft = Draft(step="name", operator="china_mobile")
    turn = dialogue.on_text("13912345678", draft, NOW)
    assert "不需要手机号" in turn.reply.text and turn.draft == draft
    turn = dialogue.on_text("我的卡 +63 917 123 4567", draft, NOW)
    assert "不需要手机号" in turn.reply.text and turn.draft == draft
    turn = dialogue.on_text("evil.com", draft, NOW)
    assert "不要链接" in turn.reply.text and turn.draft == draft


def test_a_chinese_card_by_an_interval_the_user_picks_and_an_hour(dialogue: ReminderDialogue) -> None:
    draft = Draft(step="last", operator="china_mobile", name="老家的号")
    turn = dialogue.on_text("两个月前", draft, NOW)
    assert "没有核实到全国统一的官方规定" in turn.reply.text and "remind:rule" not in actions(turn)
    assert labels(turn)[:4] == ["每 1 个月", "每 2 个月", "每 3 个月", "每 6 个月"]
    assert turn.draft is not None
    turn = dialogue.on_text("每3个月", turn.draft, NOW)
    assert "上次充值 2026-10-07，到期 2027-01-07" in turn.reply.text
    assert turn.draft is not None
    night = dialogue.on_text("凌晨3点", turn.draft, NOW)
    assert "夜里不发提醒" in night.reply.text
    turn = dialogue.on_text("晚上8点", turn.draft, NOW)
    assert "都在 20 点" in turn.reply.text and "remind:hour_20" not in actions(turn)
    assert turn.draft is not None
    turn = dialogue.on_action("remind:save", turn.draft, NOW)
    assert turn.plan is not None and turn.plan.hour == 20 and turn.plan.months == 3


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-02-30", "没有“2026-02-30”这一天"),
        ("2026-12-25", "2026-12-25 还没到"),
        ("哪天来着", "没看懂这个日期"),
    ],
)
def test_a_day_that_cannot_be_the_last_top_up_is_asked_again(
    dialogue: ReminderDialogue, typed: str, said: str
) -> None:
    draft = Draft(step="last", operator="smart", name="卡")
    turn = dialogue.on_text(typed, draft, NOW)
    assert said in turn.reply.text and turn.draft == draft


def test_an_ambiguous_day_is_picked_on_a_button(dialogue: ReminderDialogue) -> None:
    draft = Draft(step="last", operator="china_unicom", name="卡")
    turn = dialogue.on_text("7/12", draft, NOW)
    assert labels(turn)[:2] == ["2026-12-07", "2026-07-12"]
    assert turn.draft is not None
    turn = dialogue.on_action("remind:last_20260712", turn.draft, NOW)
    assert turn.draft is not None and turn.draft.last == date(2026, 7, 12) and turn.draft.step == "when"
    assert dialogue.on_action("remind:last_20260101", turn.draft, NOW).draft == turn.draft  # forged


def test_a_forgotten_day_counts_from_today(dialogue: ReminderDialogue) -> None:
    draft = Draft(step="last", operator="smart", name="卡")
    turn = dialogue.on_text("不记得了", draft, NOW)
    assert "从今天（2026-12-07）算起" in turn.reply.text and "2027-12-07" in turn.reply.text
    assert turn.draft is not None
    turn = dialogue.on_action("remind:every_6", turn.draft, NOW)
    assert "上次充值 不记得，到期 2027-06-07" in turn.reply.text


def test_a_traditional_chat_is_answered_in_its_script(dialogue: ReminderDialogue) -> None:
    turn = dialogue.start(script=TRADITIONAL)
    assert "運營商" in turn.reply.text or "營運商" in turn.reply.text
    assert turn.draft is not None
    turn = dialogue.on_text("smart", turn.draft, NOW)
    turn = dialogue.on_text("我的卡", turn.draft or Draft(), NOW)
    assert turn.draft is not None and turn.draft.step == "last"
    assert "記不清" in turn.reply.text and "不記得" in labels(turn)


def test_cancel_and_the_draft_kept_as_plain_values(dialogue: ReminderDialogue) -> None:
    draft = Draft(step="confirm", operator="smart", name="卡", last=date(2026, 11, 1), hour=18)
    assert dialogue.restore(draft.saved()) == draft
    assert dialogue.restore({"step": "confirm", "operator": "globe", "name": "x"}) == Draft()
    assert dialogue.restore("nonsense") is None
    turn = dialogue.on_text("算了", draft, NOW)
    assert turn.draft is None and turn.plan is None and "/remind" in turn.reply.text


def test_the_schedule_sends_once_after_a_stop_and_says_it_is_late() -> None:
    schedule = Schedule.fresh(date(2027, 1, 10), 10, NOW)  # 30 days before is 2026-12-11
    assert schedule.sent == frozenset() and schedule.dates()[0] == date(2026, 12, 11)
    assert schedule.due_now(NOW) is None
    # The bot was down from 2026-12-10 to the morning of 2027-01-05: the 30- and 7-day ones passed.
    back = datetime(2027, 1, 5, 1, 0, tzinfo=timezone.utc)
    sent = schedule.due_now(back)
    assert sent is not None and sent.late and sent.days_left == 5
    assert sent.after.sent == frozenset({30, 7}) and sent.after.due_now(back) is None
    on_time = sent.after.due_now(datetime(2027, 1, 9, 2, 0, 30, tzinfo=timezone.utc))
    assert on_time is not None and not on_time.late and on_time.days_left == 1
    assert on_time.after.next_send() is None


def test_a_short_cycle_gets_no_reminder_in_its_first_half(dialogue: ReminderDialogue) -> None:
    draft = Draft(step="when", operator="china_telecom", name="卡", last=date(2026, 12, 7))
    monthly = dialogue.on_action("remind:every_1", draft, NOW)
    assert "到期 2027-01-07，提醒日 2026-12-31、2027-01-06，" in monthly.reply.text
    every_two = dialogue.on_action("remind:every_2", draft, NOW)
    assert "提醒日 2027-01-08、2027-01-31、2027-02-06，" in every_two.reply.text
