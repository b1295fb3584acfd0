"""What an operator's edit may not do, however it is written: run code, take the bot's time or
memory, or hide a mistake. Each is a problem naming file, line and fix, found without running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.build import build
from bot.content.errors import ContentError
from bot.content.loader import MAX_EXAMPLES
from bot.content.yamlsource import MAX_FILE_BYTES
from bot.core.replying.sandbox import MAX_RANGE, MAX_RENDERED
from tests.conftest import run_cli
from tests.test_content_errors import edit, line_of, only, problems_of

THANKS = "responses/thanks_bye.yaml"
LINE = "不客气！充值请认准官方渠道，有问题随时再来问。"


# ---- item 6: a template is an answer, not a program ---------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}",
        "{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}{{{{ '{marker}' }}}}",
        "{{{{ op['__class__'] }}}}{{{{ '{marker}' }}}}",
        "{{{{ lipsum.__globals__['os'].system('touch {marker}') }}}}",
        "{{{{ self._TemplateReference__context }}}}{{{{ '{marker}' }}}}",
    ],
)
def test_a_template_that_reaches_into_python_is_refused_unrun(
    content_copy: Path, cache_dir: Path, tmp_path: Path, expression: str
) -> None:
    marker = tmp_path / "ran"
    path = edit(content_copy, THANKS, LINE, LINE + "\n  " + expression.format(marker=marker))
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == line_of(content_copy, THANKS, "{{"), problem
    assert "fix:" in str(problem) and "op." in problem.fix, problem
    assert not marker.exists(), "the template ran"


def test_check_and_reload_refuse_it_from_the_command_line(content_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    edit(
        content_copy,
        THANKS,
        LINE,
        LINE + f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}",
    )
    result = run_cli("--content", str(content_copy), "check")
    assert result.returncode != 0 and f"{content_copy / THANKS}:4:" in result.stdout + result.stderr
    assert not marker.exists()
    with pytest.raises(ContentError):  # /reload builds the same way, and keeps the old content
        build(content_copy)
    assert not marker.exists()


# ---- item 17: what a template or a file may cost -------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "message", "fix"),
    [
        ("{% for i in range(100000000) %}x{% endfor %}", "range(100000000)", "1000"),
        (
            "{% for i in range(900) %}{% for j in range(900) %}{% endfor %}{% endfor %}",
            "loop inside a loop",
            "one",
        ),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "macro", "write"),
        ("{% set a = op.label ~ op.label %}{{ a }}", "set", "write"),
        ("{{ op.label * 100000000 }}", "*", "write"),
        ("{{ op.label|center(1000000000) }}", "center", "filters"),
        ("{{ '%1000000000s' % op.label }}", "%", "write"),
        ("{{ op.label|join(op.label) }}", "join", "filters"),
        ("{{ op.label.ljust(1000000000) }}", "calls a function", "write"),
    ],
)
def test_a_template_that_would_take_long_is_refused(
    content_copy: Path, cache_dir: Path, template: str, message: str, fix: str
) -> None:
    path = edit(content_copy, THANKS, LINE, LINE + "\n  " + template)
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == line_of(content_copy, THANKS, template), problem
    assert message in problem.message and fix in problem.fix, problem


def test_a_template_that_writes_too_much_is_refused(content_copy: Path, cache_dir: Path) -> None:
    sentence = "很长的一句话" * (MAX_RENDERED // MAX_RANGE // 6 + 1)
    loop = f"{{% for c in range({MAX_RANGE}) %}}\n  {sentence}\n  {{% endfor %}}"
    path = edit(content_copy, THANKS, LINE, LINE + "\n  " + loop)
    problem = only(problems_of(content_copy, cache_dir), path)
    assert f"more than {MAX_RENDERED} characters" in problem.message, problem
    assert problem.line == line_of(content_copy, THANKS, "{% for c"), problem  # the loop that writes it


def test_a_file_too_large_is_refused_before_it_is_read(content_copy: Path, cache_dir: Path) -> None:
    path = content_copy / "intents" / "greeting.yaml"
    text = path.read_text(encoding="utf-8")
    padding = "".join(f"  - 你好{n}\n" for n in range(MAX_FILE_BYTES // 10))
    path.write_text(text + padding, encoding="utf-8")
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == 0 and "bytes" in problem.message and "split" in problem.fix, problem


def test_too_many_examples(content_copy: Path, cache_dir: Path) -> None:
    path = content_copy / "intents" / "greeting.yaml"
    more = "".join(f"  - 你好呀第{n}次\n" for n in range(MAX_EXAMPLES))
    edit(content_copy, "intents/greeting.yaml", "examples:\n", "examples:\n" + more)
    problem = only(problems_of(content_copy, cache_dir), path)
    assert f"more than {MAX_EXAMPLES}" in problem.message and "examples" in problem.fix, problem
    assert problem.line == line_of(content_copy, "intents/greeting.yaml", "examples:"), problem


# ---- item 15: a folder where a YAML file should be ----------------------------------------------------


@pytest.mark.parametrize("folder", ["intents/weird.yaml", "responses/weird.yaml"])
def test_a_folder_named_like_a_yaml_file(content_copy: Path, cache_dir: Path, folder: str) -> None:
    path = content_copy / folder
    path.mkdir()
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == 0 and "a folder" in problem.message and "rename" in problem.fix, problem


@pytest.mark.parametrize("command", ["check", "chat"])
def test_a_folder_named_like_a_yaml_file_from_the_command_line(content_copy: Path, command: str) -> None:
    (content_copy / "intents" / "weird.yaml").mkdir()
    result = run_cli("--content", str(content_copy), command, stdin="/quit\n")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output, output
    assert f"{content_copy / 'intents' / 'weird.yaml'}: " in output and "fix:" in output, output


# ---- item 16: an entry indented too far, joined to the one above ------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  - 怎么充值\n  - 怎么充话费\n", "  - 怎么充值\n    - 怎么充话费\n"),
        ("  - 怎么充值\n  - 怎么充话费\n", "  - 怎么充值\n      - 怎么充话费\n"),
    ],
)
def test_an_example_indented_too_far_is_not_joined_silently(
    content_copy: Path, cache_dir: Path, old: str, new: str
) -> None:
    path = edit(content_copy, "intents/topup_how.yaml", old, new)
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == line_of(content_copy, "intents/topup_how.yaml", "- 怎么充话费"), problem
    assert "'怎么充值 - 怎么充话费'" in problem.message and "indent" in problem.fix, problem


def test_a_dash_inside_an_example_is_still_text(content_copy: Path, cache_dir: Path) -> None:
    edit(content_copy, "intents/topup_how.yaml", "  - 怎么充值\n", "  - 怎么充值 - 急\n")
    assert build(content_copy, cache_dir) is not None


@pytest.mark.parametrize("field", ["{n:>1000000000}", "{n.__class__.__mro__}", "{n!r}", "{0}"])
def test_the_verdicts_more_line_holds_only_n(content_copy: Path, cache_dir: Path, field: str) -> None:
    path = edit(
        content_copy, "responses/_risk.yaml", "more: · 另有 {n} 项未列出", f"more: · 另有 {field} 项未列出"
    )
    problem = only(problems_of(content_copy, cache_dir), path)
    assert problem.line == line_of(content_copy, "responses/_risk.yaml", "more:"), problem
    assert "'more' may use only {n}" in problem.message, problem


@pytest.mark.parametrize("shared", ["intents/_risk.yaml", "responses/_facts.yaml"])
def test_a_folder_in_place_of_a_shared_file(content_copy: Path, cache_dir: Path, shared: str) -> None:
    path = content_copy / shared
    path.unlink()
    path.mkdir()
    problem = only(problems_of(content_copy, cache_dir), path)
    assert "a folder, not a YAML file" in problem.message and "restore" in problem.fix, problem
