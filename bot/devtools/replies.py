"""`replies`: each line of a file as the first message of a new chat, one JSON line out per line.

Replies are judged as people read them (../shared/judging.md): the reply's text and buttons, not
only the label. A TSV with a `text` column (the labelled sets) or plain lines, one message each.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Turn


def messages(path: Path) -> Iterator[str]:
    """The messages of a file: its `text` column when its first line names one, else every line."""
    with path.open(encoding="utf-8", errors="replace", newline="") as file:
        first = file.readline()
        if "\t" in first and "text" in first.rstrip("\r\n").split("\t"):
            column = first.rstrip("\r\n").split("\t").index("text")
            for row in csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) > column and row[column].strip():
                    yield row[column]
            return
        for line in (first, *file):
            if text := line.rstrip("\r\n"):
                yield text


def record(text: str, turn: Turn) -> dict[str, object]:
    """What a judge needs of one first message: the reply as shown, and how it was read (the
    state's situation is the message's own: each is a new chat's first)."""
    heard = turn.heard
    return {
        "text": text,
        "reply": turn.reply.text,
        "buttons": [button.label for button in turn.reply.buttons],
        "intent": turn.reply.intent,
        "read_as": heard.intent if heard is not None else None,
        "operator": heard.operator if heard is not None else None,
        "level": turn.rated.report.level if turn.rated is not None else None,
        "situation": turn.state.situation.as_json(),
    }


def write_replies(conversation: Conversation, path: Path, out: TextIO) -> int:
    """Writes one JSON line per message; returns how many."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    count = 0
    for text in messages(path):
        out.write(encode(record(text, conversation.on_text(text, ChatState()))) + "\n")
        count += 1
    return count
