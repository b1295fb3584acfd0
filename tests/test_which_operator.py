"""Which operator a question is about: one the bot does not cover, two at once, a correction."""

from __future__ import annotations

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Turn

COVERS = "只介绍 Smart（菲律宾）、中国移动、中国联通、中国电信"


def say(conversation: Conversation, *texts: str, state: ChatState | None = None) -> Turn:
    """Pushes each text in turn and returns the last turn."""
    turn = conversation.on_text("你好", state or ChatState())
    for text in texts:
        turn = conversation.on_text(text, turn.state)
    return turn


@pytest.mark.parametrize(
    ("question", "operator"),
    [
        ("Globe卡怎么充值", "Globe"),
        ("中国广电的卡怎么充", "中国广电"),
        ("香港csl储值卡点样增值", "csl"),
        ("3HK的卡怎么充值", "3HK"),
        ("在台灣的超商可以幫中華電信儲值嗎", "中華電信"),
        ("台湾大哥大的卡怎么保号", "台湾大哥大"),
        ("远传的卡停机了", "远传"),
        ("*143#是什么", "Globe"),
    ],
)
def test_an_uncovered_operator_is_named_and_sent_to_its_own_channels(
    conversation: Conversation, question: str, operator: str
) -> None:
    # Even with Smart remembered from earlier in the chat, the operator named wins.
    reply = say(conversation, "smart卡怎么充值", question).reply
    assert operator in reply.text
    assert "官方 App、官网或门店" in reply.text or "官方 App、官網或門店" in reply.text
    assert "1510" not in reply.text and "http" not in reply.text


def test_a_scam_question_about_an_uncovered_operator_still_gets_the_scam_answer(
    conversation: Conversation,
) -> None:
    reply = say(conversation, "Globe发短信说我中奖了，要我先交手续费").reply
    assert reply.intent == "scam_check"
    assert COVERS not in reply.text


def test_an_operator_named_in_the_question_wins_over_the_remembered_one(conversation: Conversation) -> None:
    turn = say(conversation, "移动卡怎么充值", "电信卡怎么充值")
    assert "中国电信" in turn.reply.text and "中国移动" not in turn.reply.text
    assert turn.state.operator == "china_telecom"


def test_two_covered_operators_for_one_question_get_both_answers(conversation: Conversation) -> None:
    turn = say(conversation, "移动卡怎么充值", "我有两张卡，一张smart一张电信，都要充值")
    assert "Smart（菲律宾）预付卡的官方充值方法" in turn.reply.text
    assert "中国电信的官方充值方法" in turn.reply.text
    # Neither becomes the chat's operator: the one chosen before stays.
    assert turn.state.operator == "china_mobile" and turn.state.last == "topup_how"


def test_operators_whose_answers_do_not_fit_together_are_each_a_tap_away(
    conversation: Conversation,
) -> None:
    turn = say(conversation, "smart、移动、联通的卡充值都没到账")
    assert turn.reply.intent == "topup_failed" and "Smart（菲律宾）充值没到账" in turn.reply.text
    assert "你还提到了中国移动、中国联通" in turn.reply.text
    assert [b.action for b in turn.reply.buttons][:2] == ["operator:china_mobile", "operator:china_unicom"]
    answer = conversation.on_action("operator:china_unicom", turn.state)
    assert answer.reply.intent == "topup_failed" and "中国联通" in answer.reply.text
    # Or typed: "那移动呢" asks the same question for China Mobile.
    again = conversation.on_text("那移动呢", answer.state)
    assert again.reply.intent == "topup_failed" and "中国移动" in again.reply.text


@pytest.mark.parametrize(
    ("correction", "operator"),
    [
        ("是联通的卡，不对，是电信", "china_telecom"),
        ("唔係問Smart，係問中國移動", "china_mobile"),
        ("刚才说错了，我的卡是电信的不是移动", "china_telecom"),
        ("我想改問中國移動的，不是聯通", "china_mobile"),
    ],
)
def test_a_correction_keeps_the_operator_from_the_part_that_stays(
    conversation: Conversation, correction: str, operator: str
) -> None:
    assert say(conversation, "smart卡怎么充值", correction).state.operator == operator


def test_a_correction_after_which_operator_answers_the_waiting_question(conversation: Conversation) -> None:
    reply = say(conversation, "怎么保号", "不是问移动，是问联通").reply
    assert reply.intent == "keep_number" and "中国联通" in reply.text


def test_changing_the_operator_shows_the_picker(conversation: Conversation) -> None:
    turn = say(conversation, "smart卡怎么充值", "我想换个运营商")
    assert {b.action for b in turn.reply.buttons} == {
        "operator:smart",
        "operator:china_mobile",
        "operator:china_unicom",
        "operator:china_telecom",
    }


@pytest.mark.parametrize(
    ("question", "operator"),
    [
        ("这是不是smart的官网", "smart"),
        ("移动卡係唔係要實名", "china_mobile"),
        ("联通卡不是很好用，怎么充值", "china_unicom"),
    ],
)
def test_a_question_with_is_it_or_not_keeps_its_operator(
    conversation: Conversation, question: str, operator: str
) -> None:
    # "是不是" asks a question: it takes nothing back. A plain "不是" after the name leaves it alone.
    assert conversation.classifier.classify(question).operator == operator


def test_an_unread_question_that_names_an_operator_is_not_taken_for_a_choice(
    conversation: Conversation,
) -> None:
    # (漫游要不要开通 was the example here; it now gets the roaming checks of a 保号卡 abroad.)
    # Not answered by any answer: the honest "not confirmed" with Smart's hotline, no choice made.
    turn = say(conversation, "smart卡可以打国际长途吗")
    assert "没有核实" in turn.reply.text and "*888" in turn.reply.text and "以后按" not in turn.reply.text
    assert "以后按 Smart" in say(conversation, "smart").reply.text


@pytest.mark.parametrize(
    ("question", "operator"),
    [
        ("SIM registration link 在哪，smart.com.ph/simreg对吗", "smart"),
        ("https://my.smart.com.ph/reload 这个能用吗", "smart"),
        ("10086.cn 上面怎么充", "china_mobile"),
        # A look-alike is a scam's disguise: it says nothing of the user's own card.
        ("这个链接 smart-com-ph.xyz/rewards 是官方的吗", None),
        ("10086.cn.chongzhi-vip.com 是真的吗", None),
    ],
)
def test_an_official_link_tells_the_operator(
    conversation: Conversation, question: str, operator: str | None
) -> None:
    assert conversation.classifier.classify(question).operator == operator
