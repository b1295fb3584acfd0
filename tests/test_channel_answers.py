"""Answers to the question that was asked: the channel named, for the operator named, then the general route."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.devtools.checks import MAX_ANSWER_CHARS, check

# What every answer that cannot confirm something says instead of guessing.
NOT_CONFIRMED = "没有核实到"


def ask(conversation: Conversation, *texts: str, state: ChatState | None = None) -> tuple[str, ChatState]:
    """Pushes each text in turn; returns the last reply's text and the state."""
    state = state or ChatState()
    text = ""
    for line in texts:
        turn = conversation.on_text(line, state)
        text, state = turn.reply.text, turn.state
    return text, state


# (questions in turn, words the last reply must contain: the channel and what is or is not confirmed)
STORIES = [
    # 营业厅: whether a top-up needs ID is not confirmed anywhere; China Mobile's halls are.
    (("营业厅充值要带身份证吗", "移动"), ("营业厅", "身份证", NOT_CONFIRMED, "10086")),
    (("去Smart门店充值要带证件吗",), ("Smart 门店", NOT_CONFIRMED, "130 万")),
    # 便利店: Philippine retailers sell Smart load; Chinese convenience stores: not confirmed.
    (("在菲律宾7-11能买smart load吗",), ("7-Eleven", "以 Smart 官方为准", "零售点")),
    (("全家便利店可以充话费吗", "联通"), ("便利店", NOT_CONFIRMED, "10010.com")),
    # ATM and online banking depend on the bank.
    (("ATM机可以充话费吗", "电信"), ("ATM", "要看你的银行", "189.cn")),
    (("网银能给smart卡充值吗",), ("银行", "要看你的银行", "my.smart.com.ph")),
    # 支付宝 / 微信: China Mobile lists them; a foreign number is not confirmed.
    (("用支付宝能给菲律宾smart号码充值吗",), ("支付宝", NOT_CONFIRMED, "Pasaload")),
    (("移动号码能用微信充话费吗",), ("微信", "手机充值", "湖北移动")),
    # 淘宝 / 京东 / 拼多多: the platform's own service versus third-party shops, and 慢充.
    (("京东充联通话费安全吗",), ("平台自己的", "第三方店铺", "慢充", "可能被冻结")),
    (("淘宝上8折充话费靠谱吗",), ("第三方店铺", "低于面值", "可能被冻结")),
    # Telegram sellers: no official Telegram channel is known.
    (("电报上的代充靠谱吗",), ("没有已知的", "Telegram", "慢充")),
    # Prepaid cards and their validity: Smart's one-year load validity; the others not confirmed.
    (("smart充值卡怎么用",), ("1510", "卡密", "一年")),
    (("移动充值卡在哪买",), ("充值卡", NOT_CONFIRMED, "10086")),
    # Receipts and 发票: keep the order; invoices not confirmed.
    (("我要发票",), ("付款记录", "发票", NOT_CONFIRMED, "10086", "*888")),
    (("移动充值怎么开发票",), ("付款记录", "发票", NOT_CONFIRMED, "10086.cn")),
    (("京东充话费能开发票吗",), ("订单", "发票", NOT_CONFIRMED)),
    # How long an online top-up takes: no official time limit is confirmed; when to treat it as failed.
    (("支付宝充的移动话费半小时了还没到账",), ("支付宝", "订单", "多久算没到账", NOT_CONFIRMED)),
    # GCash and Maya need a Philippine number.
    (("GCash怎么给Smart卡充值",), ("GCash", "菲律宾手机号")),
    # What Smart is.
    (("Smart卡和智能卡是一回事吗",), ("菲律宾", "IC 智能卡")),  # the side asked, first (a detail)
]


@pytest.mark.parametrize(("texts", "expected"), STORIES, ids=[s[0][0] for s in STORIES])
def test_the_reply_addresses_the_channel_asked_about(
    conversation: Conversation, texts: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    reply, _ = ask(conversation, *texts)
    missing = [word for word in expected if word not in reply]
    assert not missing, f"{missing} not in: {reply}"


@pytest.mark.parametrize("question", ["Pasaload怎么用", "人在国外，怎么让菲律宾的朋友帮我充smart"])
def test_smart_abroad_gets_the_friend_routes(conversation: Conversation, question: str) -> None:
    reply, state = ask(conversation, question)
    assert state.operator == "smart"
    for route in ("808", "₱200", "RELOAD", "1510", "漫游号码"):
        assert route in reply, route


def test_the_general_smart_answer_mentions_the_roaming_menu_and_a_friend(conversation: Conversation) -> None:
    reply, _ = ask(conversation, "smart卡在国外怎么充值")
    assert "*133#" in reply and "Pasaload" in reply and "RELOAD" in reply


def test_the_channel_waits_while_the_operator_is_asked(conversation: Conversation) -> None:
    turn = conversation.on_text("营业厅充值要带身份证吗", ChatState())
    assert turn.state.pending == "topup_where" and turn.state.channel == "store"
    turn = conversation.on_action("operator:china_telecom", turn.state)
    assert "营业厅" in turn.reply.text and "10000" in turn.reply.text
    assert turn.state.channel is None  # answered: the next question starts afresh
    turn = conversation.on_text("怎么充值", turn.state)
    assert "营业厅" not in turn.reply.text.splitlines()[0]


def test_a_smart_card_never_gets_a_chinese_operator_app(conversation: Conversation) -> None:
    for question in ("Smart卡和智能卡是一回事吗", "smart卡用什么app充值", "smart是联通的吗"):
        reply, _ = ask(conversation, question)
        assert "联通官方 App" not in reply and "中国移动 App" not in reply, question


def test_the_reporting_channels_are_one_tap_away(conversation: Conversation) -> None:
    turn = conversation.on_text("这是骗子吗", ChatState())
    assert turn.reply.intent == "scam_check" and "96110" not in turn.reply.text
    more = [b for b in turn.reply.buttons if b.action == "more:scam_check"]
    assert more and more[0].label == "举报渠道"
    turn = conversation.on_action(more[0].action, turn.state)
    assert "96110" in turn.reply.text and "1326" in turn.reply.text and "huliscam" in turn.reply.text


def test_fact_audit_wording(conversation: Conversation) -> None:
    answers = [text for _, text, _ in conversation.answers.every_text()]
    joined = "\n".join(answers)
    # 慢充 *can* freeze a number; no reload is promised to keep it; no Telegram account is "known".
    assert "会被冻结" not in joined
    assert "号码就能保留" not in joined
    assert "没有任何 Telegram" not in joined
    assert "拨 用" not in joined  # Smart's hotline fact already says how to dial it
    keep = conversation.answers.text("keep_number", "smart")
    assert "未注明日期" in keep and "不能保证" in keep
    abroad = conversation.answers.text("keep_number", "smart", place="outside_philippines")
    # The 2026-12-07 audit: Smart's help centre gives the ₱100 (no longer "conflicting"), roaming calls
    # need balance, and a code at ₱0 abroad is still not confirmed.
    assert "₱100" in abroad and "1 分钟" in abroad and "短信验证码" in abroad
    assert "仍能接听" not in abroad
    suspended = conversation.answers.text("number_suspended", "smart")
    assert "2023 年 7 月 25 日" in suspended and "7 月 31 日起永久停用" in suspended


def test_no_answer_is_longer_than_a_phone_screen(conversation: Conversation) -> None:
    """Every rendered answer: each intent × operator × channel, and each part behind a button."""
    answers = conversation.answers
    texts = [(key, text) for key, text, _ in answers.every_text()]
    intents = conversation.classifier.matcher.intents
    texts += [((intent, None, "more"), more) for intent in intents if (more := answers.more(intent))]
    assert len(texts) > 150  # the channel variants are in
    long = [(key, len(text)) for key, text in texts if len(text) > MAX_ANSWER_CHARS]
    assert not long, long


def test_check_reports_a_long_answer(content_copy: Path, cache_dir: Path) -> None:
    path = content_copy / "responses" / "thanks_bye.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("有问题随时再来问。", "有问题随时再来问。" + "请认准官方渠道。" * 80), encoding="utf-8"
    )
    _, problems = check(content_copy, cache_dir)
    assert [p.path.name for p in problems] == ["thanks_bye.yaml"]
    assert "over 600" in problems[0].message and "more:" in problems[0].fix
