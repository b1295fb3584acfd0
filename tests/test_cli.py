"""Every command of `python -m bot`, run as a real process."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, run_cli


def test_check_passes_on_the_shipped_content() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    intents = [p for p in (ROOT / "intents").glob("*.yaml") if not p.name.startswith("_")]
    assert result.stdout.startswith(f"OK: {len(intents)} intents")


def test_classify_streams_json_lines() -> None:
    questions = ["smart卡怎么充值", "代充靠谱吗", "", "今天天气怎么样"] * 2500
    result = run_cli("classify", stdin="\n".join(questions) + "\n", timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 10_000
    first = json.loads(lines[0])
    assert set(first) == {"text", "intent", "confidence", "operator", "channel", "candidates"}
    assert (first["intent"], first["operator"], first["channel"]) == ("topup_how", "smart", None)
    assert 0 <= first["confidence"] <= 1 and len(first["candidates"]) == 3
    assert (json.loads(lines[1])["intent"], json.loads(lines[1])["channel"]) == (
        "scam_check",
        "private_seller",
    )
    assert json.loads(lines[2])["intent"] == "fallback"


def test_classify_explain_shows_winner_and_runner_up() -> None:
    result = run_cli("classify", "--explain", stdin="充值没到账怎么办\n")
    record = json.loads(result.stdout)
    explain = record["explain"]
    assert explain["winner"]["intent"] == record["intent"] == "topup_failed"
    assert explain["runner_up"]["intent"] != "topup_failed"
    features = [feature for feature, _ in explain["winner"]["votes"]]
    # The YAML keyword and the learned word and character features both show, with their weights.
    assert "keyword 没到账" in features and any(f.startswith(("w:", "c:")) for f in features)


def test_intents_lists_examples() -> None:
    listed = json.loads(run_cli("intents", "--json").stdout)
    ids = {item["id"] for item in listed}
    files = {p.stem for p in (ROOT / "intents").glob("*.yaml") if not p.name.startswith("_")}
    assert {"greeting", "scam_check", "fallback", "keep_number"} <= ids and ids == files
    assert all(len(item["examples"]) >= 30 for item in listed)
    plain = run_cli("intents").stdout
    assert "topup_how:" in plain and "    怎么充值" in plain


def test_chat_in_the_terminal_taps_numbered_buttons() -> None:
    # The chat opens with the menu; "1" taps its first button (怎么充值), which asks for the
    # operator; "1" again picks Smart and answers the original question.
    result = run_cli("chat", stdin="1\n1\n代充靠谱吗\n/quit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] 怎么充值" in out
    assert "请问是哪家运营商的卡" in out
    assert "my.smart.com.ph" in out
    assert "慢充" in out
    assert out.rstrip().endswith("再见！")


def test_the_terminal_chat_carries_the_last_question_over() -> None:
    # "在国外呢" and "那联通呢" ask the last question again, for a place and for another operator.
    result = run_cli("chat", stdin="smart卡怎么充值\n在国外呢\n那联通呢\n/quit\n")
    assert result.returncode == 0, result.stderr
    # The replies follow the welcome and the line of commands, one paragraph each.
    first, abroad, unicom = result.stdout.split("\n\n")[2:5]
    assert "零售点" in first and "人不在菲律宾" in abroad and "中国联通的官方充值方法" in unicom


def test_run_without_a_token_opens_the_terminal_chat(tmp_path: Path) -> None:
    result = run_cli("run", stdin="你好\n", cwd=tmp_path, env={"BOT_CONTENT_DIR": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "充值指南" in result.stdout


def test_a_malformed_token_gives_one_clear_line(tmp_path: Path) -> None:
    secret = "not-a-token-SECRET"
    result = run_cli("run", cwd=tmp_path, env={"BOT_CONTENT_DIR": str(ROOT), "TELEGRAM_BOT_TOKEN": secret})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert secret not in result.stderr + result.stdout


def test_broken_content_fails_every_command_with_file_and_line(content_copy: Path) -> None:
    path = content_copy / "intents" / "greeting.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("examples:", "exampels:"), encoding="utf-8")
    for command in (["check"], ["classify"], ["chat"], ["intents"]):
        result = run_cli("--content", str(content_copy), *command, stdin="你好\n")
        assert result.returncode == 1, command
        assert f"{path}:3: unknown key 'exampels'" in result.stderr
        assert "did you mean 'examples'?" in result.stderr
        assert "Traceback" not in result.stderr


def test_bench_prints_medians() -> None:
    result = run_cli("bench", "--rounds", "1", "--batch", "100", timeout=300)
    assert result.returncode == 0, result.stderr
    for label in (
        "questions/s",
        "latency p99",
        "cold start",
        "peak memory",
        "jieba's full dictionary",
        "scan alone",
        "classify with scan ÷ classify alone",
        "updates answered per second",
        "handed out → its sendMessage",
        "hostile 4,096-char messages",
        "ratio: with a waiting chat / without",
    ):
        assert label in result.stdout


def test_the_console_script_is_installed() -> None:
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("topup-bot")
    assert script.exists(), "pip install -e . should install the topup-bot script"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "classify" in result.stdout


def test_classify_turns_bytes_that_are_not_utf8_into_replacement_characters() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classify"],
        input=b"\xff\xfe smart\xe5\x8d\n\xc0\n",
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()  # strict: fails on any byte left raw
    assert [json.loads(line)["text"] for line in lines] == ["\ufffd\ufffd smart\ufffd", "\ufffd"]


def test_chat_answers_digits_int_refuses_and_huge_numbers() -> None:
    # ¹ ① ⒈ pass isdigit() but not int(); 5,000 digits pass neither int() nor a button; ３ taps [3].
    lines = ["¹", "①", "⒈", "9" * 5000, "３", "/quit"]
    result = run_cli("chat", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "9" * 50 not in result.stdout + result.stderr
    assert result.stdout.count("这个问题我回答不了") == 4
    assert "慢充" in result.stdout  # [3] is 防骗检查


def test_replies_gives_each_message_its_own_new_chat(tmp_path: Path) -> None:
    questions = tmp_path / "set.tsv"
    # The second would be read as choosing the operator if the first had been asked in the same chat.
    questions.write_text(
        "text\tintents\nsmart卡怎么充值\ttopup_how\n联通的\t\n我没有GCash\t\n", encoding="utf-8"
    )
    result = run_cli("replies", str(questions))
    assert result.returncode == 0, result.stderr
    first, second, third = map(json.loads, result.stdout.splitlines())
    assert set(first) == {"text", "reply", "buttons", "intent", "read_as", "operator", "level", "situation"}
    assert (first["text"], first["intent"], first["operator"]) == ("smart卡怎么充值", "topup_how", "smart")
    assert first["reply"] and first["buttons"]
    assert second["text"] == "联通的" and second["intent"] is None  # nothing pending: no answer to give
    assert first["situation"] == {} and third["situation"] == {"lacks": ["gcash"]}


def test_replies_reads_plain_lines_and_says_when_the_file_is_missing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("代充靠谱吗\n\n今天天气怎么样\n", encoding="utf-8")
    lines = run_cli("replies", str(plain)).stdout.splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["代充靠谱吗", "今天天气怎么样"]
    missing = run_cli("replies", str(tmp_path / "none.tsv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
