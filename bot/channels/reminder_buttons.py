"""The buttons under a stored 保号 reminder and in its list, for every adapter (terminal, Telegram).

我充好了 starts the next cycle from today, 一周后再提醒 adds one message a week on, 不再提醒 and a
list's cancel delete it. A button is honoured only for the chat's own reminder, and 我充好了 or
一周后再提醒 only for the cycle it was sent in (an old message tapped again gets the list).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.replying.reminder_schedule import local_today
from bot.core.replying.reminders import ReminderTexts
from bot.core.replying.turn import Reply
from bot.store.reminders import Reminders

KINDS = ("done", "later", "stop", "cancel")


def is_reminder_button(action: str) -> bool:
    return action.removeprefix("remind:").partition("_")[0] in KINDS


def listing(store: Reminders, texts: ReminderTexts, chat_id: int, script: str | None) -> Reply:
    return texts.listing([r.kept() for r in store.of_chat(chat_id)], script)


def on_reminder_button(
    store: Reminders, texts: ReminderTexts, chat_id: int, action: str, now: datetime, script: str | None
) -> Reply:
    """ "remind:<kind>_<id>[_<cycle>]" tapped in this chat: the reply, the store changed first."""
    kind, _, value = action.removeprefix("remind:").partition("_")
    number, _, cycle = value.partition("_")
    reminder = store.get(int(number), chat_id) if number.isdecimal() else None
    if reminder is None:
        return texts.say("remind_gone", script)
    if kind in ("stop", "cancel"):
        store.cancel(reminder.id, chat_id, now)
        said = "remind_stopped" if kind == "stop" else "remind_cancelled"
        return texts.say(said, script, card=reminder.name)
    if cycle != str(reminder.cycle):  # a button of a cycle already moved on (tapped twice)
        return listing(store, texts, chat_id, script)
    if kind == "done" and (moved := store.done(reminder, now)) is not None:
        today = local_today(now).isoformat()
        return texts.say("remind_done", script, today=today, due=moved.schedule.due.isoformat())
    if kind == "later" and (later := store.snooze(reminder, now)) and later.schedule.snooze is not None:
        return texts.say("remind_later", script, day=local_today(later.schedule.snooze).isoformat())
    return texts.say("remind_gone", script)
