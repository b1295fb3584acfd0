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
