"""The terminal adapter: a chat on stdin/stdout, with buttons as a numbered list."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Reply, Turn
from bot.settings import Settings
from bot.store.records import Records

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
) -> int:
    interactive = stdin.isatty()
    state = ChatState()
    turn = conversation.welcome(state)
    show(turn.reply, out)
    commands = conversation.answers.commands
    listed = [f"/{name} {commands[name]}" for name in ("menu", "operator", "reset", "privacy", "forget")]
    out.write("命令：" + "，".join([*listed, QUIT]) + "\n\n")
    last = turn.reply
    while True:
        if interactive:
            out.write("你：")
            out.flush()
        line = stdin.readline()
        if not line:
            break
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
