"""Turns the core's Reply into Telegram messages: HTML-escaped, split at 4,096 characters."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot.channels.telegram import callback_data
from bot.core.replying.turn import Reply

BUTTONS_PER_ROW = 2


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    buttons = [
        InlineKeyboardButton(b.label, callback_data=callback_data.encode(b.action)) for b in reply.buttons
    ]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def chunks(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """HTML-escaped pieces of at most `limit` characters, cut between lines where possible."""
    pieces: list[str] = []
    current = ""
    for line in html.escape(text).splitlines(keepends=True):
        while len(line) > limit:  # a single line longer than a message: cut it, not an entity
            cut = line.rfind("&", limit - 8, limit)
            cut = cut if cut > 0 and ";" not in line[cut:limit] else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:]
        if len(current) + len(line) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current.strip() or not pieces:
        pieces.append(current)
    return [p.rstrip("\n") or "…" for p in pieces]
