"""The operator's regexes run on RE2: no pattern and message can freeze the bot, and `check` says what to
write instead of what RE2 cannot run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.build import build
from bot.content.errors import ContentError
from bot.content.loader import load_content
from bot.content.model import RiskSignal, Where
from bot.content.patterns import Encoded, PatternError, Regex, RegexSet
from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.core.risk.phrases import PhraseFinder

# The probe's two freezes: 40 "a" and "!" against (a+)+b, 36 "x" against (x|xx)+y (14 s on re).
NESTED = {"(a+)+b": "a" * 40 + "!", "(x|xx)+y": "x" * 36}


@pytest.mark.parametrize(
    ("source", "fix"),
    [
        ("(?<=能)帮", "look-behind"),
        ("(?<!是)不是", "look-behind"),
        ("充(?!值)", "look-ahead"),
        ("(?=充)充值", "look-ahead"),
        (r"(充)\1", "back-references"),
        ("(?P<a>充)(?P=a)", "back-references"),
        ("(?>充值)", "atomic"),
        ("充{,3}", "{0,3}"),
        (r"\C", "write ."),
        (r"\u5145", r"\x{4e00}"),
        (r"充\Z", r"\z"),
    ],
)
def test_what_re2_cannot_run_or_reads_otherwise_is_refused_with_a_fix(source: str, fix: str) -> None:
    with pytest.raises(PatternError) as refused:
        Regex(source)
    assert fix in refused.value.fix


@pytest.mark.parametrize(("source", "text"), NESTED.items())
def test_nested_repeats_are_plain_patterns_on_re2(source: str, text: str) -> None:
    regex = Regex(source)
    assert regex.search(text) is None
    assert regex.search(text[:-1] + source[-1]) is not None


def test_check_names_file_line_and_fix_of_every_pattern_re2_cannot_run(content_copy: Path) -> None:
    edits = {
        "intents/help.yaml": ("  - regex: '(你|机器人", "  - regex: '(?<!不)(你|机器人"),
        "intents/_risk.yaml": ("      - '(不用|免|无需|不需要|不必|不需)本人'", r"      - '(本人)\1'"),
        "intents/_lexicon.yaml": ("negations:\n", "negations:\n  - '不是(?P<drop>.{0,3})(?=，)'\n"),
        "intents/_operators.yaml": ("corrections:\n", "corrections:\n  - '(?P<drop>移动){,2}不对'\n"),
    }
    for name, (old, new) in edits.items():
        path = content_copy / name
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    problems = {p.path.relative_to(content_copy).as_posix(): p for p in caught.value.problems}
    assert set(problems) == set(edits)
    for name, (_, new) in edits.items():
        problem = problems[name]
        line = (content_copy / name).read_text(encoding="utf-8").splitlines()[problem.line - 1]
        assert new.strip().splitlines()[-1].strip() in line.strip(), (name, line)
        assert problem.fix and problem.fix != "fix the expression", problem


def test_nested_repeats_in_the_content_answer_at_once(content_copy: Path, cache_dir: Path) -> None:
    """The probe's patterns, in an intent and in the scam check: their messages get a reply."""
    help_file = content_copy / "intents" / "help.yaml"
    text = help_file.read_text(encoding="utf-8")
    help_file.write_text(text.replace("patterns:\n", "patterns:\n  - regex: '(a+)+b'\n    weight: 0.3\n", 1))
    risk_file = content_copy / "intents" / "_risk.yaml"
    text = risk_file.read_text(encoding="utf-8")
    old = "      - '(不用|免|无需|不需要|不必|不需)本人'"
    risk_file.write_text(text.replace(old, old + "\n      - '(x|xx)+y'", 1), encoding="utf-8")
    conversation = build(content_copy, cache_dir)
    help_patterns = conversation.classifier.matcher.intents["help"].patterns
    assert all(isinstance(p.regex, Regex) for p in help_patterns)
    for message in NESTED.values():
        assert conversation.on_text(message, ChatState()).reply.text


@pytest.mark.parametrize(
    ("question", "fires"),
    [("验证码一直收不到", True), ("在国外还能收到验证码吗", False), ("怎么充值", False)],
)
def test_an_intent_pattern_fires_unless_its_unless_finds_something(
    conversation: Conversation, question: str, fires: bool
) -> None:
    """scam_check's 验证码 pattern, once ^(?!.*(能|可以|会不会|还)(正常)?(收到|…)).*验证码."""
    ranking = conversation.classifier.classify(question, explain=True).analysis.ranking
    votes = [v.feature for score in ranking if score.intent == "scam_check" for v in score.votes]
    assert any(v.startswith("pattern 验证码 unless") for v in votes) is fires


@pytest.mark.parametrize(
    ("message", "flag", "evidence"),
    [
        ("他说能帮我充话费", "private_seller", "帮我充"),  # (?P<before>能|会|以)(帮|替)…
        ("他帮我充话费", "private_seller", None),
        ("24小时内停机", "threat", "24小时内"),  # …内(?P<after>$|[^有]|有($|[^效]))
        ("验证码5分钟内有效", "threat", None),
        ("把验证码发给我", "asks_for_secret", "验证码发给我"),
        ("验证码发给他了", "asks_for_secret", None),  # a story, not an ask
        ("你发的验证码是多少", "asks_for_secret", None),  # once (?!的|来的)
        ("给我验证码", "asks_for_secret", "给我验证码"),
    ],
)
def test_context_a_pattern_needs_is_not_its_evidence(
    conversation: Conversation, message: str, flag: str, evidence: str | None
) -> None:
    assert conversation.risk is not None
    found = {f.id: f.evidence for f in conversation.risk.scan(message).flags}
    assert found.get(flag) == evidence


def _signal(name: str, *patterns: str) -> RiskSignal:
    where = Where(Path("_risk.yaml"), 1)
    return RiskSignal(name, 1.0, "{evidence}", (), (), tuple(map(Regex, patterns)), (), None, where)


def test_patterns_led_by_words_are_read_as_one_regex_joining_them() -> None:
    """Where two match at one place the first wins, and nothing is found inside what it found."""
    finder = PhraseFinder(
        [_signal("first", "(验证码).{0,2}(发给|我)"), _signal("second", "(验证码|发给)我")], str
    )

    def found(text: str) -> list[tuple[str, str]]:
        return [(signal.id, evidence) for signal, evidence, _ in finder.find(text)]

    assert found("验证码我") == [("first", "验证码我")]
    assert found("验证码快发给我，发给我") == [("first", "验证码快发给"), ("second", "发给我")]


def test_a_regex_set_says_which_patterns_find_something() -> None:
    patterns = RegexSet([Regex("验证码"), Regex("(充|交).{0,4}话费"), Regex("[0-9]+折")])
    assert patterns.matching("充了话费，8折") == {1, 2}
    assert patterns.matching("你好") == set()
    assert RegexSet([]).matching("你好") == set()


def test_byte_offsets_become_character_offsets() -> None:
    encoded = Encoded("😀充值ab")
    found = [Regex(source).search_from(encoded.data, 0) for source in ("充值", "b")]
    spans = [match.span() for match in found if match is not None]
    assert [(encoded.char(start), encoded.char(end)) for start, end in spans] == [(1, 3), (4, 5)]
