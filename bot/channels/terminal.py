"""The terminal adapter: a chat on stdin/stdout, with buttons as a numbered list."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core.conversation import ChatState, Conversation, Reply, Turn

QUIT = "/quit 退出"


def show(reply: Reply, out: TextIO) -> None:
    out.write(reply.text + "\n")
    for number, button in enumerate(reply.buttons, start=1):
        out.write(f"  [{number}] {button.label}\n")
    out.write("\n")


def step(conversation: Conversation, line: str, state: ChatState, last: Reply | None) -> Turn | None:
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
        return conversation.forget()
    if text.startswith("/check"):
        return conversation.check(text.removeprefix("/check"), state)
    # Typing a button's number taps it.
    if last is not None and text.isdigit() and 1 <= int(text) <= len(last.buttons):
        return conversation.on_action(last.buttons[int(text) - 1].action, state)
    return conversation.on_text(line, state)


def chat(conversation: Conversation, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    interactive = stdin.isatty()
    state = ChatState()
    turn = conversation.welcome(state)
    show(turn.reply, out)
    commands = conversation.answers.commands
    listed = [f"/{name} {commands[name]}" for name in ("menu", "operator", "reset")]
    out.write("命令：" + "，".join([*listed, QUIT]) + "\n\n")
    last = turn.reply
    while True:
        if interactive:
            out.write("你：")
            out.flush()
        line = stdin.readline()
        if not line:
            break
        taken = step(conversation, line.rstrip("\n"), state, last)
        if taken is None:
            break
        state, last = taken.state, taken.reply
        show(taken.reply, out)
        out.flush()
    out.write("再见！\n")
    return 0
