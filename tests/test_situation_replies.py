"""Replies that respect the situation the user told, and no bare menus on a clear question."""

from __future__ import annotations

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Turn


def say(conversation: Conversation, text: str, state: ChatState | None = None) -> Turn:
    return conversation.on_text(text, state or ChatState())


def test_what_the_user_lacks_is_not_offered(conversation: Conversation) -> None:
    reply = say(conversation, "我没有GCash也没有Maya，怎么给smart充值").reply
    routes = reply.text.splitlines()[1:-1]
    assert routes and not any("GCash" in line or "Maya" in line for line in routes)
    assert "你说没有或不想用GCash" in reply.text


def test_a_refused_counter_is_not_the_channel_asked_about(conversation: Conversation) -> None:
    reply = say(conversation, "我人在日本，别让我去营业厅，电信卡怎么续费").reply
    assert not reply.text.startswith("营业厅") and "189.cn" in reply.text


def test_the_chat_remembers_what_the_user_lacks(conversation: Conversation) -> None:
    turn = say(conversation, "我在菲律宾，没有GCash也没有Maya")
    reply = say(conversation, "smart怎么充值", turn.state).reply
    assert "GCash" not in "\n".join(reply.text.splitlines()[1:-1])


def test_a_means_no_checked_fact_covers_is_said_not_confirmed_with_the_hotline(
    conversation: Conversation,
) -> None:
    reply = say(conversation, "能用PayPal给smart充值吗").reply
    first = reply.text.splitlines()[0]
    assert first.startswith("PayPal") and "没有核实" in first and "*888" in first
    assert "和包" in say(conversation, "和包能交电信话费吗").reply.text.splitlines()[0]


def test_two_close_readings_get_the_likelier_answer_and_the_other_as_a_button(
    conversation: Conversation,
) -> None:
    reply = say(conversation, "esim怎么充值", ChatState(operator="smart")).reply
    assert "你想问的是下面哪一个" not in reply.text and reply.intent == "esim"
    assert reply.buttons[0].action == "intent:topup_how" and "“怎么充值”" in reply.text


def test_a_question_the_same_for_every_card_never_asks_which(conversation: Conversation) -> None:
    turn = say(conversation, "什么是eSIM")
    assert turn.state.pending is None and "电子 SIM 卡" in turn.reply.text


def test_another_countrys_carrier_is_not_covered_and_never_gets_our_picker(
    conversation: Conversation,
) -> None:
    for text in ("giffgaff怎么充值", "Jio卡怎么充", "我的T-Mobile号码怎么交费"):
        turn = say(conversation, text)
        assert "不包括" in turn.reply.text and turn.state.pending is None, text
        assert not any(b.action.startswith("operator:") for b in turn.reply.buttons)


def test_a_covered_carriers_question_we_cannot_answer_gets_its_hotline(conversation: Conversation) -> None:
    reply = say(conversation, "联通副卡要多少钱").reply
    assert "没有核实" in reply.text and "10010" in reply.text and "回答不了" not in reply.text
    assert "回答不了" in say(conversation, "今天天气怎么样").reply.text  # off-topic stays the fallback


def test_someone_in_the_philippines_helping_gets_what_they_can_do_from_there(
    conversation: Conversation,
) -> None:
    turn = say(conversation, "表哥在马尼拉，他可以帮我给smart卡充值吗")
    assert "Pasaload" in turn.reply.text and turn.state.place is None


def test_an_answer_about_someone_elses_card_says_whose(conversation: Conversation) -> None:
    reply = say(conversation, "我爸的移动卡欠费停机了，我在国外怎么帮他交").reply
    assert reply.text.startswith("给家人的号码") and "10086" in reply.text


def test_each_caveat_is_said_once_in_a_chat(conversation: Conversation) -> None:
    first = say(conversation, "中国移动怎么充值")
    assert "不要找低价“代充/慢充”" in first.reply.text
    again = say(conversation, "移动怎么充值", first.state)
    assert "不要找低价" not in again.reply.text and "10086.cn" in again.reply.text
    # A new chat hears it again.
    assert "不要找低价" in say(conversation, "移动怎么充值").reply.text


def test_a_line_that_offers_another_way_beside_what_is_lacked_stays(conversation: Conversation) -> None:
    reply = say(conversation, "在日本怎么给国内电信号充话费 不想下载App").reply
    assert "189.cn" in reply.text and "支付宝" in reply.text


def test_a_place_hint_alone_makes_no_operators_hotline_answer(conversation: Conversation) -> None:
    assert "回答不了" in say(conversation, "我想办菲律宾工作签证要什么材料").reply.text


def test_checking_the_cards_in_ones_name_needs_no_operator(conversation: Conversation) -> None:
    turn = say(conversation, "想查一下我名下有几张手机卡 怕被别人用身份证办了")
    assert turn.state.pending is None and "一证通查" in turn.reply.text and "10699000" in turn.reply.text


def test_another_service_of_a_covered_operator_gets_its_hotline_not_a_topic_sharing_a_word(
    conversation: Conversation,
) -> None:
    text = conversation.on_text("想给联通号开国际漫游 下个月去菲律宾", ChatState()).reply.text
    assert "10010" in text and "保号" not in text


def test_whether_a_means_is_safe_is_answered_as_a_way_to_top_up(conversation: Conversation) -> None:
    text = conversation.on_text("翼支付充电信话费靠谱吗 第一次用", ChatState()).reply.text
    assert text.startswith("翼支付") and "10000" in text  # not the general scam checklist
    assert conversation.classifier.classify("USDT代充话费安全吗").intent == "scam_check"


def test_someone_abroad_is_not_sent_only_to_a_number_free_from_a_smart_phone(
    conversation: Conversation,
) -> None:
    text = conversation.on_text("我在国内 smart的postpaid账单怎么付", ChatState()).reply.text
    assert "*888" in text and "smart.com.ph/help/contact-support" in text
    at_home = conversation.on_text("我在马尼拉 smart的postpaid账单怎么付", ChatState()).reply.text
    assert "contact-support" not in at_home


def test_smarts_hotline_for_someone_abroad_comes_with_what_is_not_confirmed(
    conversation: Conversation,
) -> None:
    text = conversation.on_text("smart的客服电话是多少 我在国内能打吗", ChatState()).reply.text
    assert "在国外能否拨通" in text and "contact-support" in text


def test_tagalog_tells_the_place_and_what_is_lacked_too(conversation: Conversation) -> None:
    result = conversation.classifier.classify("nasa Pinas ako pero wala akong GCash, cash lang meron ako")
    assert result.place == "philippines" and result.situation.lacks == ("gcash",)
    text = conversation.on_text(result.text + ", saan pwede mag load ng Smart?", ChatState()).reply.text
    assert text.startswith("只有现金") and "零售点" in text


def test_the_users_own_number_stopped_as_fraud_linked_gets_how_to_restore_it_not_a_verdict(
    conversation: Conversation,
) -> None:
    turn = conversation.on_text("联通卡被停了，说是涉诈关停，我没干坏事，怎么解除", ChatState())
    assert turn.reply.intent == "number_suspended"
    assert "二次实名" in turn.reply.text and "10010" in turn.reply.text
    assert "风险：" not in turn.reply.text


def test_a_notice_of_a_fraud_stop_pasted_or_told_of_is_still_rated(conversation: Conversation) -> None:
    for text in ("您的号码涉诈关停，按1转人工解除", "我收到短信说我的号码涉诈关停，要按1转人工，是真的吗"):
        assert conversation.on_text(text, ChatState()).reply.text.startswith("风险：高"), text


def test_a_means_named_is_answered_even_before_the_operator_is_known(conversation: Conversation) -> None:
    text = conversation.on_text("能用PayPal充话费吗", ChatState()).reply.text
    assert text.startswith("PayPal：") and "没有核实到" in text and "哪家运营商" in text


def test_a_banks_own_app_is_the_bank_channel_not_the_operators_app(conversation: Conversation) -> None:
    assert conversation.classifier.classify("银行app能给移动充话费吗").channel == "bank"
