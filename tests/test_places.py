"""Where the user is decides how a Smart card is topped up and kept: stories, and the check."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.devtools.checks import check
from tests.test_content_errors import edit


def ask(conversation: Conversation, text: str) -> str:
    return conversation.on_text(text, ChatState()).reply.text


@pytest.mark.parametrize(
    "question",
    ["我在马尼拉，smart卡怎么充值", "人在菲律宾，smart在哪充值", "I'm in Cebu, how to load my smart"],
)
def test_in_the_philippines_the_local_routes_come_first_and_abroad_is_not_mentioned(
    conversation: Conversation, question: str
) -> None:
    text = ask(conversation, question)
    assert "零售点" in text and "GCash" in text
    assert "国外" not in text and "漫游" not in text


@pytest.mark.parametrize(
    "question", ["我在日本，smart卡怎么充值", "人在国外smart卡在哪充值", "回国了smart怎么充"]
)
def test_outside_the_philippines_the_routes_from_abroad_come_first(
    conversation: Conversation, question: str
) -> None:
    text = ask(conversation, question)
    assert text.startswith("人不在菲律宾")
    assert "RELOAD" in text and "Pasaload" in text and "在菲律宾出售" in text


def test_a_smart_card_at_a_japanese_convenience_store_is_answered_honestly(
    conversation: Conversation,
) -> None:
    text = ask(conversation, "在日本的便利店能买smart的充值卡吗")
    assert "在菲律宾卖" in text and "没有核实到" in text and "Pasaload" in text


def test_keeping_the_number_from_manila_says_nothing_of_abroad(conversation: Conversation) -> None:
    # 马尼拉 is a hint of Smart too, so the answer comes at once.
    text = conversation.on_text("我在马尼拉 冲多少钱可以保号", ChatState()).reply.text
    assert "120 天" in text and "国外" not in text


def test_without_a_place_the_answer_covers_both_briefly(conversation: Conversation) -> None:
    text = ask(conversation, "smart卡怎么充值")
    assert "在菲律宾" in text and "人在国外" in text and len(text) <= 360


def test_a_place_variant_for_an_unknown_place_is_reported(content_copy: Path, cache_dir: Path) -> None:
    path = edit(
        content_copy, "responses/topup_where.yaml", "  outside_philippines:\n", "  outside_phillipines:\n"
    )
    _, problems = check(content_copy, cache_dir)
    assert any(
        p.path == path
        and "unknown place 'outside_phillipines'" in p.message
        and "outside_philippines" in p.fix
        for p in problems
    )


def test_the_place_is_remembered_for_the_next_questions(conversation: Conversation) -> None:
    turn = conversation.on_text("我在马尼拉，smart卡怎么充值", ChatState())
    turn = conversation.on_text("smart怎么保号", turn.state)
    assert "120 天" in turn.reply.text and "国外" not in turn.reply.text
    saved = {"place": turn.state.place, "operator": turn.state.operator}
    assert conversation.restore(saved).place == "philippines"
    assert conversation.restore({"place": "atlantis"}).place is None


def test_a_city_alone_does_not_choose_smart(conversation: Conversation) -> None:
    turn = conversation.on_text("马尼拉哪里好吃", ChatState())
    assert turn.state.operator is None and turn.reply.intent == "fallback"


def test_saying_only_where_one_is_answers_the_last_question_for_that_place(
    conversation: Conversation,
) -> None:
    # The Smart answer asks where the user is; "我在日本" alone is that answer, not an unknown question.
    asked = conversation.on_text("Smart卡怎么充值", ChatState())
    answered = conversation.on_text("我在日本", asked.state)
    assert answered.reply.intent == "topup_how" and answered.state.place == "outside_philippines"
    assert "人不在菲律宾" in answered.reply.text and "零售点" not in answered.reply.text


def test_saying_only_where_one_is_before_any_question_is_kept_for_the_next_answer(
    conversation: Conversation,
) -> None:
    noted = conversation.on_text("我在日本", ChatState())
    assert (
        noted.reply.intent is None
        and "在菲律宾以外" in noted.reply.text
        and "回答不了" not in noted.reply.text
    )
    again = conversation.on_action("intent:topup_how", replace(noted.state, operator="smart")).reply.text
    assert "人不在菲律宾" in again and "零售点" not in again


def test_a_place_typed_in_pinyin_is_where_the_user_is(conversation: Conversation) -> None:
    result = conversation.classifier.classify("zenme gei smart ka chongzhi a, wo zai guonei")
    assert result.place == "outside_philippines"
