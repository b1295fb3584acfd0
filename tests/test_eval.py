"""The accuracy bars, measured by the real `eval` command on questions written apart from the YAML."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from tests.conftest import DATA, run_cli

# holdout_setA.tsv: questions written apart from the YAML for issue 8 (first sight 0.732 on its 250;
# the 14 that happen to equal an example once normalized are left out). Its 19 about invoices or what
# Smart is joined once those intents existed: 0.947 at their first sight (baseline 0.895).
# holdout_setB.tsv: the last set written apart, kept unseen until the matcher, entities and content
# of this round were done: first sight 0.935 on its 260 (the SVM baseline 0.796), operator 0.981;
# the 14 that equal an example once normalized are left out.
QUESTION_SETS = ["questions.tsv", "holdout.tsv", "holdout_setA.tsv", "holdout_setB.tsv"]
# 140 questions about top-up channels (营业厅, 便利店, ATM, 支付宝, 淘宝, Pasaload…), written apart from
# the YAML by another helper, with a channel column. First sight (before the channel work): 0.514.
# Its bars are what the matcher reaches now minus a margin, below the 0.92 of the other sets: most
# misses are 在哪充值 read as 怎么充值, which the matcher work (issue 8) is to settle; for a question
# naming a channel both give the same answer (topup_how takes topup_where's channel variants).
CHANNEL_SET = "channels.tsv"
# 40 off-topic questions (weather, food, horoscopes, other products, chit-chat), half of them with a
# domain word or an operator name in them (smart汽车, 营业厅附近有停车场吗), written for the unknown-words
# prior: first sight 0.675 (baseline 0.575), 0.850 after. Its bar is that minus a margin.
OFFTOPIC_SET = "offtopic.tsv"


@pytest.mark.parametrize("name", QUESTION_SETS)
def test_eval_meets_the_bars(name: str) -> None:
    result = run_cli("eval", str(DATA / name), "--min-accuracy", "0.92", "--min-operator-accuracy", "0.95")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "accuracy:" in result.stdout and "precision" in result.stdout


# holdout_setD.tsv: 240 questions written by someone who never saw the YAML. First sight: intent
# 0.817, operator 0.958, channel 0.840 (the SVM baseline 0.742). The 6 that equal an example once
# normalized (what can you do, asdfgh…) are left out: on the 234 left, first sight was 0.812 /
# 0.957 / 0.840 (baseline 0.739). It has been a dev set since: its misses led to the details, the
# Cantonese and English words, the unrelated words and the official links of this round (0.902 /
# 0.966 / 0.927 after), then a few more YAML patterns and words (0.923). Two rows are labelled with
# both the spec's intent and the one the bot has beyond the writers' spec (a paid victim:
# scam_check|scam_victim; "你是chatgpt吗": fallback|about_bot). Its bars are the project's: what a
# dev set reached, not what unseen questions will.
DEV_SET = "holdout_setD.tsv"


def test_off_topic_set_meets_its_bar() -> None:
    result = run_cli("eval", str(DATA / OFFTOPIC_SET), "--min-accuracy", "0.8")
    assert result.returncode == 0, result.stdout + result.stderr


def test_labelled_set_is_large_and_varied() -> None:
    rows = list(csv.DictReader((DATA / "questions.tsv").open(encoding="utf-8"), delimiter="\t"))
    texts = [r["text"] for r in rows]
    assert len(rows) >= 200
    assert any(
        any("\u3400" <= c <= "\u9fff" and c in "麼號儲帳詢這" for c in t) for t in texts
    )  # traditional
    assert any(t.isascii() and " " in t for t in texts)  # English
    assert sum(len(t) <= 2 for t in texts) >= 5  # two-character questions
    assert sum(len(t) >= 50 for t in texts) >= 3  # long rambling ones
    assert any("不是" in t for t in texts)  # negations


def test_questions_are_not_copies_of_examples(conversation: Conversation) -> None:
    normalize = conversation.classifier.normalize
    examples = {normalize(e) for i in conversation.classifier.matcher.intents.values() for e in i.examples}
    for name in [*QUESTION_SETS, CHANNEL_SET, OFFTOPIC_SET, DEV_SET]:
        rows = csv.DictReader((DATA / name).open(encoding="utf-8"), delimiter="\t")
        copies = [r["text"] for r in rows if normalize(r["text"]) in examples]
        assert not copies, f"{name} repeats YAML examples: {copies}"


def test_eval_fails_below_the_minimum() -> None:
    result = run_cli("eval", str(DATA / "questions.tsv"), "--min-accuracy", "1.01")
    assert result.returncode == 1
    assert "below --min-accuracy" in result.stderr


def test_eval_rejects_a_bad_file(tmp_path: Path) -> None:
    bad_header = tmp_path / "bad.tsv"
    bad_header.write_text("question\tintent\n你好\tgreeting\n", encoding="utf-8")
    result = run_cli("eval", str(bad_header))
    assert result.returncode == 2 and "bad.tsv:1" in result.stderr

    unknown = tmp_path / "unknown.tsv"
    unknown.write_text("text\tintents\toperator\n你好\tgreetings\t\n", encoding="utf-8")
    result = run_cli("eval", str(unknown))
    assert result.returncode == 2 and "unknown.tsv:2" in result.stderr and "greetings" in result.stderr

    missing = run_cli("eval", str(tmp_path / "nope.tsv"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_eval_compares_with_the_baseline_in_one_run() -> None:
    result = run_cli("eval", str(DATA / "holdout_setA.tsv"), "--baseline")
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("baseline: linear SVM", 1)[1]
    [overall] = [line.split() for line in table.splitlines() if line.startswith("accuracy")]
    mine, theirs = float(overall[1]), float(overall[2])
    assert 0 < theirs <= 1 and 0 < mine <= 1
    assert "scam_check" in table and "asks 你想问的是…" in result.stdout


def test_cross_validation_reports_both_models() -> None:
    result = run_cli("eval", "--cross-validate", "3")
    assert result.returncode == 0, result.stderr
    assert "stratified 3-fold cross-validation" in result.stdout
    [overall] = [line.split() for line in result.stdout.splitlines() if line.startswith("accuracy")]
    assert all(0.5 < float(x) <= 1 for x in overall[1:])
    assert run_cli("eval", "--cross-validate", "1").returncode == 2


# holdout_setG.tsv: 280 questions with the writer's situation in them (56 from people who already
# acted on a scam), written by a helper who saw only the label spec (issue 14; the columns text to
# channel of ../sets/setG.tsv). First look, before this round's changes: intent 0.739, operator
# 0.936, channel 0.609 (SVM baseline 0.704); replies judged 40.7 % answers, 16.8 % bad, 44 of the
# 56 already scammed bad. A dev set since: the situation and the policies were checked against it.
SET_G = "holdout_setG.tsv"
# Of the messages from people who already acted on a scam, at least this many get what to do now
# first (50 of 56 on the dev set; 6 before the situation was read); no one else gets it.
SET_G_HELPED_FIRST = 48


def test_set_g_victims_get_help_first_and_no_one_else_does(conversation: Conversation) -> None:
    with (DATA / SET_G).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    helped, wrongly = 0, []
    for row in rows:
        reply = conversation.on_text(row["text"], ChatState()).reply.text
        first = reply.startswith(("先止损", "先止損"))  # simplified or traditional
        if "scam_victim" in row["intents"].split("|"):
            helped += first
        elif first:
            wrongly.append(row["text"])
    assert helped >= SET_G_HELPED_FIRST and not wrongly, (helped, wrongly)


# holdout_setH.tsv: 260 questions with situations (52 already scammed), written apart from the YAML
# for the final look of issue 14's first round (the columns text to channel of ../sets/setH.tsv).
# Sealed first look: intent 0.631 (SVM baseline 0.662), operator 0.950, channel 0.638; replies
# judged 49.6 % answers, 9.2 % bad. classify then told 42 of its 46 single-label victims as
# another intent. A dev set since: the situation in classify was checked against it (0.873).
SET_H = "holdout_setH.tsv"


# holdout_setI.tsv: 260 questions with situations (52 already scammed), written apart from the YAML
# for issue 14's second round and sealed until its one first look on the round's final code
# (text, intent and operator of ../sets/sealed2/setI.tsv; its writer's channels are free words).
# First look: intent 0.881, operator 0.965; SVM baseline 0.712. Replies judged by a new helper:
# answers 64.2 %, asks 2.3 %, partly 25.8 %, wrong 4.6 %, bad 3.1 %. A dev set from here on.
SET_I = "holdout_setI.tsv"
# holdout_setJ.tsv: 200 questions with situations (40 already scammed), written apart from the YAML
# by a fifth helper after set I's first look, sealed until one look on this round's last code
# (text, intent and operator of ../sets/sealed4/setJ.tsv). First look: intent 0.895, operator
# 0.965; SVM baseline 0.770; replies judged by a new helper: answers 66.5 %, asks 0.5 %, partly
# 26.0 %, wrong 4.5 %, bad 2.5 %. A dev set from here on.
SET_J = "holdout_setJ.tsv"
# holdout_setK.tsv: 160 questions with situations (32 already scammed), by a sixth helper after set
# J's look, sealed until one look on this round's last code. First look: intent 0.875, operator
# 0.956; SVM baseline 0.812; replies judged by a new helper: answers 65.6 %, partly 25.0 %, wrong
# 4.4 %, bad 5.0 %. A dev set from here on.
SET_K = "holdout_setK.tsv"
# holdout_setL.tsv: 250 questions with situations (50 already scammed), by a seventh helper at the
# start of issue 14's third round, sealed until one look on that round's final code (text, intents,
# operator of ../sets/sealed6/setL.tsv; "other" operators left blank). First look: intent 0.844,
# operator 0.988; SVM baseline 0.720; replies judged by a new helper: answers 57.2 %, partly
# 34.4 % (23 of them English or Taglish answered in Chinese), wrong 6.4 %, bad 2.0 %. A dev set now.
SET_L = "holdout_setL.tsv"
# holdout_setM.tsv: 150 questions by an eighth helper, a dev set from the start of the same round:
# first look intent 0.847 (SVM 0.747), replies 59.3 % answers, 26.7 % partly, 9.3 % wrong, 4.7 %
# bad; mended after its judge's look.
SET_M = "holdout_setM.tsv"


@pytest.mark.parametrize(
    ("name", "intent", "operator", "channel"),
    [
        (CHANNEL_SET, "0.74", "0.95", "0.93"),
        (DEV_SET, "0.92", "0.95", "0.90"),
        (SET_G, "0.85", "0.93", "0.60"),
        (SET_H, "0.84", "0.93", "0.60"),
        (SET_I, "0.86", "0.95", None),  # its writer's channels are free words, left out
        (SET_J, "0.87", "0.95", None),  # its writer named no channels
        (SET_K, "0.85", "0.94", None),
        (SET_L, "0.82", "0.97", None),
        (SET_M, "0.89", "0.95", None),
    ],
)
def test_each_set_meets_its_bars(name: str, intent: str, operator: str, channel: str | None) -> None:
    bars = ["--min-accuracy", intent, "--min-operator-accuracy", operator]
    bars += ["--min-channel-accuracy", channel] if channel else []
    result = run_cli("eval", str(DATA / name), *bars)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("channel accuracy:" in result.stdout) == (channel is not None)
