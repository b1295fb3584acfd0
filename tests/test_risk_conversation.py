"""The scam-risk verdict in the conversation, told as stories: paste, read the reply."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.core.replying.answers import off_allowlist
from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Turn
from bot.core.risk.links import find_handles, find_links
from tests.conftest import DATA
from tests.test_risk import ADS, sample_lines

# The official domains a verdict names (the advice, "not the official site 10086.cn").
ALLOWLIST = ("smart.com.ph", "gcash.com", "10086.cn", "10010.com", "189.cn", "chinamobile.com", "maya.ph")


def dev_set(name: str = "scam_dev.tsv") -> list[str]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [row["text"].replace("\\n", "\n") for row in csv.DictReader(handle, delimiter="\t")]


def assert_nothing_of_theirs_to_tap(text: str, reply: str) -> None:
    """No link or handle from the user's text, in full or clickable, in the reply."""
    assert off_allowlist(reply, ALLOWLIST) == []
    for handle in find_handles(text.lower()):
        assert "@" + handle.name not in reply.lower()
    for link in find_links(text.lower()):
        assert link.host not in reply.lower() or link.host.endswith(ALLOWLIST)
    assert "http" not in reply and "t.me" not in reply


@pytest.mark.parametrize("path", ADS, ids=lambda p: p.name)
def test_a_pasted_advert_right_after_which_operator_gets_the_verdict(
    conversation: Conversation, path: Path
) -> None:
    turn = conversation.on_text("怎么查余额", ChatState())
    assert "哪家运营商" in turn.reply.text and turn.state.pending == "balance_check"
    advert = path.read_text(encoding="utf-8")
    turn = conversation.on_text(advert, turn.state)
    assert turn.reply.text.startswith("风险：高")
    assert "@es…88" in turn.reply.text and "Telegram" in turn.reply.text
    assert "你想问的是" not in turn.reply.text and turn.reply.intent == "scam_check"
    assert turn.state.pending is None  # the balance question is not answered with the advert
    assert "96110" in turn.reply.text and "1326" in turn.reply.text
    assert [b.action for b in turn.reply.buttons] == ["intent:topup_where", "intent:scam_check"]
    assert_nothing_of_theirs_to_tap(advert, turn.reply.text)


def first_clarification(conversation: Conversation, state: ChatState) -> Turn:
    """The turn after the first labelled question whose reply offers another reading ("如果你想问的是…"
    under the likelier answer; which one does depends on the learned weights, so it is looked up)."""
    for line in (DATA / "questions.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        turn = conversation.on_text(line.split("\t")[0], state)
        if "你想问的是" in turn.reply.text:
            return turn
    raise AssertionError("no labelled question is answered with 你想问的是…")


def test_every_line_with_the_handle_is_high_in_any_state(conversation: Conversation) -> None:
    clarified = first_clarification(conversation, ChatState(operator="smart"))
    for state in (ChatState(), ChatState(pending="topup_how"), clarified.state):
        for line in sample_lines():
            turn = conversation.on_text(line, state)
            assert turn.reply.text.startswith("风险：高"), line
            assert_nothing_of_theirs_to_tap(line, turn.reply.text)


def test_a_lookalike_link_names_the_official_site_and_way(conversation: Conversation) -> None:
    turn = conversation.on_text("【中国移动】积分即将过期，请登录 10086-jf.com 兑换话费", ChatState())
    text = turn.reply.text
    assert text.startswith("风险：高")
    assert "10086-jf[.]com 不是中国移动官网 10086.cn" in text
    assert "中国移动 App" in text  # the official way for the operator it imitates


def test_a_question_about_an_offer_gets_the_analysis(conversation: Conversation) -> None:
    turn = conversation.on_text("电报上有人卖8折代充，靠谱吗", ChatState(operator="smart"))
    assert turn.reply.text.startswith("风险：高")
    assert "8折" in turn.reply.text and "代充" in turn.reply.text
    assert "my.smart.com.ph" in turn.reply.text  # the chat's operator: its official way
    turn = conversation.on_text("smart-load.xyz 能点吗", ChatState())
    assert turn.reply.text.startswith("风险：高") and "smart-load[.]xyz" in turn.reply.text


def test_ordinary_questions_still_get_their_answers(conversation: Conversation) -> None:
    turn = conversation.on_text("Smart卡怎么充值", ChatState())
    assert turn.reply.intent == "topup_how" and "风险" not in turn.reply.text
    turn = conversation.on_text("10086是官方的吗", ChatState())
    assert "风险" not in turn.reply.text


def test_check_gives_a_verdict_even_when_low(conversation: Conversation) -> None:
    turn = conversation.check("请登录 10086.cn 查询话费", ChatState())
    assert turn.reply.text.startswith("风险：低")
    assert "10086[.]cn 是中国移动官方网站" in turn.reply.text
    assert "96110" not in turn.reply.text  # nothing to report
    assert "转发" in conversation.check("  ", ChatState()).reply.text


def test_every_verdict_fits_in_600_characters_and_echoes_nothing_to_tap(conversation: Conversation) -> None:
    many = "8折代充 慢充 USDT 先付款 马上停机 加V: abc_1234 出售已实名卡 把验证码发给我 smart-com-ph.top 10086-cz.com l0086"
    assert conversation.risk is not None
    prepare = conversation.risk.scanner.prepare
    for text in [*dev_set(), *dev_set("scam_more.tsv"), many, *(p.read_text(encoding="utf-8") for p in ADS)]:
        for operator in (None, "smart", "china_mobile"):
            turn = conversation.check(text, ChatState(operator=operator))
            assert len(turn.reply.text) <= 600, text
            assert turn.reply.text[:4] in ("风险：高", "风险：中", "风险：低")
            assert_nothing_of_theirs_to_tap(text, turn.reply.text)
            # Nor what was spelled apart ("s m a r t _ c z"), joined again.
            assert_nothing_of_theirs_to_tap(prepare(text), turn.reply.text)
    assert "项未列出" in conversation.check(many, ChatState()).reply.text


@pytest.mark.parametrize(
    "text",
    [
        "代充" * 50_000,
        "\x00\x1b[31m@esim1088\u202e\u200b\x7f https://t.me/s/esim1088" * 200,
        "😀💰🎉" * 2_000,
        "http:// https://. ..com a..b.com xn--zz.com 10086-cz。com @ t.me/",
        "ｌ０086．ｃｎ " * 500,
    ],
)
def test_hostile_input_gets_a_verdict_or_an_answer(conversation: Conversation, text: str) -> None:
    for turn in (conversation.on_text(text, ChatState()), conversation.check(text, ChatState())):
        assert turn.reply.text and len(turn.reply.text) <= 600
        assert_nothing_of_theirs_to_tap(text, turn.reply.text)


@pytest.mark.parametrize(
    "text",
    [
        "我被骗了，有人说代充话费，我转了500块，现在怎么办？",
        "I got scammed, I sent 1000 pesos to a guy on Facebook who promised cheap load. What should I do?",
    ],
)
def test_a_victims_story_gets_help_not_a_verdict(conversation: Conversation, text: str) -> None:
    assert conversation.risk is not None
    report = conversation.risk.scan(text)
    assert report.victim and report.level != "high"
    turn = conversation.on_text(text, ChatState())
    assert not turn.reply.text.startswith("风险：")  # the classifier answers it
    assert turn.heard is not None


def test_a_victim_pasting_the_scammers_plain_offer_gets_help_then_the_verdict(
    conversation: Conversation,
) -> None:
    text = "我被骗了，对方纸飞机 @cz_kuaichong888 说话费8折代充，USDT付款"
    turn = conversation.on_text(text, ChatState())
    assert turn.reply.text.startswith("先止损") and turn.reply.text.endswith("风险：高。")
    assert turn.rated is not None and turn.rated.report.level == "high"


@pytest.mark.parametrize(
    ("text", "hotline"),
    [
        (
            "刚才有个自称Smart客服的人打电话给我，说我的卡要升级成eSIM，我把短信里的6位验证码告诉他了，现在手机没信号了",
            "*888",
        ),
        ("移动客服说帮我换卡，我把验证码给他了，现在手机显示无服务", "10086"),
        ("I gave the caller the OTP for my eSIM transfer and now my phone says No Service", "*888"),
    ],
)
def test_a_number_being_taken_over_gets_the_steps_to_take_now(
    conversation: Conversation, text: str, hotline: str
) -> None:
    turn = conversation.on_text(text, ChatState(operator="smart" if hotline == "*888" else None))
    reply = turn.reply.text
    assert reply.startswith("风险：高") and "盗号" in reply and hotline in reply
    assert "冻结" in reply and ("1326" in reply or "110" in reply)
    assert "不要付款" not in reply and len(reply) <= 600


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("刚才有个96110打给我，是骗子吗", "反诈预警劝阻专线"),
        ("0755-96110 给我打电话了，要接吗", "反诈预警劝阻专线"),
        ("https://my.smart.com.ph/reload", "官方网站"),
        ("收到12381发来的短信，是真的吗", "涉诈预警短信"),
        ("1326打电话给我，是骗子吗", "CICC 反诈热线"),
    ],
)
def test_an_official_number_or_link_alone_is_said_to_be_official(
    conversation: Conversation, text: str, said: str
) -> None:
    reply = conversation.on_text(text, ChatState()).reply.text
    assert reply.startswith("风险：低 ✅") and said in reply
    assert "发现的问题" not in reply and "基本可以判断是骗局" not in reply


def test_what_is_official_in_a_scam_is_listed_apart_from_its_problems(conversation: Conversation) -> None:
    reply = conversation.on_text(
        "【中国移动】您的积分今天清零，可兑换现金红包，登录 jf.10086.cn 领取", ChatState()
    ).reply.text
    problems, _, official = reply.partition("不是问题的部分：")
    assert "发现的问题" in problems and "不能换现金" in problems and "10086[.]cn" not in problems
    assert "jf[.]10086[.]cn 是中国移动官方网站" in official


def test_a_re_register_request_is_phishing_even_beside_the_real_site(conversation: Conversation) -> None:
    reply = conversation.on_text(
        "Smart发短信叫我点 https://smart.com.ph/SimReg 重新登记，可我去年就登记了", ChatState()
    ).reply.text
    assert reply.startswith("风险：中") and "不需要再登记" in reply and "钓鱼" in reply
    assert "官方网站" in reply.partition("不是问题的部分：")[2]
    reply = conversation.on_text(
        "请重新登记您的SIM卡，否则明天停机：smart-simreg.top", ChatState()
    ).reply.text
    assert reply.startswith("风险：高")


def test_a_discount_is_read_by_its_value(conversation: Conversation) -> None:
    small = conversation.on_text("支付宝手机充值打九九折，正常吗", ChatState()).reply.text
    assert small.startswith("风险：低") and "99%" in small
    assert conversation.on_text("话费九折，加微信 cz_9988", ChatState()).reply.text.startswith("风险：高")


def test_a_chinese_credit_advert_gets_the_chinese_carriers_way_even_in_a_smart_chat(
    conversation: Conversation,
) -> None:
    reply = conversation.on_text("话费代充 85折 秒到 全网最低", ChatState(operator="smart")).reply.text
    assert reply.startswith("风险：高") and "10086.cn" in reply and "my.smart.com.ph" not in reply


def test_it_arrived_is_answered_with_how_slow_top_up_works(conversation: Conversation) -> None:
    for text in ("可是我同事买过好几次，都到账了", "但是我朋友用过说到账了"):
        reply = conversation.on_text(text, ChatState()).reply.text
        assert reply.startswith("风险：中") and "能到账不代表安全" in reply and "冻结" in reply


def test_a_weak_flag_that_a_stronger_one_already_shows_gets_no_line_of_its_own(
    conversation: Conversation,
) -> None:
    reply = conversation.on_text("话费代充8折，只收USDT，联系TG @cz_fast_99", ChatState()).reply.text
    assert reply.count("usdt") == 1 and "提到虚拟币" not in reply


def test_an_official_link_beside_a_warning_sign_is_not_called_all_clear(conversation: Conversation) -> None:
    # The official link lowers the score, but the threat is still there: no ✅, and "为什么"
    # does not list as a scam signal what a 低 verdict said it had not found.
    text = "您的号码即将停机，请尽快到 10086.cn 充值"
    turn = conversation.check(text, ChatState())
    assert turn.reply.text.startswith("风险：低") and "✅" not in turn.reply.text
    assert "10086[.]cn 是中国移动官方网站" in turn.reply.text
    assert turn.state.reasons == ()
