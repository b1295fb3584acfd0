"""Matching as a new user meets it: politeness around a question, two questions, negations,
regional wording, pinyin and homophone typos. Each story pushes text and reads the reply."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.core.understanding.linear import train
from bot.core.understanding.pinyin import SoundAlike
from bot.core.understanding.spelling import NameSpelling
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("你好，请问Smart卡怎么充值？", "topup_how"),
        ("谢谢，那再问一下余额怎么查", "balance_check"),
        ("谢谢！再问下联通客服电话是多少", "customer_service"),
        ("怎么保号？谢谢啦", "keep_number"),
        ("hi, how to top up smart?", "topup_how"),
        # Without punctuation (voice input): the opening greeting and the closing thanks apart.
        ("我那个菲律宾的卡想充点钱进去但是不知道怎么弄你能不能教我一下谢谢", "topup_how"),
        ("您好我想问一下smart卡余额怎么查", "balance_check"),
    ],
)
def test_a_greeting_or_thanks_never_wins_over_the_question(
    conversation: Conversation, text: str, intent: str
) -> None:
    turn = conversation.on_text(text, ChatState(operator="smart"))
    assert turn.reply.intent == intent


def test_a_greeting_alone_is_still_a_greeting(conversation: Conversation) -> None:
    assert conversation.on_text("你好呀", ChatState()).reply.intent == "greeting"
    assert conversation.on_text("谢谢，拜拜", ChatState()).reply.intent == "thanks_bye"
    # Thanks after a statement, not a question, is thanks; so is Tagalog's salamat.
    assert conversation.on_text("已经充进去了 谢谢🙏", ChatState()).reply.intent == "thanks_bye"
    assert conversation.on_text("ok salamat po 🙏", ChatState()).reply.intent == "thanks_bye"


@pytest.mark.parametrize(
    "text",
    [
        "不是问保号，我的号已经停了",
        "我不是要保号，号已经停了",
        "我不是想问保号的事，号码被停机了",
        "唔係問保號，我張卡停咗",  # Cantonese, traditional script
        "not asking about keeping my number, it is already suspended",
        "i don't want to keep the number, it was deactivated already",
    ],
)
def test_a_negated_clause_is_left_out(conversation: Conversation, text: str) -> None:
    result = conversation.classifier.classify(text)
    assert result.intent == "number_suspended"
    assert any("保号" in part or "number" in part for part in result.analysis.ignored)


def test_a_negation_alone_stays_a_question(conversation: Conversation) -> None:
    # One clause, nothing after it: "isn't this a scam?" is asked, not denied.
    assert conversation.classifier.classify("这不是诈骗吗").intent == "scam_check"


def test_the_second_question_waits_while_the_operator_is_asked(conversation: Conversation) -> None:
    turn = conversation.on_text("怎么充值？还有怎么查余额？", ChatState())
    assert turn.state.pending in ("topup_how", "balance_check")
    assert all(b.action.startswith("operator:") for b in turn.reply.buttons)


def test_two_questions_answer_one_and_offer_the_other(conversation: Conversation) -> None:
    turn = conversation.on_text("怎么充值？还有怎么查余额？", ChatState(operator="smart"))
    answered = turn.reply.intent
    assert answered in ("topup_how", "balance_check")
    other = "topup_how" if answered == "balance_check" else "balance_check"
    assert turn.reply.buttons[0].action == f"intent:{other}"
    turn = conversation.on_action(turn.reply.buttons[0].action, turn.state)
    assert turn.reply.intent == other


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("點樣幫張卡增值", "topup_how"),  # Hong Kong
        ("門市可以儲值嗎", "topup_where"),  # Taiwan
        ("我張卡停咗點算", "number_suspended"),  # Cantonese
        ("易付卡點樣增值", "topup_how"),
        ("my number got deactivated", "number_suspended"),
        ("where can i buy load", "topup_where"),
        ("充值😭没到账", "topup_failed"),
        ("my sim was blocked what should i do", "number_suspended"),
        ("paano mag load sa smart", "topup_how"),  # Tagalog
        ("load hindi pumasok", "topup_failed"),
        ("pano mag load sa smart", "topup_how"),  # paano as typed in chat
        ("我部电话冇钱啦，点算", "topup_how"),  # no money on a phone is no credit
        ("load didnt arrive, paid 30 mins ago", "topup_failed"),
    ],
)
def test_regional_wording_english_and_emoji(conversation: Conversation, text: str, intent: str) -> None:
    assert conversation.classifier.classify(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # Homophone typos, none of them listed in the lexicon: read by their sound.
        ("话废怎么查", "balance_check"),
        ("冲值没到账", "topup_failed"),
        ("充直怎么弄", "topup_how"),
        ("保耗要多少钱", "keep_number"),
        ("实明认证怎么弄", "real_name"),
        # Pinyin, joined or spaced.
        ("bao hao", "keep_number"),
        ("chong zhi zenme nong", "topup_how"),
        ("zěnme chōngzhí", "topup_how"),  # with the tones marked
        ("zhe ge shi pianzi ma", "scam_check"),  # pinyin of words the examples use
    ],
)
def test_sound_alike_typos_and_pinyin(conversation: Conversation, text: str, intent: str) -> None:
    assert conversation.classifier.classify(text).intent == intent


def test_operator_names_in_pinyin(conversation: Conversation) -> None:
    result = conversation.classifier.classify("liantong kefu dianhua duoshao")
    assert (result.intent, result.operator) == ("customer_service", "china_unicom")


def test_sound_alike_mends_lone_characters_only(tmp_path: Path) -> None:
    sound = SoundAlike(["话费", "充值", "到账"], tmp_path)
    assert sound.repair(["话", "废", "怎么", "查"]) == (["话费", "怎么", "查"], [("话废", "话费")])
    # Real words jieba keeps whole are never "mended", even when they sound alike: 花费, 长沙.
    assert sound.repair(["花费", "多少"]) == (["花费", "多少"], [])
    assert sound.repair(["我", "到", "长沙", "了"])[1] == []
    # Sounding alike is not enough: at least one character must be the same (化肥 is fertiliser).
    assert sound.repair(["化", "肥"])[1] == []
    # A particle that differs is grammar, not a typo.
    assert SoundAlike(["号码"], tmp_path).repair(["号", "吗"])[1] == []
    assert sound.latin("chong zhi hello huafei") == "充值 hello 话费"


def test_pinyin_is_told_from_other_latin_words(tmp_path: Path) -> None:
    sound = SoundAlike(["充值"], tmp_path)
    assert all(sound.is_pinyin(w) for w in ["ka", "shi", "haoma", "feilvbin", "zhifubao"])
    assert not any(sound.is_pinyin(w) for w in ["pizza", "bitcoin", "netflix", "12", "充值"])


@pytest.mark.parametrize(
    "text",
    ["卡密1234 是什么星座", "smart汽车多少钱", "联通的logo是什么颜色", "水逆是什么意思"],
)
def test_a_domain_word_beside_an_unknown_topic_is_off_topic(conversation: Conversation, text: str) -> None:
    # The words no example has (星座, 汽车) are what these are about; 是什么 or 卡密 alone would
    # have said what_is_smart or balance_check.
    assert conversation.classifier.classify(text).intent == "fallback"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("余额宝收益怎么算", "fallback"),
        ("充电宝充不进电怎么办", "fallback"),
        ("充电宝能带上飞机吗", "fallback"),
        # The domain words themselves still say what is asked.
        ("余额怎么查", "balance_check"),
        ("话费充不进去怎么办", "topup_failed"),
    ],
)
def test_a_word_that_only_contains_a_domain_word_is_not_about_it(
    conversation: Conversation, text: str, intent: str
) -> None:
    # 充电宝 and 余额宝 (the lexicon's `unrelated`) hold 充 and 余额 but are a battery and a fund.
    assert conversation.classifier.classify(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # Topping up something else (the lexicon's `unrelated`), with nothing about a phone card.
        ("王者荣耀点券怎么充值便宜", "fallback"),
        ("公交卡在支付宝上怎么充", "fallback"),
        ("Netflix会员充值哪里便宜", "fallback"),
        # A card word or an operator beside it keeps the question about the card (its `card_words`).
        ("余额宝能给手机号充值吗", "topup_where"),
        ("星巴克旁边的7-11能充smart吗", "topup_where"),
    ],
)
def test_topping_up_something_else_is_off_topic(conversation: Conversation, text: str, intent: str) -> None:
    assert conversation.classifier.classify(text).intent == intent


def test_something_else_is_named_in_the_explanation(conversation: Conversation) -> None:
    ranking = conversation.classifier.matcher.analyse("公交卡怎么充值", explain=True).ranking
    fallback = next(r for r in ranking if r.intent == "fallback")
    assert any(v.feature == "about something else: 公交卡" for v in fallback.votes)


def test_unknown_words_are_named_in_the_explanation(conversation: Conversation) -> None:
    ranking = conversation.classifier.matcher.analyse("smart汽车多少钱", explain=True).ranking
    fallback = next(r for r in ranking if r.intent == "fallback")
    assert any(v.feature == "unknown words 汽车" and v.points > 0 for v in fallback.votes)
    # Function words (怎么), domain words and operator names are never unknown.
    assert conversation.classifier.matcher.unknown_share(["smart", "怎么", "充值"]) == (0.0, [])


@pytest.mark.parametrize("text", ["我的smat卡要冲值", "smrat卡怎么充值", "smar卡余额怎么查", "smaart load"])
def test_a_latin_name_one_slip_off_is_the_name(conversation: Conversation, text: str) -> None:
    assert conversation.classifier.classify(text).operator == "smart"


def test_only_slips_of_long_names_are_mended() -> None:
    spelling = NameSpelling(["smart", "tnt", "unicom"], words=["smar"])
    assert spelling.mend("unicmo卡 smrat") == "unicom卡 smart"
    # A changed letter is a word of its own (start), a missing first letter too (mart); a word the
    # content uses is never a slip; a short name (tnt) is too close to too many words.
    assert spelling.mend("start mart smar tn smartphone") == "start mart smar tn smartphone"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我在日本能收到smart的短信验证码吗", "keep_number"),
        ("这张卡在国内能收到银行验证码吗", "keep_number"),
        ("有陌生人叫我把手机收到的验证码念给他听", "scam_check"),
        ("有人要我的验证码", "scam_check"),
    ],
)
def test_receiving_codes_is_not_being_asked_for_one(
    conversation: Conversation, text: str, intent: str
) -> None:
    assert conversation.classifier.classify(text).intent == intent


def test_a_keyword_inside_a_longer_domain_word_does_not_fire(conversation: Conversation) -> None:
    # 保号 is keep_number's keyword; 保号卡 is the card, and this asks how to top it up.
    assert conversation.classifier.classify("保号卡怎么充").intent == "topup_how"
    assert conversation.classifier.classify("保号要充多少").intent == "keep_number"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("重复扣的那100怎么退", "topup_failed"), ("my load expired, will i lose my number?", "keep_number")],
)
def test_lexicon_phrases_for_charges_and_losing_the_number(
    conversation: Conversation, text: str, intent: str
) -> None:
    assert conversation.classifier.classify(text).intent == intent


def test_training_is_deterministic() -> None:
    samples = [({"w:充值": 1.0}, "a"), ({"w:余额": 1.0}, "b"), ({"w:充值": 0.5, "w:怎么": 0.5}, "a")]
    first, second = train(samples, ["a", "b"]), train(samples, ["a", "b"])
    assert first.weights == second.weights and first.bias == second.bias
    assert first.logits({"w:充值": 1.0})[0] > first.logits({"w:充值": 1.0})[1]


def test_explain_lists_what_moved_winner_and_runner_up() -> None:
    import json

    record = json.loads(run_cli("classify", "--explain", stdin="冲值没到账\n").stdout)
    explain = record["explain"]
    assert record["intent"] == "topup_failed" and "充值" in explain["words"]
    for side in ("winner", "runner_up"):
        votes = explain[side]["votes"]
        assert votes and all(isinstance(points, float) for _, points in votes)
        assert any(feature == "bias" or feature.startswith(("w:", "c:")) for feature, _ in votes)
    # What set them apart, largest first: the sound-alike 充值 is among it.
    margin = dict(explain["margin"])
    assert any("充值" in feature or "没到账" in feature for feature in margin)
