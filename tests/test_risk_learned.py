"""The scam check's learned part (bot/core/risk/learned.py, intents/_risk_examples.yaml): a message
rated by how it is worded where no rule knows it, and the rules' reasons still the ones shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.errors import ContentError
from bot.content.loader import load_content
from bot.content.model import RiskExamples
from bot.core.risk import learned
from bot.core.risk.scanner import LEARNED, Scanner
from bot.devtools.scan_evaluation import held_out_lines, leave_one_out, read_cases
from tests.conftest import DATA, ROOT, run_cli

# A robocall's script in words no signal of intents/_risk.yaml holds (written for this test).
UNKNOWN_SCRIPT = "您的手机号码已被列入停机名单，请保持电话畅通，稍后会有工作人员联系您核实身份"


def test_a_scam_no_rule_knows_is_rated_high_by_its_wording(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = scanner.scan(UNKNOWN_SCRIPT)
    assert report.level == "high"
    assert [flag.id for flag in report.problems] == [LEARNED]
    # The reason says what it is: a judgement learned from examples, not a rule, and fallible.
    assert "学来的判断" in report.flags[0].reason and "可能看错" in report.flags[0].reason
    monkeypatch.setattr(scanner, "learned", None)
    assert scanner.scan(UNKNOWN_SCRIPT).level == "low"  # the rules alone see nothing in it


def test_a_rule_signal_and_the_wording_together_make_high_with_the_rules_reason_first(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Magandang araw! Ito po ang Smart, may natitira pa kayong reward na hindi pa nakukuha, "
        "i-follow lang po ang instructions namin"
    )
    report = scanner.scan(text)
    assert report.level == "high"
    assert [flag.id for flag in report.problems] == ["impersonation", LEARNED]
    monkeypatch.setattr(scanner, "learned", None)
    assert scanner.scan(text).level == "medium"


def test_a_warning_that_quotes_the_script_is_not_raised(scanner: Scanner) -> None:
    warning = f"提醒大家：如果收到“{UNKNOWN_SCRIPT}”这种短信，是骗子，别理"
    assert scanner.learned is not None
    high, _ = scanner.learned.chances(scanner.prepare(warning))
    assert high >= scanner.learned.high_at  # it reads like the script it quotes…
    report = scanner.scan(warning)
    assert report.level != "high" and LEARNED not in {f.id for f in report.flags}  # …and is no scam


def test_a_short_message_is_left_to_the_rules(scanner: Scanner) -> None:
    assert scanner.learned is not None
    assert scanner.learned.chances(scanner.prepare("代充")) == (0.0, 0.0)
    assert scanner.scan("代充").level == "medium"
    for greeting in ("你好", "保号", "电信客服热线", "您好～"):
        assert scanner.scan(greeting).level == "low", greeting


def test_what_the_rules_rate_high_stays_high_however_harmless_it_reads(scanner: Scanner) -> None:
    # The learned part reads this fake anti-fraud app as harmless (it learned 反诈中心 from
    # warnings and questions); it only ever raises a level, so the rules' 高 stands.
    advert = "【反诈中心】请安装新版App：fz-check.top/app.apk，否则号码将被限制使用"
    assert scanner.learned is not None
    high, harmless = scanner.learned.chances(scanner.prepare(advert))
    assert harmless > high
    assert scanner.scan(advert).level == "high"


def test_a_signal_that_alone_makes_high_keeps_it_high(scanner: Scanner) -> None:
    report = scanner.scan("这是官网吗 10086-cz.com 我想充话费")
    assert report.level == "high" and "lookalike_domain" in {f.id for f in report.flags}


def _small(content_examples: RiskExamples, per_level: int) -> RiskExamples:
    kept = []
    for level in learned.CLASSES:
        kept += [e for e in content_examples.examples if e.levels == (level,)][:per_level]
    return RiskExamples(
        tuple(kept), content_examples.high_at, content_examples.alone_at, content_examples.where
    )


def test_the_weights_are_learned_once_the_same_every_time_and_read_from_the_cache(
    scanner: Scanner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = load_content(ROOT)
    assert content.risk is not None and content.risk.learned is not None
    examples = _small(content.risk.learned, 30)
    first = learned.learned_model(examples, scanner.prepare, "r", ["怎么充值"], tmp_path)
    again = learned.train(examples, scanner.prepare, ["怎么充值"])
    assert len(list(tmp_path.rglob("riskweights-*.marshal"))) == 1

    def no_training(*_: object) -> None:
        raise AssertionError("trained again although the weights are cached")

    monkeypatch.setattr(learned, "train", no_training)
    cached = learned.learned_model(examples, scanner.prepare, "r", ["怎么充值"], tmp_path)
    assert cached.rows == first.rows
    assert learned.RiskModel(again, examples, "r").rows == first.rows  # trained again: the same weights


def test_leave_one_set_out_scores_each_set_with_a_model_that_never_saw_it(scanner: Scanner) -> None:
    sets = {name: read_cases(DATA / f"{name}.tsv")[:40] for name in ("scam_s", "scam_v", "scam_x")}
    kept = scanner.learned
    table = held_out_lines(leave_one_out(scanner, sets, ["怎么充值", "保号要充多少"]))
    assert scanner.learned is kept  # the scanner's own model is back
    assert [line.split()[0] for line in table[2:]] == ["scam_s", "scam_v", "scam_x", "all"]
    assert "rules alone" in table[0] and "learned alone" in table[0] and "both" in table[0]


def test_the_examples_yaml_reports_file_line_and_fix(content_copy: Path) -> None:
    path = content_copy / "intents" / "_risk_examples.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.index("  - text:")
    entry = text[first : text.index("\n  - text:", first + 1) + 1]
    text = text.replace("high_at: 0.6", "high_at: 7", 1)
    text = text.replace("not_harmless: [scam_check, scam_victim]", "not_harmless: [scam_check, scam_victm]")
    text = text.replace(entry, entry + entry + '  - text: "某条消息"\n    level: severe\n', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    lines = text.splitlines()
    found = {p.line: p.message for p in caught.value.problems if p.path == path}
    assert all(p.fix for p in caught.value.problems)
    expect = {
        "outside -2..2": "high_at: 7",
        "unknown intent 'scam_victm'": "not_harmless",
        "the same message as line": "  - text:",
        "'severe' is not high, medium or low": "level: severe",
    }
    for message, marker in expect.items():
        line = next(n for n, m in found.items() if message in m)
        assert marker in lines[line - 1], (message, lines[line - 1])
    result = run_cli("--content", str(content_copy), "check")
    assert result.returncode == 1 and f"{path}:" in result.stderr and "fix:" in result.stderr


def test_without_its_reason_in_the_responses_the_learned_part_is_refused(content_copy: Path) -> None:
    texts = content_copy / "responses" / "_risk.yaml"
    kept = [
        line for line in texts.read_text(encoding="utf-8").splitlines() if not line.startswith("learned:")
    ]
    texts.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert any("'learned:'" in p.message and p.path == texts for p in caught.value.problems)
