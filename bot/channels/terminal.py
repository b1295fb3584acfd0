"""The terminal adapter: a chat on stdin/stdout, with buttons as a numbered list."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.channels.reminder_buttons import is_reminder_button, listing, on_reminder_button
from bot.core.replying.conversation import Conversation
from bot.core.replying.reminders import START, Draft, ReminderDialogue, ReminderTexts, ReminderTurn
from bot.core.replying.turn import ChatState, Reply, Turn
from bot.settings import Settings
from bot.store.database import Database
from bot.store.records import Records
from bot.store.reminders import Reminders, utc_now

QUIT = "/quit 退出"
TERMINAL_CHAT = 0  # the terminal is one chat, as far as the records go


def show(reply: Reply, out: TextIO) -> None:
    out.write(reply.text + "\n")
    for number, button in enumerate(reply.buttons, start=1):
        out.write(f"  [{number}] {button.label}\n")
    out.write("\n")


def step(
    conversation: Conversation,
    line: str,
    state: ChatState,
    last: Reply | None,
    records: Records | None = None,
) -> Turn | None:
    """One user line → a Turn; None means the user wants to leave."""
    text = line.strip()
    if text in ("/quit", "/exit", "/q"):
        return None
    if text == "/start":
        return conversation.welcome(state)
    if text in ("/help", "/menu"):
        return conversation.menu(state)
    if text == "/operator":
        return conversation.ask_operator(state)
    if text == "/reset":
        return conversation.forget(state)
    if text == "/privacy":
        days = records.retention_days if records else Settings.retention_days
        return conversation.notice("privacy", state, days=str(days))
    if text == "/forget":
        if records is not None:
            records.forget(TERMINAL_CHAT)
        return conversation.notice("forgotten", ChatState())
    if text.startswith("/check"):
        return conversation.check(text.removeprefix("/check"), state)
    number = button_number(text)
    if last is not None and number is not None and 1 <= number <= len(last.buttons):
        return conversation.on_action(last.buttons[number - 1].action, state)
    return conversation.on_text(line, state)


class TerminalReminders:
    """保号提醒 in the terminal: /remind, /reminders, the dialogue, and the reminders due at start
    (the terminal is one chat; its reminders are shown when it opens, as Telegram would send them)."""

    def __init__(self, conversation: Conversation, store: Reminders, clock: Callable[[], datetime]) -> None:
        self.dialogue = ReminderDialogue(conversation)
        self.texts = ReminderTexts(conversation)
        self.store = store
        self.clock = clock
        self.draft: Draft | None = None

    def take(self, text: str, state: ChatState, last: Reply | None) -> Reply | None:
        """The reply when the line is the reminders' (a command, a button's number, an answer to the
        dialogue); None when it is not."""
        number = button_number(text)
        if last is not None and number is not None and 1 <= number <= len(last.buttons):
            action = last.buttons[number - 1].action
            return self.on_action(action, state) if action.startswith("remind:") else None
        if text == "/remind":
            return self._step(self.dialogue.start(state.place, state.script))
        if text == "/reminders":
            return listing(self.store, self.texts, TERMINAL_CHAT, state.script)
        if self.draft is None:
            return None
        if text.startswith("/"):  # a command ends the dialogue and runs as usual
            self.draft = None
            return None
        return self._step(self.dialogue.on_text(text, self.draft, self.clock()))

    def on_action(self, action: str, state: ChatState) -> Reply:
        now = self.clock()
        if is_reminder_button(action):
            return on_reminder_button(self.store, self.texts, TERMINAL_CHAT, action, now, state.script)
        if action == START or self.draft is None:
            return self._step(self.dialogue.start(state.place, state.script))
        return self._step(self.dialogue.on_action(action, self.draft, now))

    def due_now(self) -> list[Reply]:
        """The terminal's reminders due now, each marked sent as it is shown (whatever the hour:
        the user has just opened the chat)."""
        now = self.clock()
        shown = []
        for reminder in self.store.due(now):
            dispatch = reminder.schedule.due_now(now)
            if reminder.chat_id != TERMINAL_CHAT or dispatch is None:
                continue
            if self.store.claim(reminder, dispatch, now):
                late = dispatch.planned if dispatch.late else None
                shown.append(self.texts.due(reminder.kept(), dispatch.days_left, late, None))
        return shown

    def _step(self, turn: ReminderTurn) -> Reply:
        if turn.plan is not None:
            self.store.add(TERMINAL_CHAT, turn.plan, self.clock())
        self.draft = turn.draft
        return turn.reply


def button_number(text: str) -> int | None:
    """Typing a button's number taps it: 1 to 999, in any script's digits (３ from a Chinese keyboard).

    isdecimal, not isdigit: ¹ and ① are digits that int() refuses; and a short number only, as
    int() refuses thousands of digits too.
    """
    return int(text) if text.isdecimal() and len(text) <= 3 else None


def chat(
    conversation: Conversation,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    records: Records | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> int:
    interactive = stdin.isatty()
    state = ChatState()
    turn = conversation.welcome(state)
    show(turn.reply, out)
    commands = conversation.answers.commands
    names = ("menu", "operator", "reset", "remind", "reminders", "privacy", "forget")
    listed = [f"/{name} {commands[name]}" for name in names]
    out.write("命令：" + "，".join([*listed, QUIT]) + "\n\n")
    last = turn.reply
    # Without a data folder the reminders live as long as the chat (an in-memory store).
    database = records.database if records is not None else Database(Path(":memory:"))
    reminders = TerminalReminders(conversation, Reminders(database), clock)
    due = reminders.due_now()
    if due:
        out.write(conversation.answers.ui("remind_terminal_due") + "\n")
    for shown in due:
        show(shown, out)
        last = shown
    while True:
        if interactive:
            out.write("你：")
            out.flush()
        line = stdin.readline()
        if not line:
            break
        if (reply := reminders.take(line.strip(), state, last)) is not None:
            show(reply, out)
            last = reply
            continue
        if line.strip() == "/forget":
            reminders.store.forget(TERMINAL_CHAT)
        taken = step(conversation, line.rstrip("\n"), state, last, records)
        if taken is None:
            break
        if records is not None:  # as the Telegram adapter does: records.py decides what is kept
            records.record("terminal", TERMINAL_CHAT, taken)
        state, last = taken.state, taken.reply
        show(taken.reply, out)
        out.flush()
    out.write("再见！\n")
    return 0
