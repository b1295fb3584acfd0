"""Follow-ups read against the last answer, told as stories: the user types, the bot replies."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.policies import Message
from bot.core.replying.turn import ChatState, Reply

ADVERT = (
    "【话费8折秒到】移动联通电信全国话费充值，100元只需80元，24小时自动到账，支持支付宝微信USDT，"
    "联系TG @huafei_vip888"
)


class Chat:
    """One user's chat: push a text or tap a button, read the reply; the state carries over."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.state = ChatState()

    def says(self, text: str) -> Reply:
        turn = self.conversation.on_text(text, self.state)
        self.state = turn.state
        return turn.reply

    def taps(self, action: str) -> Reply:
        turn = self.conversation.on_action(action, self.state)
        self.state = turn.state
        return turn.reply


@pytest.fixture
def chat(conversation: Conversation) -> Callable[[], Chat]:
    return lambda: Chat(conversation)


def actions(reply: Reply) -> list[str]:
    return [b.action for b in reply.buttons]


def test_naming_another_operator_answers_the_last_question_for_it(chat: Callable[[], Chat]) -> None:
    user = chat()
    assert user.says("smart卡怎么充值").intent == "topup_how"
    reply = user.says("那联通呢")
    assert reply.intent == "topup_how" and "中国联通的官方充值方法" in reply.text
    assert "以后按" not in reply.text
    reply = user.says("移动的呢")
    assert reply.intent == "topup_how" and "中国移动的官方充值方法" in reply.text
    assert user.state.operator == "china_mobile"


def test_an_operator_alone_with_no_question_before_is_only_remembered(chat: Callable[[], Chat]) -> None:
    user = chat()
    assert "以后按 中国联通" in user.says("联通的").text


def test_a_place_alone_answers_the_last_question_for_that_place(chat: Callable[[], Chat]) -> None:
    user = chat()
    assert "零售点" in user.says("smart卡怎么充值").text
    reply = user.says("在国外呢")
    assert reply.intent == "topup_how" and "人不在菲律宾" in reply.text and "零售点" not in reply.text
    # 菲律宾 hints at Smart, but the card asked about stays the chat's own.
    user = chat()
    user.says("中国电信怎么充值")
    reply = user.says("在菲律宾呢")
    assert user.state.operator == "china_telecom" and user.state.place == "philippines"
    assert reply.intent == "topup_how" and "Smart" not in reply.text


def test_a_place_with_what_now_is_a_place_follow_up(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says("smart卡怎么充值")
    reply = user.says("那我在国内怎么办")
    assert reply.intent == "topup_how" and "人不在菲律宾" in reply.text
    # A place beside a question of its own is that question, for that place.
    assert user.says("我在国内，怎么查余额").intent == "balance_check"


def test_a_place_with_no_answer_of_its_own_says_so_instead_of_repeating(chat: Callable[[], Chat]) -> None:
    user = chat()
    first = user.says("中国电信怎么充值")
    reply = user.says("在国外呢")
    assert reply.text != first.text and "没有比上面更具体的说明" in reply.text
    assert "intent:customer_service" in actions(reply)


def test_why_after_a_verdict_gives_its_red_flags(chat: Callable[[], Chat]) -> None:
    user = chat()
    verdict = user.says(ADVERT)
    assert verdict.text.startswith("风险：高")
    reply = user.says("为什么")
    assert "骗局信号" in reply.text and "价格低于面值" in reply.text and "USDT" in reply.text
    assert "我能回答这些问题" not in reply.text  # not /help
    assert "huafei_vip888" not in reply.text  # the handle stays masked as in the verdict


def test_why_says_each_red_flag_once_as_the_verdict_listed_it(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says("话费8折代充，联系TG @huafei_8888，USDT付款")
    reply = user.says("为什么")
    # "USDT付款" holds "USDT": the lighter flag is not a second reason.
    assert "加密货币付款" in reply.text and "提到虚拟币" not in reply.text


def test_why_after_asking_whether_the_advert_is_safe_still_means_the_verdict(
    chat: Callable[[], Chat],
) -> None:
    user = chat()
    user.says(ADVERT)
    assert user.says("这个靠谱吗").intent == "scam_check"
    assert "价格低于面值" in user.says("为什么").text


def test_a_weak_victim_reading_after_a_verdict_still_gets_the_victims_steps(
    chat: Callable[[], Chat],
) -> None:
    user = chat()
    user.says("我在TG上找人代充了200块移动话费，付了160，等了三天还没到账，对方现在不回我了")
    reply = user.says("钱还能追回来吗")
    assert "你是接着问" not in reply.text and "回答不了" not in reply.text


def test_what_now_after_a_verdict_depends_on_having_paid(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says(ADVERT)
    reply = user.says("那怎么办")
    assert "已经付了钱" in reply.text and actions(reply)[0] == "intent:scam_victim"


@pytest.mark.parametrize("story", ["我已经付了钱", "我把验证码给他了", "我已经转账了"])
def test_having_paid_after_a_verdict_gets_the_victims_steps(chat: Callable[[], Chat], story: str) -> None:
    user = chat()
    user.says(ADVERT)
    reply = user.says(story)
    # What to do now for what they did, never "don't pay" (tests/test_already_scammed.py).
    assert reply.intent == "scam_victim" and reply.text.startswith("先止损") and "不要付款" not in reply.text


def test_a_transaction_number_after_a_failed_top_up_is_no_victims_story(chat: Callable[[], Chat]) -> None:
    user = chat()
    assert user.says("我用GCash买了300比索的Smart load，显示成功但是没到账").intent == "topup_failed"
    reply = user.says("交易号已经有了，要找谁")
    assert reply.intent == "topup_failed" and "先别慌" not in reply.text
    assert "GCash" in reply.text and "“充值没到账”" in reply.text


def test_why_after_an_answer_speaks_of_that_answer(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says("移动怎么保号")
    reply = user.says("为什么")
    assert reply.intent == "keep_number" and "“保号”" in reply.text
    assert "我能回答这些问题" not in reply.text


def test_how_much_after_an_answer_is_read_against_it(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says("smart怎么保号")
    # The 保号 answer has a variant for the smallest amount: that one.
    reply = user.says("要多少钱")
    assert reply.intent == "keep_number" and "最少充多少" in reply.text
    user = chat()
    user.says("smart卡的esim怎么弄")
    reply = user.says("多少钱")
    assert reply.intent == "esim" and "“eSIM”" in reply.text and "回答不了" not in reply.text


def test_then_what_after_an_answer_never_gets_the_fallback(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says("smart卡怎么充值")
    reply = user.says("然后呢")
    assert "回答不了" not in reply.text and "intent:topup_how" in actions(reply)


def test_a_follow_up_that_says_too_little_is_asked_about(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says("smart卡的esim怎么弄")
    reply = user.says("我的iPhone能用吗")
    assert reply.intent is None and "你是接着问“eSIM”吗" in reply.text
    assert actions(reply)[0] == "intent:esim"


def test_a_how_much_about_the_last_answer_is_answered_or_asked_about(chat: Callable[[], Chat]) -> None:
    user = chat()
    assert user.says("pasaload怎么用，我妹妹在宿务").intent == "topup_how"
    # Pasaload's daily limit is a narrower question the content answers…
    assert "₱200" in user.says("一天最多能转多少").text
    # …and one that says too little is asked about, never the fallback.
    reply = user.says("最多多少")
    assert "回答不了" not in reply.text and "你是接着问“怎么充值”吗" in reply.text


def test_an_off_topic_message_after_an_answer_still_gets_the_fallback(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says("smart卡怎么充值")
    assert user.says("今天天气怎么样").intent == "fallback"


def test_follow_ups_with_nothing_before_are_read_as_they_are(chat: Callable[[], Chat]) -> None:
    user = chat()
    assert "骗局信号" not in user.says("为什么").text
    assert user.says("多少钱").intent == "fallback"


def test_two_short_questions_in_one_message_get_both_answers(chat: Callable[[], Chat]) -> None:
    user = chat()
    reply = user.says("联通客服电话多少，还有怎么查余额")
    assert "10010" in reply.text and "余额" in reply.text
    assert reply.text.count("\n\n") >= 1


def test_a_second_question_too_long_to_add_is_named_with_its_button(chat: Callable[[], Chat]) -> None:
    user = chat()
    reply = user.says("Smart卡怎么充值，还有怎么查余额")
    main, second = reply.intent, {"balance_check", "topup_how"} - {reply.intent}
    assert main in {"balance_check", "topup_how"}
    (other,) = second
    assert actions(reply)[0] == f"intent:{other}"
    assert f"还问了“{user.conversation.answers.title(other)}”" in reply.text


def test_a_new_question_instead_of_an_operator_is_answered(chat: Callable[[], Chat]) -> None:
    user = chat()
    assert "哪家运营商" in user.says("怎么查余额").text
    reply = user.says("联通卡停机了怎么办")
    assert reply.intent == "number_suspended" and "中国联通" in reply.text


@pytest.mark.parametrize("answer", ["smart的", "是smart卡", "我的是Smart卡", "smart，在国外"])
def test_naming_the_card_answers_which_operator_however_it_reads(
    chat: Callable[[], Chat], answer: str
) -> None:
    user = chat()
    user.says("怎么查余额")
    reply = user.says(answer)
    assert reply.intent == "balance_check" and "*123#" in reply.text


@pytest.mark.parametrize("question", ["联通卡收不到短信", "smart是什么"])
def test_a_new_question_naming_an_operator_is_not_swallowed_by_which_operator(
    chat: Callable[[], Chat], question: str
) -> None:
    user = chat()
    user.says("怎么查余额")
    # Answered as it reads alone (however surely), not as the balance question that waited.
    read = user.conversation.classifier.classify(question).intent
    assert user.says(question).intent == read != "balance_check"


@pytest.mark.parametrize("follow_up", ["为什么", "多少钱", "然后呢"])
def test_a_follow_up_while_the_operator_is_asked_keeps_the_question(
    chat: Callable[[], Chat], follow_up: str
) -> None:
    user = chat()
    assert user.says("代充靠谱吗").intent == "scam_check"  # an answer before, for any operator
    assert user.says("怎么查余额").intent == "balance_check" and user.state.pending
    reply = user.says(follow_up)
    assert "“查余额”" in reply.text and actions(reply)[0].startswith("operator:")
    assert user.state.pending == "balance_check"


def test_a_remark_while_the_operator_is_asked_keeps_the_question(chat: Callable[[], Chat]) -> None:
    user = chat()
    user.says("支付宝里的手机充值在国外能用吗")
    assert user.state.pending == "topup_where"
    reply = user.says("我的支付宝是绑定的国内银行卡")
    assert "回答不了" not in reply.text and "“在哪充值”" in reply.text
    assert actions(reply)[0].startswith("operator:") and user.state.pending == "topup_where"
    reply = user.says("联通")
    assert reply.intent == "topup_where" and "支付宝" in reply.text and "中国联通" in reply.text


def test_an_answer_the_same_for_every_operator_does_not_ask_which(conversation: Conversation) -> None:
    # Money paid to a private seller is the same story whatever the card: no "which operator?".
    # (The scam check would rate this message first; the decision after it is what is shown here.)
    heard = conversation.classifier.classify("在微信上找人代充话费没到账")
    assert heard.operator is None and heard.channel == "private_seller"
    turn = conversation.decide(Message(heard.text, heard, None, ChatState(), None))
    assert turn.state.pending is None and turn.reply.intent == "topup_failed"
    assert "哪家运营商" not in turn.reply.text
    # An answer that differs per operator still asks.
    assert conversation.on_text("怎么查余额", ChatState()).state.pending == "balance_check"


def test_the_last_answer_survives_a_restart(conversation: Conversation, chat: Callable[[], Chat]) -> None:
    from dataclasses import asdict

    user = chat()
    user.says(ADVERT)
    saved = asdict(user.state)
    saved["reasons"] = list(saved["reasons"])  # as JSON keeps it
    restored = conversation.restore(saved)
    assert restored.last == "scam_check" and restored.verdict == "high" and restored.reasons
    assert conversation.restore({"last": "nope", "verdict": "high", "reasons": ["x"]}).reasons == ()
    assert conversation.restore({"last": "topup_how", "reasons": "x", "verdict": "bad"}).verdict is None
