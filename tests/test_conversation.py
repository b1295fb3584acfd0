"""The channel-agnostic core: what the bot decides to say, turn by turn."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.core.replying.answers import off_allowlist
from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from tests.conftest import DATA

ALLOWLIST = (
    "smart.com.ph",
    "gcash.com",
    "maya.ph",
    "ntc.gov.ph",
    "cicc.gov.ph",
    "10086.cn",
    "chinamobile.com",
    "10010.com",
    "189.cn",
    "12321.cn",
    "chinatelecom-h.com",
)


def test_operator_is_asked_then_the_original_question_answered(conversation: Conversation) -> None:
    turn = conversation.on_text("怎么查余额", ChatState())
    assert "哪家运营商" in turn.reply.text
    assert [b.action for b in turn.reply.buttons] == [
        "operator:smart",
        "operator:china_mobile",
        "operator:china_unicom",
        "operator:china_telecom",
    ]
    assert turn.state.pending == "balance_check"
    turn = conversation.on_action("operator:smart", turn.state)
    assert "*123#" in turn.reply.text and turn.reply.intent == "balance_check"
    assert turn.state == ChatState(operator="smart", pending=None, script="simplified", last="balance_check")
    # Remembered for the next question.
    turn = conversation.on_text("充值没到账", turn.state)
    assert turn.reply.intent == "topup_failed" and "Smart" in turn.reply.text


def test_operator_typed_as_text_answers_the_pending_question(conversation: Conversation) -> None:
    turn = conversation.on_text("保号要多久充一次", ChatState())
    assert turn.state.pending == "keep_number"
    turn = conversation.on_text("联通", turn.state)
    assert turn.reply.intent == "keep_number" and "10010" in turn.reply.text
    assert turn.state.operator == "china_unicom"


def test_operator_in_the_question_wins_over_the_remembered_one(conversation: Conversation) -> None:
    turn = conversation.on_text("移动客服电话", ChatState(operator="smart"))
    assert "10086" in turn.reply.text and turn.state.operator == "china_mobile"


def test_close_candidates_get_the_likelier_answer_and_the_other_as_a_button(
    conversation: Conversation,
) -> None:
    # eSIM and topping up are about equally likely here (0.6 against 0.4): eSIM is answered, and
    # topping up is the first button, never a bare "你想问的是下面哪一个".
    turn = conversation.on_text("esim怎么充值", ChatState(operator="smart"))
    assert turn.reply.intent == "esim" and "Multi SIM" in turn.reply.text
    assert turn.reply.buttons[0].action == "intent:topup_how"
    turn = conversation.on_action("intent:topup_how", turn.state)
    assert turn.reply.intent == "topup_how" and "1510" in turn.reply.text


def test_fallback_offers_the_main_menu(conversation: Conversation) -> None:
    turn = conversation.on_text("今天天气怎么样", ChatState())
    assert turn.reply.intent == "fallback"
    assert [b.action for b in turn.reply.buttons][:2] == ["intent:topup_how", "intent:topup_where"]
    assert len(turn.reply.buttons) == 10


@pytest.mark.parametrize(
    "action", ["intent:nope", "operator:globe", "bogus", "", "menu:x", "operator-menu:zzz"]
)
def test_stale_or_forged_actions_get_a_polite_answer(conversation: Conversation, action: str) -> None:
    turn = conversation.on_action(action, ChatState(operator="smart"))
    assert "按钮已经过期" in turn.reply.text and turn.state.operator == "smart"


def test_changing_operator_from_an_answer(conversation: Conversation) -> None:
    turn = conversation.on_action("intent:customer_service", ChatState(operator="smart"))
    change = [b for b in turn.reply.buttons if b.action.startswith("operator-menu:")]
    assert change
    turn = conversation.on_action(change[0].action, turn.state)
    assert turn.state.pending == "customer_service"
    turn = conversation.on_action("operator:china_telecom", turn.state)
    assert "10000" in turn.reply.text


@pytest.mark.parametrize(
    ("saved", "restored"),
    [
        ({"operator": "smart", "pending": "balance_check"}, ChatState("smart", "balance_check")),
        ({"operator": "globe", "pending": "no_such_intent", "added_later": 1}, ChatState()),
        ({"operator": ["smart"], "pending": 3}, ChatState()),
        ("not a dict", ChatState()),
        (None, ChatState()),
    ],
)
def test_a_saved_state_is_checked_against_the_content(
    conversation: Conversation, saved: object, restored: ChatState
) -> None:
    assert conversation.restore(saved) == restored


def test_reset_forgets_the_operator(conversation: Conversation) -> None:
    assert conversation.forget().state == ChatState()


BAD_INPUT = [
    "",
    "   \n\t ",
    "好" * 6000,
    "😀😀😀🎉",
    "？？？！！！。。。",
    "\x00\x07\x1b[31m充值\x1b[0m",
    "<b>怎么充值</b><script>alert(1)</script>",
    "Smart卡 top up 怎麼儲值 🙏 how?",
    "ｓｍａｒｔ卡怎么充值",
    "\u202e反转文字\u200b零宽",
    "a" * 10_000,
    "https://t.me/s/esim1088 " * 300,
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_gets_a_sensible_answer(conversation: Conversation, text: str) -> None:
    turn = conversation.on_text(text, ChatState())
    assert turn.reply.text and turn.reply.buttons


def test_full_width_and_traditional_text_is_understood(conversation: Conversation) -> None:
    classify = conversation.classifier.classify
    assert (classify("ｓｍａｒｔ卡怎么充值").intent, classify("ｓｍａｒｔ卡怎么充值").operator) == (
        "topup_how",
        "smart",
    )
    assert classify("餘額怎麼查").intent == "balance_check"


@pytest.mark.parametrize(
    ("text", "operator"),
    [
        ("我的菲律宾的卡要停机了", "smart"),
        ("GigaLife里怎么买load", "smart"),
        ("10086说我欠费", "china_mobile"),
        ("联通的号怎么保号", "china_unicom"),
        ("电信卡停机", "china_telecom"),
        ("用移动支付给smart充值", "smart"),
        ("电信诈骗怎么防", None),
        ("移动硬盘坏了", None),
        ("smartphone怎么设置", None),
        ("人在菲律宾，想问电信客服", "china_telecom"),
        ("我有smart卡和移动卡，smart卡怎么充", "smart"),
        ("低价代充 移动 联通 电信 秒到账", None),
        ("移动和联通哪个保号便宜", None),
        # A look-alike domain right after Chinese text is a link, not a mention of 10086.
        ("这个网站10086-cz.com是官方的吗", None),
        # A Philippine city says Smart when the question is about a card; a Chinese one says nothing.
        ("我在马尼拉 冲多少钱可以保号", "smart"),
        ("I am in Cebu, how do I top up", "smart"),
        ("人在达沃，在哪能买充值卡", "smart"),
        ("我在北京，怎么充值", None),
        ("人在马尼拉，电信卡怎么充", "china_telecom"),
        ("马尼拉哪里好吃", None),
    ],
)
def test_operator_entity(conversation: Conversation, text: str, operator: str | None) -> None:
    assert conversation.classifier.classify(text).operator == operator


def test_an_advert_for_every_operator_is_not_remembered_as_a_choice(conversation: Conversation) -> None:
    turn = conversation.on_text("低价代充 移动联通电信 秒到账", ChatState(operator="smart"))
    assert turn.reply.intent == "scam_check" and turn.state.operator == "smart"


def test_negation_drops_what_is_not_asked(conversation: Conversation) -> None:
    result = conversation.classifier.classify("不是问怎么充，是问在哪充")
    assert result.intent == "topup_where" and result.analysis.ignored == ("怎么充",)


@pytest.mark.parametrize("name", ["smart_topup_ad.txt", "sim_topup_ad.txt"])
def test_pasted_adverts_are_recognised_and_never_echoed(conversation: Conversation, name: str) -> None:
    text = (DATA / "ads" / name).read_text(encoding="utf-8")
    for sample in [text, *[line for line in text.splitlines() if "esim1088" in line]]:
        turn = conversation.on_text(sample, ChatState())
        assert turn.reply.intent == "scam_check", sample[:80]
        assert "esim1088" not in turn.reply.text and "t.me" not in turn.reply.text
        assert not off_allowlist(turn.reply.text, ALLOWLIST)


def every_answer(conversation: Conversation) -> Iterator[tuple[str, str | None, str]]:
    """(intent, operator, text) for every answer the bot can give: per operator, and the shared one."""
    for intent in conversation.classifier.matcher.intents:
        for op in (None, *(choice.id for choice in conversation.answers.operators)):
            if op is None and conversation.answers.needs_operator(intent):
                continue
            yield intent, op, conversation.answers.text(intent, op)


def test_no_answer_asks_for_secrets(conversation: Conversation) -> None:
    asks = ("请提供", "请发送", "告诉我你的", "输入你的验证码", "把验证码发")
    for intent, op, text in every_answer(conversation):
        assert not any(a in text for a in asks), (intent, op)


def test_no_gap_after_a_full_width_bracket(conversation: Conversation) -> None:
    for intent, op, text in every_answer(conversation):
        assert not re.search(r"） [\u4e00-\u9fff]", text), (intent, op)


def test_a_clause_that_only_tells_is_no_second_question(conversation: Conversation) -> None:
    # "充了錢還是這樣" tells what was tried; it asks nothing about a top-up not credited.
    text = conversation.on_text("電信號碼被單停了，打不出去只能接，充了錢還是這樣", ChatState()).reply.text
    assert "還問了" not in text and "还问了" not in text
