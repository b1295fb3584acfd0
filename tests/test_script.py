"""Replies in the user's own script: traditional in, traditional out (Hong Kong or Taiwan wording
where it shows); simplified stays simplified; the chat remembers the script it last saw."""

from __future__ import annotations

import opencc
import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.script import HONG_KONG, SIMPLIFIED, TAIWAN, TRADITIONAL, ScriptDetector
from bot.core.replying.turn import ChatState

# Characters only simplified writing uses (each changes under s2t, s2hk, s2tw and s2twp: checked below).
SIMPLIFIED_ONLY = (
    "们这说话费余额没账号码营业厅发门应该还会对时开关见实让认证银联网页链单请问给买卖转钱运营务电询办诉骗冻结"
    "动过选择币验证扫为样么线视频个东国际记录项须键该体宝无讯报举热"
)


def simplified_left(text: str) -> set[str]:
    return {ch for ch in text if ch in SIMPLIFIED_ONLY}


def test_the_list_holds_only_simplified_characters() -> None:
    for config in ("s2t", "s2hk", "s2tw", "s2twp"):
        converter = opencc.OpenCC(config)
        assert not [ch for ch in SIMPLIFIED_ONLY if converter.convert(ch) == ch], config


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("smart卡怎么充值", SIMPLIFIED),
        ("smart卡怎麼充值", TRADITIONAL),
        ("Smart卡點樣增值", HONG_KONG),
        ("易付卡可唔可以喺便利店增值", HONG_KONG),
        ("門市儲值要帶證件嗎", TAIWAN),
        ("超商可以儲值嗎", TAIWAN),
        ("how do I top up", None),
        ("smart", None),
        ("😀", None),
    ],
)
def test_the_script_is_read_from_the_text(text: str, script: str | None) -> None:
    assert ScriptDetector().detect(text) == script


@pytest.mark.parametrize(
    ("text", "previous", "script"),
    [
        ("你好", TRADITIONAL, None),  # shared characters: a traditional chat stays traditional
        ("充值", HONG_KONG, None),
        ("怎么充值", TRADITIONAL, SIMPLIFIED),  # simplified-only characters switch it back
        ("你好", None, SIMPLIFIED),
        ("你好", SIMPLIFIED, SIMPLIFIED),
    ],
)
def test_text_with_shared_characters_keeps_the_script_last_seen(
    text: str, previous: str | None, script: str | None
) -> None:
    assert ScriptDetector().detect(text, previous) == script


# (question, script, a word of that region's wording expected in the reply)
TRADITIONAL_QUESTIONS = [
    ("Smart卡點樣增值", HONG_KONG, "裏"),  # Hong Kong writes 裏
    ("喺7-11可唔可以買smart load", HONG_KONG, "便利店"),
    ("去Smart門店增值使唔使帶身份證", HONG_KONG, "門店"),
    ("門市可以儲值嗎", TAIWAN, "門店"),
    ("在台灣用超商儲值Smart卡可以嗎", TAIWAN, "超商"),  # Taiwan's words: 超商, 儲值
    ("支付寶能給菲律賓的Smart號碼充值嗎", TRADITIONAL, "支付寶"),
    ("淘寶上八折充話費靠譜嗎", TRADITIONAL, "慢充"),
    ("代充靠譜嗎", TRADITIONAL, "Telegram"),
    ("餘額怎麼查", TRADITIONAL, "餘額"),
]


@pytest.mark.parametrize(("question", "script", "word"), TRADITIONAL_QUESTIONS)
def test_traditional_in_traditional_out(
    conversation: Conversation, question: str, script: str, word: str
) -> None:
    turn = conversation.on_text(question, ChatState(operator="smart"))
    assert turn.state.script == script
    reply = turn.reply
    assert word in reply.text
    assert not simplified_left(reply.text), (simplified_left(reply.text), reply.text)
    for button in reply.buttons:
        assert not simplified_left(button.label), button.label


def test_every_answer_converts_fully_in_every_traditional_script(conversation: Conversation) -> None:
    for script in (TRADITIONAL, HONG_KONG, TAIWAN):
        for key, text, _ in conversation.answers.every_text():
            assert not simplified_left(conversation.convert(text, script)), (script, key)


def test_regional_wording_follows_the_user(conversation: Conversation) -> None:
    hong_kong = conversation.on_text("Smart卡點樣增值", ChatState(operator="smart")).reply.text
    taiwan = conversation.on_text("Smart卡怎麼儲值", ChatState(operator="smart")).reply.text
    assert "App 裏" in hong_kong and "App 裡" in taiwan


def test_simplified_stays_simplified(conversation: Conversation) -> None:
    turn = conversation.on_text("smart卡怎么充值", ChatState())
    assert turn.state.script == SIMPLIFIED
    assert turn.reply.text == conversation.answers.text("topup_how", "smart")
    assert [b.label for b in turn.reply.buttons][:2] == ["在哪充值", "充值没到账"]


def test_the_chat_remembers_the_script_it_last_saw(conversation: Conversation) -> None:
    turn = conversation.on_text("餘額怎麼查", ChatState())
    assert turn.state.script == TRADITIONAL and turn.state.pending == "balance_check"
    assert "哪家運營商" in turn.reply.text  # the question about the operator is converted too
    assert all(not simplified_left(b.label) for b in turn.reply.buttons)
    # A tapped button and a message without Chinese keep the script.
    turn = conversation.on_action("operator:smart", turn.state)
    assert "餘額" in turn.reply.text and not simplified_left(turn.reply.text)
    turn = conversation.on_text("thanks", turn.state)
    assert turn.state.script == TRADITIONAL and not simplified_left(turn.reply.text)
    turn = conversation.menu(turn.state)
    assert not simplified_left(turn.reply.text)
    # Writing simplified again switches back.
    turn = conversation.on_text("怎么充值", turn.state)
    assert turn.state.script == SIMPLIFIED and "充值方法" in turn.reply.text
    # /reset forgets the operator, not how the user writes.
    assert conversation.forget(ChatState(operator="smart", script=HONG_KONG)).state == ChatState(
        script=HONG_KONG
    )


def test_each_answer_is_converted_once(conversation: Conversation) -> None:
    first = conversation.on_text("Smart卡點樣增值", ChatState(operator="smart")).reply.text
    again = conversation.on_text("Smart卡點樣增值呀", ChatState(operator="smart")).reply.text
    assert first is again  # the same object: taken from the cache, not converted a second time


# Pairs of one character in two standards; a reply uses one of each pair, never both.
VARIANT_PAIRS = [
    ("爲", "為"),
    ("裏", "裡"),
    ("覈", "核"),
    ("着", "著"),
    ("説", "說"),
    ("户", "戶"),
    ("綫", "線"),
    ("啓", "啟"),
]


def test_no_reply_mixes_two_character_standards(conversation: Conversation) -> None:
    texts = [text for _, text, _ in conversation.answers.every_text()]
    texts += [conversation.answers.ui(name) for name in ("ask_operator", "clarify", "numbers_not_needed")]
    for script in (TRADITIONAL, HONG_KONG, TAIWAN):
        for text in texts:
            converted = conversation.convert(text, script)
            mixed = [pair for pair in VARIANT_PAIRS if all(ch in converted for ch in pair)]
            assert not mixed, (script, mixed, converted)


def test_taiwan_gets_its_own_words(conversation: Conversation) -> None:
    reply = conversation.on_text("Smart卡怎麼儲值，我在台灣", ChatState(operator="smart")).reply.text
    assert "儲值" in reply and "充值" not in reply
    wallet = conversation.on_text("支付寶可以幫聯通儲值嗎，我在台灣", ChatState()).reply.text
    assert "“手機充值”" in wallet  # the app's own menu entry, quoted as the app writes it
    generic = conversation.on_text("餘額怎麼查，沒有核實嗎", ChatState(operator="smart")).reply.text
    assert not any(ch in generic for ch in "爲裏覈")  # s2t's rarer forms


def test_cantonese_typed_in_simplified_characters_is_answered_in_simplified() -> None:
    detect = ScriptDetector().detect
    assert detect("我老妈喺香港收到短信话中国移动积分兑换礼品，撳咗条link入咗银行卡资料") == "simplified"
    assert detect("我老媽喺香港收到短信話中國移動積分兌換禮品，撳咗條link") == "hongkong"
    assert detect("易付卡點樣增值") == "hongkong"  # only shared characters and Hong Kong words
