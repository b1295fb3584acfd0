"""Stories about who the bot is, what to do after being scammed, and numbers pasted into the chat."""

from __future__ import annotations

import pytest

from bot.core.conversation import ChatState, Conversation, Turn


def say(conversation: Conversation, *texts: str) -> Turn:
    """Pushes each text in turn into a new chat and returns the last turn."""
    turn = conversation.on_text(texts[0], ChatState())
    for text in texts[1:]:
        turn = conversation.on_text(text, turn.state)
    return turn


@pytest.mark.parametrize("question", ["你们是官方的吗", "你是谁", "你是机器人吗", "你是移动官方客服吗"])
def test_the_bot_says_it_is_not_official_and_never_asks_for_codes(
    conversation: Conversation, question: str
) -> None:
    reply = say(conversation, question).reply
    assert reply.intent == "about_bot"
    assert "不是运营商" in reply.text and "官方客服" in reply.text
    assert "从不向你要验证码" in reply.text


def test_asked_for_english_the_bot_says_it_answers_in_chinese_only(conversation: Conversation) -> None:
    reply = say(conversation, "can you answer in English please").reply
    assert "只用中文回答" in reply.text and "Chinese only" in reply.text


def test_asked_in_cantonese_the_answer_is_traditional(conversation: Conversation) -> None:
    reply = say(conversation, "你係咪官方㗎").reply
    assert "不是運營商" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "我把验证码给他了怎么办",
        "我已经点了，还填了银行卡号",
        "我已经付了钱给代充没到账",
        "我该怎么办，要报警吗",
    ],
)
def test_a_victim_gets_urgent_steps_in_order(conversation: Conversation, message: str) -> None:
    reply = say(conversation, message).reply
    assert reply.intent == "scam_victim"
    text = reply.text
    steps = ["冻结这张卡", "运营商官方客服", "110", "解冻费"]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions), "bank first, then the number, then the police, then no more fees"
    assert all(word in text for word in ("10086", "*888", "国家反诈中心", "1326"))


def test_a_victim_can_see_every_reporting_channel_behind_a_button(conversation: Conversation) -> None:
    turn = say(conversation, "我被骗了怎么办")
    more = next(b for b in turn.reply.buttons if b.action == "more:scam_victim")
    text = conversation.on_action(more.action, turn.state).reply.text
    assert "96110" in text and "cicc.gov.ph" in text and "huliscam" in text
