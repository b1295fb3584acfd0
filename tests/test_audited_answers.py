"""Stories for the fact audit of 2026-12-07 (issue 16): the question a user types, the answer they read.

Each story names the audit's item. What must be there is the sourced fact; what must not is the wording
the audit found wrong, overstated or unsourced where it was shown.
"""

from __future__ import annotations

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Reply
from bot.devtools.checks import MAX_ANSWER_CHARS


def ask(conversation: Conversation, *texts: str) -> Reply:
    """Pushes each text in turn into a new chat and returns the last reply, checked for length."""
    turn = conversation.on_text(texts[0], ChatState())
    for text in texts[1:]:
        turn = conversation.on_text(text, turn.state)
    assert len(turn.reply.text) <= MAX_ANSWER_CHARS, turn.reply.text
    return turn.reply


def has(text: str, *words: str) -> bool:
    return all(word in text for word in words)


def has_none(text: str, *words: str) -> bool:
    return not any(word in text for word in words)


# ---- 1. Roaming at ₱0 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["我在日本，Smart卡怎么保号", "Smart卡怎么保号", "Smart卡余额为零在国外还能收验证码吗"]
)
def test_1_someone_abroad_is_told_roaming_calls_need_balance(
    conversation: Conversation, question: str
) -> None:
    text = ask(conversation, question).text
    assert has(text, "1 分钟", "₱25", "₱100", "帮助中心"), text
    # Not "you can still receive calls at ₱0", not an even "conflict", not *888 "free" abroad.
    assert has_none(text, "仍能接听", "说法冲突", "*888（免费）"), text


def test_1_at_home_the_120_day_window_still_keeps_calls_and_texts(conversation: Conversation) -> None:
    text = ask(conversation, "我在马尼拉，Smart卡怎么保号").text
    assert has(text, "120 天", "仍能接听电话和接收短信"), text


def test_1_star_888_abroad_is_said_only_as_sourced(conversation: Conversation) -> None:
    text = ask(conversation, "smart卡收不到短信了，是不是停机").text
    assert has(text, "*888 免费指用 Smart 号码拨打", "没有核实到"), text


# ---- 2. Pasaload ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["Smart卡怎么保号", "我在日本，Smart卡怎么保号", "Smart卡一年充一次够吗"]
)
def test_2_the_keep_number_answers_say_pasaload_load_expires_in_days(
    conversation: Conversation, question: str
) -> None:
    text = ask(conversation, question).text
    assert has(text, "Pasaload", "15"), text
    assert "60 天" in text or "15–60 天" in text, text


def test_2_the_pasaload_terms_name_every_expiry_and_the_extra_peso(conversation: Conversation) -> None:
    text = ask(conversation, "我在日本，Smart卡怎么保号").text
    assert has(text, "₱30 的 15 天", "₱60、₱100 的 30 天", "₱200 的 60 天", "多付 ₱1"), text


@pytest.mark.parametrize(
    "question",
    [
        "Pasaload转来的load能用多久",
        "朋友pasaload给我的load什么时候过期",
        "朋友用Pasaload转给我的load多久过期",
    ],
)
def test_2_a_question_about_load_a_friend_sent_gets_its_expiry(
    conversation: Conversation, question: str
) -> None:
    # The last one is still rated 中 by the scam check ("转给我" in intents/_risk.yaml's private_payment,
    # another helper's file): its reply carries the expiry all the same.
    text = ask(conversation, question).text
    assert has(text, "₱30 的 15 天", "不是一年有效"), text


def test_2_a_friend_sending_load_is_not_a_scam_verdict(conversation: Conversation) -> None:
    reply = ask(conversation, "朋友pasaload给我的load什么时候过期")
    assert reply.intent != "scam_check" and "风险" not in reply.text


# ---- 3. 二次实名 for China -------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["移动卡停机了怎么办", "联通卡被停机了", "电信号码突然停机了"])
def test_3_a_chinese_number_cut_off_may_be_a_re_verification(
    conversation: Conversation, question: str
) -> None:
    text = ask(conversation, question).text
    assert has(text, "二次实名", "保护性停机", "第十一条", "营业厅", "官方 App", "不要点短信里的链接"), text
    assert "带本人身份证件" not in text  # the ID at the counter was unsourced for the other cases


# ---- 4. Multi SIM is not Smart's eSIM --------------------------------------------------------------


def test_4_the_multi_sim_is_described_as_what_it_is(conversation: Conversation) -> None:
    text = ask(conversation, "Smart卡有eSIM吗").text
    assert has(text, "实体 SIM 卡", "不支持 eSIM 的 Android 9", "Google Play", "smart.com.ph 确认"), text
    assert has_none(text, "Smart 有 eSIM 产品", "充值方法和实体卡一样"), text


def test_4_converting_to_esim_does_not_send_people_to_the_multi_sim(conversation: Conversation) -> None:
    text = ask(conversation, "Smart卡怎么转成esim").text
    assert "Smart 的 eSIM 产品是" not in text and "别弄混" in text, text


# ---- 5. Foreign cards ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["外国信用卡能给Smart充值吗", "我在日本，Smart卡怎么充值", "Smart官网充值可以用国外的卡吗"]
)
def test_5_a_foreign_card_is_told_the_local_card_faq(conversation: Conversation, question: str) -> None:
    text = ask(conversation, question).text
    assert has(text, "本地发行的 Bancnet", "可能付不了"), text
    assert "官方没有说明" not in text, text


# ---- 6. GCash and Maya without a Philippine number --------------------------------------------------


@pytest.mark.parametrize(
    "question", ["我在日本，Smart卡怎么充值", "没有菲律宾号码能用GCash吗", "Smart卡在哪充值"]
)
def test_6_wallets_usually_need_a_philippine_number(conversation: Conversation, question: str) -> None:
    text = ask(conversation, question).text
    assert "一般要" in text, text
    assert has_none(text, "需要菲律宾手机号开户", "（需要菲律宾手机号）", "GCash 账户就是"), text


def test_6_gcash_tourist_account_is_named(conversation: Conversation) -> None:
    text = ask(conversation, "我在日本，Smart卡怎么充值").text
    assert has(text, "GTourist", "gcash.com"), text


# ---- 7. Routing that hid sourced answers -------------------------------------------------------------


@pytest.mark.parametrize(
    "question", ["Smart充值卡有效期多久", "Smart的load有效期多久", "Smart卡过期了怎么办"]
)
def test_7_how_long_load_lasts_gets_the_one_year_rule(conversation: Conversation, question: str) -> None:
    text = ask(conversation, question).text
    assert has(text, "充值起一年", "120 天", "*123#"), text
    assert has_none(text, "你想问的是", "以后按"), text


def test_7_checking_the_expiry_date_stays_a_balance_check(conversation: Conversation) -> None:
    reply = ask(conversation, "Smart的load怎么查有效期")
    assert reply.intent == "balance_check" and "*123#" in reply.text


@pytest.mark.parametrize("question", ["联通App能给Smart卡充值吗", "下载中国移动App能给Smart卡充值吗"])
def test_7_a_chinese_carriers_app_for_a_smart_card_is_a_no(conversation: Conversation, question: str) -> None:
    text = ask(conversation, question).text
    assert has(text, "App 管不了 Smart 卡", "Smart 自己的渠道"), text


@pytest.mark.parametrize("question", ["TG上的esim1088靠谱吗", "telegram上卖的esim靠谱吗"])
def test_7_a_telegram_esim_seller_gets_the_warning_without_which_operator(
    conversation: Conversation, question: str
) -> None:
    text = ask(conversation, question).text
    assert has(text, "没有已知的运营商官方 Telegram", "二维码"), text
    assert "哪家运营商" not in text, text


# ---- 8. Unsourced lines --------------------------------------------------------------------------


def test_8_transfer_of_ownership_in_the_app_is_not_promised(conversation: Conversation) -> None:
    text = ask(conversation, "联通卡怎么实名和过户").text
    assert "按提示办理" not in text and has(text, "过户", "没有核实到"), text


def test_8_a_wallet_top_up_gone_wrong_names_the_wallets_own_lines(conversation: Conversation) -> None:
    text = ask(conversation, "用支付宝给移动充话费没到账").text
    assert has(text, "95188", "95017"), text
    assert "申请售后" not in text, text


def test_8_maya_means_its_in_app_help(conversation: Conversation) -> None:
    text = ask(conversation, "Smart充值没到账").text
    assert "Maya App 里的 Help" in text, text


def test_8_asking_for_load_abroad_is_said_as_unconfirmed(conversation: Conversation) -> None:
    text = ask(conversation, "菲律宾的朋友能帮我充值吗", "Smart").text
    assert has(text, "*808", "官方页面没有说明"), text


# ---- 9. Sourced figures where the bot hedged -----------------------------------------------------


def test_9_gcash_timings_are_given(conversation: Conversation) -> None:
    text = ask(conversation, "GCash买的Smart load没到账").text
    assert has(text, "5 分钟", "2 个自然日内自动退款", "工单"), text
    assert "没有核实到官方时限" not in text, text


@pytest.mark.parametrize(
    ("question", "name"), [("联通怎么充值", "“中国联通”App"), ("电信卡怎么充值", "“中国电信”App")]
)
def test_9_the_chinese_apps_are_named_as_in_the_store(
    conversation: Conversation, question: str, name: str
) -> None:
    text = ask(conversation, question).text
    assert has(text, name, "核对开发者"), text
    assert has_none(text, "名称本机器人未核实", "官网 10010.com 的入口", "官网 189.cn 的入口"), text


def test_9_no_sms_balance_keyword_is_given_without_a_carriers_page(conversation: Conversation) -> None:
    text = ask(conversation, "移动卡怎么查余额").text
    assert "没有找到运营商自己公布的" in text and has_none(text, "CXHF", "CXYE", "102"), text


# ---- 10. Chinese contact facts -------------------------------------------------------------------


def test_10_both_unicom_roaming_numbers_and_where_to_check(conversation: Conversation) -> None:
    text = ask(conversation, "联通卡在国外怎么联系客服").text
    assert has(text, "13010199999", "18618610010", "10010.com 核对"), text


def test_10_unicom_site_cites_unicoms_own_page(conversation: Conversation) -> None:
    assert "chinaunicom.com" in conversation.answers.facts["china_unicom"]["website"].source


def test_10_the_12321_sms_channel_is_marked_possibly_outdated(conversation: Conversation) -> None:
    turn = conversation.on_action("intent:scam_check", ChatState())
    more = next(b for b in turn.reply.buttons if b.action == "more:scam_check")
    text = conversation.on_action(more.action, turn.state).reply.text
    assert has(text, "12321.cn", "可能已停用"), text


def test_10_shopee_and_lazada_carry_the_third_party_caveat(conversation: Conversation) -> None:
    text = ask(conversation, "Smart卡能在Shopee上充值吗").text
    assert has(text, "第三方卖家", "官方店铺"), text


# ---- Every changed fact keeps its source and review date ---------------------------------------


def test_the_audited_facts_were_reviewed_on_the_audit_day(conversation: Conversation) -> None:
    facts = conversation.answers.facts
    audited = [
        ("smart", "roaming_call_balance"),
        ("smart", "roaming_min_balance"),
        ("smart", "pasaload_expiry"),
        ("smart", "hotline_abroad"),
        ("smart", "local_card_eload"),
        ("smart", "esim_app"),
        ("shared", "reverify_cn"),
        ("shared", "wallets_need_ph_number"),
        ("shared", "gcash_timing"),
        ("china_unicom", "roaming_hotline"),
    ]
    for scope, name in audited:
        fact = facts[scope][name]
        assert fact.reviewed == "2026-12-07" and fact.source.startswith("http"), (scope, name)
