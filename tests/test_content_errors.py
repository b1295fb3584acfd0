"""Everything an operator can get wrong in the YAML: one clear problem naming file, line and fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.errors import Problem
from bot.devtools.checks import check, swallowed_comment


def edit(root: Path, relative: str, old: str, new: str) -> Path:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(root: Path, relative: str, old: str) -> int:
    text = (root / relative).read_text(encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


# The problem is reported on the line that was edited (examples move these lines often).
EDITED = 0


def problems_of(root: Path, cache_dir: Path) -> list[Problem]:
    conversation, problems = check(root, cache_dir)
    assert problems, "expected the content to be rejected"
    assert conversation is None or problems
    return problems


def only(problems: list[Problem], path: Path) -> Problem:
    mine = [p for p in problems if p.path == path]
    assert len(mine) == 1, problems
    return mine[0]


CASES = [
    # (file, old, new, line or EDITED, words in the message, words in the fix)
    ("intents/greeting.yaml", "  - 在吗\n", "  - 在吗: 在: 吗\n", 8, "YAML syntax error", "quotes"),
    ("intents/greeting.yaml", "  - 你好呀\n", "\t- 你好呀\n", 6, "YAML syntax error", ""),
    (
        "intents/help.yaml",
        "description:",
        "descripton:",
        2,
        "unknown key 'descripton'",
        "did you mean 'description'",
    ),
    ("intents/help.yaml", "intent: help\n", "", 1, "missing 'intent'", "add a 'intent:' line"),
    ("intents/esim.yaml", "  esim: 0.5", "  esim: lots", EDITED, "must be a number", "0.3"),
    (
        "intents/help.yaml",
        "  - regex: '(你|机器人",
        "  - regex: '((你|机器人",
        EDITED,
        "cannot run",
        "fix the expression",
    ),
    (
        "responses/greeting.yaml",
        "title: 打招呼\n",
        "title: 打招呼\nneeds_operator: maybe\n",
        3,
        "true or false",
        "",
    ),
    (
        "responses/topup_how.yaml",
        "{{ op.online_reload }}",
        "{{ op.online_reloda }}",
        9,
        "unknown name",
        "_facts.yaml",
    ),
    ("responses/topup_how.yaml", "{{ op.app }}", "{{ op.app ", 10, "template error", "close every"),
    (
        "responses/thanks_bye.yaml",
        "有问题随时再来问。",
        "详情见 https://smart-com-ph.top/load",
        4,
        "not on the allowlist",
        "",
    ),
    (
        "responses/thanks_bye.yaml",
        "有问题随时再来问。",
        "也可以找 @esim1088",
        4,
        "not on the allowlist",
        "handle",
    ),
    (  # a full-width dot hides no domain, and the problem names the line the link is on
        "responses/topup_how.yaml",
        "    2. App：{{ op.app }}。",
        "    2. App：见 evil-topup．xyz 。",
        EDITED,
        "'evil-topup.xyz', which is not on the allowlist",
        "",
    ),
    (
        "responses/thanks_bye.yaml",
        "title: 谢谢",
        "title: 谢谢 t.me/esim1088",
        2,
        "the title holds the link or handle 't.me/esim1088'",
        "words only",
    ),
    (
        "responses/thanks_bye.yaml",
        "title: 谢谢",
        "title: 谢谢找@esim1088",
        2,
        "the title holds the link or handle '@esim1088'",
        "words only",
    ),
    (
        "responses/thanks_bye.yaml",
        "buttons: [help]",
        "buttons: [hlep]",
        5,
        "button leads to unknown intent 'hlep'",
        "use one of",
    ),
    (
        "responses/_facts.yaml",
        "    reviewed: 2026-11-24\n",
        "    reviewed: last week\n",
        9,
        "not a date",
        "YYYY-MM-DD",
    ),
    (
        "responses/_facts.yaml",
        "    source: http://news.cnhubei",
        "    source: news.cnhubei",
        8,
        "not a URL",
        "URL",
    ),
    (
        "responses/_allowlist.yaml",
        "  - maya.ph",
        "  - https://maya.ph/",
        6,
        "not a bare domain",
        "smart.com.ph",
    ),
    (
        "responses/_ui.yaml",
        "  stale_button: |",
        "  stale_buton: |",
        EDITED,
        "unknown text 'stale_buton'",
        "did you mean 'stale_button'",
    ),
    ("intents/_operators.yaml", "    label: 中国联通\n", "", EDITED, "missing 'label'", "label"),
    ("intents/_channels.yaml", "    label: 支付宝\n", "", EDITED, "missing 'label'", "label"),
    ("intents/_situation.yaml", "      label: 把验证码给了别人\n", "", EDITED, "missing 'label'", "label"),
    (
        "intents/_situation.yaml",
        "  refusals: [",
        "  refusal: [",
        EDITED,
        "unknown key 'refusal'",
        "did you mean 'refusals'",
    ),
    (
        "intents/_situation.yaml",
        "  asks: [",
        "  ask: [",
        EDITED,
        "unknown key 'ask' in 'done'",
        "did you mean 'asks'",
    ),
    (
        "intents/_situation.yaml",
        "      verbs: [操控,",
        "      verb: [操控,",
        EDITED,
        "unknown key 'verb' in act 'remote_control'",
        "did you mean 'verbs'",
    ),
    (
        "responses/topup_where.yaml",
        "  convenience_store:\n",
        "  convenience_shop:\n",
        EDITED,
        "variant for unknown channel 'convenience_shop'",
        "did you mean 'convenience_store'",
    ),
    (
        "responses/topup_where.yaml",
        "    china_mobile: |\n      {{ op.label }}营业厅",
        "    china_mobil: |\n      {{ op.label }}营业厅",
        EDITED,
        "channel variant 'store' names unknown operator 'china_mobil'",
        "use 'default' or one of",
    ),
    (
        "responses/invoice.yaml",
        "channels:\n",
        "channel_answers_from: topup_wehre\nchannels:\n",
        1,
        "unknown intent 'topup_wehre'",
        "use one of",
    ),
    (
        "responses/scam_check.yaml",
        "  title: 举报渠道\n",
        "  titel: 举报渠道\n",
        EDITED,
        "unknown key 'titel'",
        "did you mean 'title'",
    ),
    (
        "responses/_ui.yaml",
        "  price: [多少钱,",
        "  prices: [多少钱,",
        EDITED,
        "unknown key 'prices' in 'follow_ups'",
        "did you mean 'price'",
    ),
    (
        "responses/_ui.yaml",
        "menu: [topup_how,",
        "menu: [topup_hwo,",
        EDITED,
        "menu entry 'topup_hwo' is not an intent with an answer",
        "use one of",
    ),
]


@pytest.mark.parametrize(("relative", "old", "new", "line", "message", "fix"), CASES)
def test_each_mistake_names_file_line_and_fix(
    content_copy: Path, cache_dir: Path, relative: str, old: str, new: str, line: int, message: str, fix: str
) -> None:
    expected_line = line or line_of(content_copy, relative, old)
    path = edit(content_copy, relative, old, new)
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == expected_line, problem
    assert message in problem.message, problem
    assert not re.search(r"('[^']+')\W*\1", problem.message), "a name said twice in a row"
    assert fix in problem.fix, problem
    assert str(path) in str(problem) and "fix:" in str(problem)


def test_an_example_claimed_by_two_intents(content_copy: Path, cache_dir: Path) -> None:
    edit(content_copy, "intents/esim.yaml", "  - 想买一张eSIM\n", "  - 想买一张eSIM\n  - 怎麼充值\n")
    problems = problems_of(content_copy, cache_dir)
    # 怎麼充值 is 怎么充值 once normalized, as are 如何充值 and 怎樣儲值 in topup_how.yaml.
    assert {p.path.name for p in problems} == {"topup_how.yaml"}
    assert all("also claimed by 'esim' (esim.yaml:36)" in p.message for p in problems)


def test_two_answers_for_one_intent(content_copy: Path, cache_dir: Path) -> None:
    second = content_copy / "responses" / "zz_esim_again.yaml"
    second.write_text(
        (content_copy / "responses" / "esim.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    problem = only(problems_of(content_copy, cache_dir), second)
    assert (
        problem.line == 1
        and "a second answer for intent 'esim' (the first is esim.yaml:1)" in problem.message
    )
    assert "merge the two" in problem.fix


def test_a_link_a_fact_brings_is_reported_at_the_fact(content_copy: Path, cache_dir: Path) -> None:
    path = edit(
        content_copy,
        "responses/_facts.yaml",
        "value: 12321（网站 12321.cn；",
        "value: 12321（网站 12321-cn.top；",
    )
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == line_of(content_copy, "responses/_facts.yaml", "  spam_report_cn:")
    assert "'12321-cn.top', which is not on the allowlist" in problem.message


def test_an_intent_without_an_answer(content_copy: Path, cache_dir: Path) -> None:
    (content_copy / "responses" / "esim.yaml").unlink()
    problems = problems_of(content_copy, cache_dir)
    intent_file = content_copy / "intents" / "esim.yaml"
    assert any(p.path == intent_file and p.message == "intent 'esim' has no answer" for p in problems)
    # Buttons and the menu that led to it are named too, each at its own line.
    assert any(p.path.name == "_ui.yaml" and "menu entry 'esim'" in p.message for p in problems)


def test_a_missing_file(content_copy: Path, cache_dir: Path) -> None:
    path = content_copy / "responses" / "_allowlist.yaml"
    path.unlink()
    problem = only(problems_of(content_copy, cache_dir), path)
    assert "this file is missing" in problem.message


def test_too_few_examples(content_copy: Path, cache_dir: Path) -> None:
    path = content_copy / "intents" / "greeting.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for i, line in enumerate(lines) if not (line.startswith("  - ") and 10 < i < 30)]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    problem = only(problems_of(content_copy, cache_dir), path)
    assert "fewer than 30" in problem.message


def test_an_operator_without_facts(content_copy: Path, cache_dir: Path) -> None:
    path = edit(
        content_copy,
        "intents/_operators.yaml",
        "operators:\n",
        "operators:\n  sun:\n    label: Sun\n    names: [sun cellular]\n",
    )
    problems = problems_of(content_copy, cache_dir)
    assert any(p.path == path and "no facts" in p.message for p in problems)
    assert any("no answer for operator 'sun'" in p.message or "sun" in p.fix for p in problems)


def test_an_operator_both_covered_and_not(content_copy: Path, cache_dir: Path) -> None:
    path = edit(
        content_copy,
        "intents/_operators.yaml",
        "operators:\n",
        "operators:\n  globe:\n    label: Globe\n    names: [globe]\n",
    )
    problems = problems_of(content_copy, cache_dir)
    assert any(p.path == path and "both covered and not covered" in p.message for p in problems)


def test_a_correction_without_a_drop_group(content_copy: Path, cache_dir: Path) -> None:
    path = edit(content_copy, "intents/_operators.yaml", "corrections:\n", "corrections:\n  - '不是(.+)'\n")
    problems = problems_of(content_copy, cache_dir)
    assert any(p.path == path and "no (?P<drop>...) group" in p.message for p in problems)


def test_a_file_that_is_not_utf8(content_copy: Path, cache_dir: Path) -> None:
    path = content_copy / "intents" / "greeting.yaml"
    path.write_bytes("intent: greeting\n".encode("utf-16"))
    problem = only(problems_of(content_copy, cache_dir), path)
    assert "not UTF-8" in problem.message


# Inside a `|` block a `#` is text: the user would read the comment, at a line's end or on its own.
@pytest.mark.parametrize("comment", ["  # for the operator", "\n    # for the operator"])
def test_a_comment_swallowed_by_a_block_is_reported(
    content_copy: Path, cache_dir: Path, comment: str
) -> None:
    line = "有问题随时再来问。"
    path = edit(content_copy, "responses/thanks_bye.yaml", line, line + comment)
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == line_of(content_copy, "responses/thanks_bye.yaml", "# for the operator")
    assert "shows the user a comment: '# for the operator'" in problem.message
    assert "out of the '|' block" in problem.fix


def test_a_code_ending_in_a_hash_is_not_a_comment() -> None:
    assert swallowed_comment("拨 *123#，选 Balance；漫游拨 *133# 选 Load") is None
