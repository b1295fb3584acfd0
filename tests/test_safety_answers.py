"""Stories about who the bot is, what to do after being scammed, and numbers pasted into the chat."""

from __future__ import annotations

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Turn
from bot.core.understanding.sensitive import sensitive_numbers


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


def test_a_victim_who_tells_nothing_of_what_they_did_gets_urgent_steps_in_order(
    conversation: Conversation,
) -> None:
    reply = say(conversation, "我该怎么办，要报警吗").reply
    assert reply.intent == "scam_victim"
    text = reply.text
    steps = ["冻结这张卡", "运营商官方客服", "110", "解冻费"]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions), "bank first, then the number, then the police, then no more fees"
    assert all(word in text for word in ("10086", "*888", "国家反诈中心", "1326"))


@pytest.mark.parametrize(
    ("message", "first"),
    [
        ("我把验证码给他了怎么办", "95188"),  # the wallets tied to the number
        ("我已经点了，还填了银行卡号", "银行卡背面"),  # the bank
        ("我已经付了钱给代充没到账", "紧急止付"),  # the police's stop-payment
    ],
)
def test_a_victim_who_says_what_they_did_gets_the_steps_for_that(
    conversation: Conversation, message: str, first: str
) -> None:
    reply = say(conversation, message).reply
    assert reply.intent == "scam_victim" and reply.text.startswith("先止损")
    assert first in reply.text and "追款" in reply.text


def test_a_victim_can_see_every_reporting_channel_behind_a_button(conversation: Conversation) -> None:
    turn = say(conversation, "我被骗了怎么办")
    more = next(b for b in turn.reply.buttons if b.action == "more:scam_victim")
    text = conversation.on_action(more.action, turn.state).reply.text
    assert "96110" in text and "cicc.gov.ph" in text and "huliscam" in text


NOT_NEEDED = "我查不了号码或账户"


@pytest.mark.parametrize(
    "message",
    [
        "我的号码是09171234567，帮我查下余额",
        "我的号是139 1234 5678，怎么充值",
        "+63 917 123 4567 这个号码停机了",
        "验证码是 482913，你帮我充值",
        "my OTP is 4821 what now",
        "身份证11010519491231002X能实名吗",
        "卡号6222 0212 3456 7890 123 能充值吗",
    ],
)
def test_a_pasted_number_or_code_is_answered_first_with_we_need_none(
    conversation: Conversation, message: str
) -> None:
    text = say(conversation, message).reply.text
    assert text.startswith("⚠️ " + NOT_NEEDED) and "验证码不要发给任何人" in text.split("\n")[0]


@pytest.mark.parametrize(
    "message",
    [
        "13800100186是移动的客服吗",
        "打10086还是10010",
        "*123#怎么查余额",
        "充了100比索",
        "订单号 20241125123456789 没到账",
    ],
)
def test_official_numbers_amounts_and_order_numbers_are_not_the_users_secrets(
    conversation: Conversation, message: str
) -> None:
    assert NOT_NEEDED not in say(conversation, message).reply.text


def test_the_warning_is_in_the_users_script(conversation: Conversation) -> None:
    assert say(conversation, "我嘅驗證碼係 482913").reply.text.startswith("⚠️ 我查不了號碼")


class CountedText(str):
    """A text that counts the characters each slice or index of it hands out."""

    read = 0

    def __getitem__(self, key: int | slice) -> str:  # type: ignore[override]
        piece = super().__getitem__(key)
        self.read += len(piece)
        return piece


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("订单号：  6222 0212 3456 7890 123 没到账", False),
        ("REF-6222021234567890 pls check", False),
        ("Order#6222021234567890", False),
        ("卡号 6222 0212 3456 7890 123 能充值吗", True),
        ("订单号错了，我的卡是 6222 0212 3456 7890 123", True),
    ],
)
def test_a_card_number_after_the_word_for_an_order_is_not_a_secret(message: str, secret: bool) -> None:
    assert bool(sensitive_numbers(message)) is secret


def test_a_long_message_of_card_numbers_is_read_once_not_once_per_number() -> None:
    # 833 card numbers in 20,000 characters: the order-number check once searched everything
    # before each of them (8 million characters here; 200,000 characters took 44 s in `chat`).
    text = CountedText(("6222 0212 3456 7890 123 " * 834)[:20_000])
    assert len(sensitive_numbers(text)) == 833
    assert text.read <= 10 * len(text)
