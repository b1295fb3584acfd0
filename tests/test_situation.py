"""The situation a message tells (intents/_situation.yaml), read beside its intent and kept in the chat."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.core.understanding.situation import Situation


def told(conversation: Conversation, text: str) -> Situation:
    scripted = conversation.classifier.classify(text).analysis.scripted
    return conversation.classifier.situation.read(scripted)


@pytest.mark.parametrize(
    ("text", "done"),
    [
        ("糟了，我把收到的6位数字告诉了说是联通工作人员的人", ("gave_code",)),
        ("我在钓鱼网站上填了信用卡号和有效期，怎么办", ("gave_card",)),
        ("骗子远程操控了我的手机，银行卡被转走五千", ("remote_control", "account_emptied")),
        ("我已經將驗證碼畀咗對方", ("gave_code",)),  # traditional and Cantonese
        ("I already gave the OTP to the caller", ("gave_code",)),
        ("我付了200给代充，对方把我拉黑了", ("paid",)),
        ("他让我把身份证照片发给他", ()),  # asked, not done
        ("对方让我发护照照片验证 我发了", ("gave_id",)),  # asked, then done
        ("对方说要验证身份让我报了GCash验证码", ("gave_code",)),  # asked and done at once
        ("对方让我把验证码发给他，可以吗", ()),
        ("朋友用Pasaload转给我的load多久过期", ()),  # given to the user, not by them
        ("客服刚才发给了我一个验证码", ()),
        ("我没给他验证码，也没付钱", ()),  # not done
        ("验证码收不到了怎么办", ()),  # a code not received is no code given
        ("充值卡密码输了还是不行", ()),  # a top-up card's PIN is no password
        ("如果被骗了能报警吗", ()),  # imagined, even with 了 right after it
        ("万一我给了验证码怎么办", ()),
        ("网上认识的人说帮我保号，我把smart卡寄给他了", ("gave_sim",)),
        ("binigay ko yung MPIN ko sa nagpakilalang GCash support", ("gave_password",)),  # Tagalog's past
    ],
)
def test_what_the_user_already_did(conversation: Conversation, text: str, done: tuple[str, ...]) -> None:
    assert told(conversation, text).done == done


def test_a_scammer_is_told_apart_from_an_own_top_up(conversation: Conversation) -> None:
    assert told(conversation, "我把验证码告诉了自称客服的人").scam
    assert not told(conversation, "在官网填了验证码以后还是没到账").scam


@pytest.mark.parametrize(
    "text",
    [
        "我俾咗個驗證碼人 佢話係GCash客服 依家我啲錢無晒",  # Cantonese: 话系 is 说是
        "在闲鱼上买了张100块的电信充值卡，对方发了卡密，卖家已经删号了",
        "So I let a Smart technician install AnyDesk on my phone to fix my signal",  # a loss by itself
        "有人在微信群说smart卡保号包年只要99元 我付了 现在号码被停了",
    ],
)
def test_a_victims_story_is_read_as_one_whatever_its_words_ask(conversation: Conversation, text: str) -> None:
    result = conversation.classifier.classify(text)
    assert result.situation.told_scam and result.intent == "scam_victim"


def test_an_own_top_up_is_no_victims_story(conversation: Conversation) -> None:
    for text in ("在官网填了验证码以后还是没到账", "用信用卡充了100，被扣了两次"):
        assert conversation.classifier.classify(text).intent != "scam_victim", text


def test_how_to_top_up_without_a_way_asks_which_way_is_left(conversation: Conversation) -> None:
    assert conversation.classifier.classify("不想下载任何app 怎么给联通充话费").intent == "topup_where"
    assert conversation.classifier.classify("联通话费怎么充").intent == "topup_how"


def test_a_card_the_bot_does_not_cover_is_off_topic_for_it(conversation: Conversation) -> None:
    for text in ("怎么给Globe的卡充值 我在宿务", "Google Voice号码要怎么保号", "TM sim how to load?"):
        result = conversation.classifier.classify(text)
        assert (result.intent, result.operator) == ("fallback", None), text
        assert result.uncovered is not None


@pytest.mark.parametrize(
    ("text", "lacks"),
    [
        ("我没有GCash也没有Maya，怎么给smart充值", ("gcash", "maya")),
        ("我人在日本，别让我去营业厅，电信卡怎么续费", ("store",)),
        ("不想下载任何App，移动话费还能怎么交", ("app",)),
        ("我在菲律宾没有朋友，也没有菲律宾的银行卡", ("friend_there", "ph_bank")),
        ("GCash怎么给smart充值", ()),
    ],
)
def test_what_the_user_lacks_or_refuses(
    conversation: Conversation, text: str, lacks: tuple[str, ...]
) -> None:
    assert told(conversation, text).lacks == lacks


def test_someone_else_and_where_they_are(conversation: Conversation) -> None:
    cousin = told(conversation, "表哥在马尼拉，他可以帮我给smart卡充值吗")
    assert (cousin.person, cousin.owner, cousin.person_place) == ("family", False, "philippines")
    father = told(conversation, "我爸的移动卡欠费停机了，我在国外怎么帮他交")
    assert (father.person, father.owner, father.number) == ("family", True, ("zero_balance",))
    assert told(conversation, "给我妈充话费用什么方式").owner


def test_the_means_named(conversation: Conversation) -> None:
    assert told(conversation, "能用PayPal给smart充值吗").means == ("paypal",)
    assert told(conversation, "和包能交电信的话费吗").means == ("hebao",)


def test_the_place_of_someone_else_is_not_the_users(conversation: Conversation) -> None:
    turn = conversation.on_text("表哥在马尼拉，他可以帮我给smart卡充值吗", ChatState())
    assert turn.state.place is None and turn.state.situation.person_place == "philippines"


def test_the_chat_keeps_the_situation_while_it_holds(conversation: Conversation) -> None:
    turn = conversation.on_text("我没有GCash", ChatState())
    turn = conversation.on_text("能用PayPal吗", turn.state)
    assert turn.state.situation.lacks == ("gcash",) and turn.state.situation.means == ("paypal",)
    turn = conversation.on_text("怎么查余额", turn.state)
    assert turn.state.situation.lacks == ("gcash",) and turn.state.situation.means == ()
    assert conversation.forget(turn.state).state.situation == Situation()


def test_a_saved_situation_is_restored_and_an_old_state_still_loads(conversation: Conversation) -> None:
    turn = conversation.on_text("我把验证码告诉了骗子，我也没有GCash", ChatState())
    saved = asdict(turn.state)
    saved["situation"] = {k: list(v) if isinstance(v, tuple) else v for k, v in saved["situation"].items()}
    assert conversation.restore(saved).situation == turn.state.situation
    assert conversation.restore({"operator": "smart"}).situation == Situation()  # saved before
    assert conversation.restore({"said": ["ab12", 3]}).said == ("ab12",)
    odd = {"situation": {"done": ["gave_code", "gone", 3], "lacks": "gcash", "person": "x", "owner": True}}
    assert conversation.restore(odd).situation == Situation(done=("gave_code",))


def test_an_unsure_victims_reading_of_a_numbers_state_is_the_next_one(conversation: Conversation) -> None:
    result = conversation.classifier.classify("我的smart卡已经2年没用了 还能保住吗")
    assert result.situation.number == ("unused",) and result.intent != "scam_victim"
    # With no state told, the weak reading stays: after a loss, it is the victim's question.
    assert conversation.classifier.classify("钱还能追回来吗").intent == "scam_victim"


def test_a_balance_told_is_context_and_the_question_is_what_is_left(conversation: Conversation) -> None:
    classify = conversation.classifier.classify
    assert classify("没有菲律宾朋友 人在上海 smart卡余额0 还有20天有效期 怎么充").intent == "topup_where"
    assert classify("我的smart卡余额为0了 怎么查有效期").intent == "balance_check"
    assert classify("联通余额还剩多少怎么查").intent == "balance_check"


@pytest.mark.parametrize(
    "text",
    [
        "剛剛喺個網站輸入咗張信用卡號同CVV，之後即刻收到扣款短信",  # what followed is a mark too
        "那個人叫我開會議軟件分享螢幕，我照做咗，而家網銀登唔入",
        "佢話係電訊公司，要我講低身份證號碼同埋驗證碼，我全部講晒",  # 同埋 is "and", 晒 is "all of it"
        "nag scan ako ng QR sa FB page, nabawasan na yung GCash ko ng 3k",  # na: already
        "卡里的钱全没了 昨天有人视频通话让我开着屏幕共享",  # a loss named needs no mark
        "I typed my Maya password and OTP into a site that looked like maya.ph, then saw transfers I didnt make",
        "I sent my passport photo to the agent who said he can register my SIM. He's gone now",
    ],
)
def test_victims_tell_it_in_their_own_words(conversation: Conversation, text: str) -> None:
    assert conversation.classifier.classify(text).intent == "scam_victim"


def test_a_lost_card_with_balance_on_it_asks_about_the_card(conversation: Conversation) -> None:
    result = conversation.classifier.classify("手机卡丢了 里面还有余额 能补卡吗 人在国内")
    assert result.intent == "number_suspended" and result.detail == "lost_sim"
    assert conversation.classifier.classify("怎么看smart还有几天过期").intent == "balance_check"


@pytest.mark.parametrize(
    ("text", "done"),
    [
        ("陌生人发我一个eSIM二维码说帮我转成eSIM，我扫了，现在没信号了", ("gave_esim_qr",)),  # the verb next
        ("佢哋叫我send個OTP過去，我send咗", ("gave_code",)),  # asked, then done with its verb
        ("对方叫我把SIM卡寄给他，我已经寄出去了", ("gave_sim",)),
        ("对方叫我发验证码，我没发", ()),  # the verb next, negated
        ("我扫了一个陌生人的个人收款码付款，付了100", ("paid",)),  # a payment QR is no eSIM QR
        ("我扫了他发的支付二维码，付了200", ("paid",)),
        ("我用支付宝扫了陌生人发的二维码说是充话费八折，付了", ("paid",)),  # no eSIM spoken of: a payment
        ("電話那頭說是中國移動，叫我念了簡訊碼", ("gave_code",)),  # Taiwan's 簡訊碼
    ],
)
def test_the_act_done_in_the_next_clause(
    conversation: Conversation, text: str, done: tuple[str, ...]
) -> None:
    assert told(conversation, text).done == done


def test_a_way_told_broken_after_its_name_is_lacked(conversation: Conversation) -> None:
    # "GCash的账号也被锁了" says it cannot be used, as "没有GCash" does; and it is context, not a
    # second question about a suspended number.
    result = conversation.classifier.classify("人在迪拜，想充Smart，GCash的账号也被锁了，还有别的官方途径吗")
    assert result.situation.lacks == ("gcash",) and result.analysis.also is None
    assert conversation.classifier.classify(
        "my gcash is locked, how else can i load smart"
    ).situation.lacks == ("gcash",)


def test_a_victim_asking_whether_to_report_a_vanished_seller_gets_the_steps(
    conversation: Conversation,
) -> None:
    turn = conversation.on_text(
        "在Facebook marketplace买了load，用Maya转了1000比索，对方账号已经没了。can I still report?",
        ChatState(),
    )
    assert turn.reply.intent == "scam_victim" and "Maya" in turn.reply.text and "1326" in turn.reply.text
