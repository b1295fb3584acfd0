"""`report` shows what users typed: in no format may that text act on the operator's spreadsheet
(a formula) or terminal (an escape sequence)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.devtools.report import render
from bot.store.database import Database
from bot.store.records import open_records
from bot.store.report import build_report
from tests.conftest import run_cli

# Each is a question the bot cannot answer, so it is kept (masked) with its text.
HOSTILE = [
    '=HYPERLINK("evil","点这里") 今天天气',
    "+cmd|' /C calc'!A0 今天天气",
    "-2+3 今天天气怎么样",
    "@SUM(1+1) 今天天气怎么样",
    "\t=1+1 今天天气怎么样",
    "\r=2+2 今天天气",
    "今天天气\x1b]0;pwned\x07\x1b[2J怎么样",
    "今天天气\x9b31m怎么样",  # the one-byte CSI of the C1 controls
]
# What starts a formula in a spreadsheet (OWASP's CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def data_dir(conversation: Conversation, tmp_path: Path) -> Path:
    database = Database.in_folder(tmp_path)
    records = open_records(database, conversation.answers.texts, conversation.classifier.normalize, 30)
    for question in HOSTILE:
        records.record("terminal", 1, conversation.on_text(question, ChatState()))
    report = build_report(database, records.day(), records.day())
    assert len(report.unanswered) == len(HOSTILE), "each is kept with its text"
    database.close()
    return tmp_path


def test_no_csv_cell_starts_a_formula(data_dir: Path) -> None:
    result = run_cli("report", "--format", "csv", env={"BOT_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


@pytest.mark.parametrize("form", ["table", "csv", "json", "html"])
def test_no_format_writes_a_control_character(data_dir: Path, form: str) -> None:
    result = run_cli("report", "--format", form, env={"BOT_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    assert not CONTROLS.findall(result.stdout), CONTROLS.findall(result.stdout)
    assert "pwned" in result.stdout  # shown, harmless, rather than dropped


def test_json_still_holds_the_text_as_typed_but_escaped(data_dir: Path) -> None:
    result = run_cli("report", "--format", "json", env={"BOT_DATA_DIR": str(data_dir)})
    examples = [group["example"] for group in json.loads(result.stdout)["unanswered"]]
    assert any(example.startswith("=HYPERLINK") for example in examples)  # JSON is not a spreadsheet


def test_render_alone_is_safe_too(data_dir: Path) -> None:
    report = build_report(Database.in_folder(data_dir), "2000-01-01", "2999-12-31")
    for form in ("table", "csv", "json", "html"):
        # CSV ends its rows with CR LF, as RFC 4180 has it; no other control is written.
        assert not CONTROLS.findall(render(report, form).replace("\r\n", "\n")), form
