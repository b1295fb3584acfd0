"""The scam-risk check: the core scanner, its YAML, and the `scan` and `eval-scan` commands."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest

from bot.content.errors import ContentError
from bot.content.loader import load_content
from bot.core.risk import phrases
from bot.core.risk.links import find_handles, find_links, show_handle, show_host, split_host
from bot.core.risk.scanner import RiskReport, Scanner
from bot.devtools.benchmark import SCAN_HOSTILE
from tests.conftest import DATA, run_cli

ADS = sorted((DATA / "ads").glob("*.txt"))
SAMPLE_HANDLE = "esim1088"


def ids(report: RiskReport) -> set[str]:
    return {flag.id for flag in report.flags}


def sample_lines() -> list[str]:
    """Every line of the two real adverts that carries their handle or a link."""
    lines = []
    for path in ADS:
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if "esim1088" in line]
    return lines


def test_both_samples_whole_and_every_line_with_their_handle_are_high(scanner: Scanner) -> None:
    assert len(ADS) == 2 and len(sample_lines()) == 4
    for text in [p.read_text(encoding="utf-8") for p in ADS] + sample_lines():
        report = scanner.scan(text)
        assert report.level == "high", text[:60]
        assert {"known_scam", "telegram_account"} <= ids(report)
        evidence = " ".join(flag.evidence + flag.reason for flag in report.flags)
        assert SAMPLE_HANDLE not in evidence and "t.me" not in evidence and "http" not in evidence
        assert "@es…88" in evidence


@pytest.mark.parametrize(
    "text",
    [
        "怎么充值",
        "在哪充值",
        "10086是官方的吗",
        "smart.com.ph 是官网吗",
        "验证码收不到怎么办",
        "【中国移动】您的验证码是 123456，请勿泄露给他人。",
        "我朋友用telegram聊天",
        "便利店充话费要手续费吗",
        "不是找代充，我要官方的",
        "请问这里是充值客服吗",
        "营业厅卖卡需要实名吗",
        "我充了100为什么只到账50",
        "Smart卡怎么用GCash充值",
        "号码被冻结了怎么办",
        "充值卡的密码在哪里",
        "实名登记要提供身份证吗",
        "充值需要提供服务密码吗",
        "营业厅办卡要提供护照吗？",
        "运营商把eSIM二维码发给我了，怎么激活",
        "Do I need to give my PIN to reload?",
        "【中国联通】您的验证码为482913，5分钟内有效，请勿泄露。",
        "DITO: Your OTP is 123456. Do not share this code with anyone.",
        "我的电话是13800138000，充值没到账",
        "拨打10086转人工",
        # Talk about scams, and a victim's own story: their scam words offer nothing.
        "听说有人在电报上卖代充，是真的吗",
        "新闻：警方提醒，近期有骗子冒充运营商发送积分兑换短信，请勿点击陌生链接",
        "家里老人收到中奖短信，我怎么跟他解释这是骗局",
        "新闻说最近有冒充公安要求转账到安全账户的诈骗，大家注意",
        "我被骗了，有人说代充话费，我转了500块，现在怎么办？",
        # Numbers before 折 that are no discount; a code to check that nobody asks for.
        "这个项目一波三折",
        "三折页设计多少钱",
        "请核对验证码后输入",
        "【中国移动】提醒：任何人打电话要求核对验证码都是诈骗，请勿泄露。",
        "我不小心把load转错到别人号码了，能退回吗？",
        # Talk of crypto that pays for nothing; a code sent to the phone, as genuine notices say.
        "USDT转账手续费为什么这么高，TRC20和ERC20有啥区别",
        "您的验证码已发送至您的手机，请查收",
        "现在好多账户都绑定了这个号码，银行的验证码也发到这上面",
    ],
)
def test_ordinary_questions_and_notices_are_not_rated_high(scanner: Scanner, text: str) -> None:
    assert scanner.scan(text).level != "high"


def test_no_ordinary_question_in_the_labelled_sets_is_rated_high(scanner: Scanner) -> None:
    for name in ("questions.tsv", "holdout.tsv"):
        with (DATA / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if "scam_check" not in row["intents"]:
                    assert scanner.scan(row["text"]).level != "high", row["text"]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("网址 10086-cz.com 积分兑换", "lookalike_domain"),
        ("登录 l0086.cn 领话费", "lookalike_domain"),
        ("请到 10086-cn.com 处理", "lookalike_domain"),
        ("smart.com.ph.login-verify.top/reload", "lookalike_domain"),
        ("smarl.com.ph promo", "lookalike_domain"),
        ("chinamobi1e.com 话费", "lookalike_domain"),
        ("unicom-jc.cc 申诉", "lookalike_domain"),
        ("ѕmart.com.ph promo", "homoglyph_domain"),  # a Cyrillic ѕ
        ("xn--mart-f9d.com.ph promo", "homoglyph_domain"),  # the same in punycode
        ("请访问 10086.сn/jf 兑换", "homoglyph_domain"),  # a Cyrillic с in the ending
        ("点 ｓｍａｒｔ-ｌｏａｄ．ｘｙｚ 充值", "lookalike_domain"),  # full width
        ("smart-com-ph.info 领积分", "known_scam"),
        ("收到 l0086 发来的短信", "lookalike_number"),
    ],
)
def test_lookalikes_of_official_domains_and_numbers_are_high(scanner: Scanner, text: str, flag: str) -> None:
    report = scanner.scan(text)
    assert report.level == "high" and flag in ids(report), report


@pytest.mark.parametrize(
    ("text", "owner"),
    [("10086.cn", "中国移动"), ("https://help.smart.com.ph/article", "Smart"), ("www.189.cn", "中国电信")],
)
def test_official_domains_are_said_to_be_official(scanner: Scanner, text: str, owner: str) -> None:
    report = scanner.scan(f"这个网址 {text} 是真的吗")
    assert report.level == "low"
    [flag] = report.flags
    assert flag.id == "official_link" and "官方网站" in flag.reason and owner in flag.reason


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("电报上有人卖8折代充，靠谱吗", {"below_face_value", "unofficial_topup"}),
        ("话费100只要70，秒到", {"below_face_value"}),
        ("85元充100话费，量大从优", {"below_face_value"}),
        ("九五折充值，量大从优", {"below_face_value", "unofficial_topup"}),
        ("慢充话费，三天到账", {"slow_topup"}),
        ("付款请用 USDT（TRC20）", {"crypto_payment"}),
        ("对方让我把验证码发给他", {"asks_for_secret"}),
        ("請提供身分證號碼和驗證碼以便退款", {"asks_for_secret"}),
        ("Kindly send the 6-digit OTP we sent you", {"asks_for_secret"}),
        ("出售已实名电话卡，加V：abc_123", {"registered_sim_sale", "private_account"}),
        ("您的号码将在2小时内停机，请点击 cmcc-pay.top 处理", {"threat", "lookalike_domain"}),
        ("我是10086客服，您的积分可以兑换现金，请提供服务密码", {"impersonation", "asks_for_secret"}),
        ("联系 TG @cheap_load_ph 代充 9折", {"telegram_account", "below_face_value"}),
        ("【10086】您的手机号将于今日24点停机，请立即拨打 400-123-4567", {"threat", "operator_callback"}),
        ("我是联通营业厅的，请把收到的6位数字告诉我", {"impersonation", "asks_for_secret"}),
        ("出售菲律宾GCash实名账号，价格私聊", {"registered_sim_sale"}),
        ("积分即将清零，回复1兑换礼品", {"prize_bait", "threat"}),
        ("移动话费三折充值，需要的私聊", {"below_face_value"}),
        ("【中国移动】您的积分即将过期，请到 10086.cn 兑换，客服会给你打电话核对验证码", {"asks_for_secret"}),
        ("不好意思，我把load转错到你号码了，麻烦用pasaload转回来", {"return_load"}),
        ("Sorry, I sent P300 load to your number by mistake. Please return it via pasaload", {"return_load"}),
        ("wrong send po ako ng load sa inyo, pakibalik po", {"return_request"}),
        ("有人在闲鱼上卖smart卡，说可以代收验证码", {"registered_sim_sale"}),
        ("请将稍后收到的eSIM二维码截图发送至本账号完成激活", {"asks_for_secret"}),
        (
            "May problema po sa SIM registration niyo, kailangan po namin ng picture ng valid ID",
            {"asks_for_secret"},
        ),
        ("Smart load center 20-30% cheaper than 7-Eleven, contact WhatsApp", {"below_face_value"}),
        ("电信话费 面值100 到手价79，当天到账", {"below_face_value"}),
    ],
)
def test_adverts_and_asks_are_high_with_their_reasons(scanner: Scanner, text: str, flags: set[str]) -> None:
    report = scanner.scan(text)
    assert report.level == "high" and flags <= ids(report), report


def test_short_links_and_phone_contacts_are_flagged_shortened(scanner: Scanner) -> None:
    report = scanner.scan("看看这个 bit.ly/abc123")
    assert {"hidden_link", "unofficial_link"} <= ids(report) and report.level == "medium"
    report = scanner.scan("WhatsApp +63 917 123 4567 代充")
    assert report.level == "high" and "private_account" in ids(report)
    assert "917 123" not in json.dumps(report.as_json(""), ensure_ascii=False)


def test_a_question_about_a_thing_is_not_an_offer_of_it(scanner: Scanner) -> None:
    # A general question gets the general checklist; one that reports an offer gets its analysis.
    assert scanner.scan("代充靠谱吗").level == "low"
    assert scanner.scan("慢充是什么意思").level == "medium"
    assert scanner.scan("电报上有个人说能帮忙充Smart，靠谱吗").level == "medium"
    assert scanner.scan("有人卖慢充话费，靠谱吗").level == "high"


def test_a_question_reporting_an_ask_is_high(scanner: Scanner) -> None:
    for text in ("有人要我提供验证码是真的吗", "someone asked me to send my OTP, is it legit?"):
        assert scanner.scan(text).level == "high", text


def test_a_warning_is_not_an_ask(scanner: Scanner) -> None:
    assert "asks_for_secret" not in ids(scanner.scan("千万不要把验证码告诉任何人"))
    assert "asks_for_secret" not in ids(scanner.scan("Never share your OTP with anyone"))


def test_links_and_handles_are_shown_defanged_and_shortened() -> None:
    assert show_host("10086-cz.com") == "10086-cz[.]com"
    assert show_handle("esim1088") == "@es…88" and show_handle("abc") == "@a…"
    assert len(show_host("a" * 60 + ".evil.top")) < 60
    text = "邮件 kontratextscam@ntc.gov.ph，官网10086-cz.com，TG：@esim1088，[x](https://t.me/s/esim1088)"
    assert [link.host for link in find_links(text)] == ["10086-cz.com", "t.me"]
    assert [handle.name for handle in find_handles(text)] == ["esim1088"]


@pytest.mark.parametrize(
    "text",
    [
        "充" * 100_000,
        "a." * 50_000,
        "㏘" * 4_000,
        "@" * 100_000,
        "https://" * 10_000,
        "\x00\x1b[31m\u202e\u200b\ud800\x7f" * 1_000,
        "😀🎉💰" * 1_000,
        "http:// https://. ..com a..b.com http://[::1 xn-- xn--zz.com https://xn--.com @ t.me/ t.me/s/",
        "-" * 5_000 + ".com",
        "1" * 5_000 + "只要" + "9" * 5_000,
    ],
)
def test_hostile_input_never_raises(scanner: Scanner, text: str) -> None:
    report = scanner.scan(text)
    assert report.level in ("high", "medium", "low")
    json.dumps(report.as_json(text))


def test_the_risk_yaml_reports_file_line_and_fix(content_copy: Path) -> None:
    rules = content_copy / "intents" / "_risk.yaml"
    text = rules.read_text(encoding="utf-8")
    text = text.replace("detectors: [price_cut]", "detectors: [price_cutt]")
    text = text.replace("weight: 0.45\n", "weight: lots\n")
    text = text.replace(
        "reason: 网址 {evidence} 不是运营商官方网站", "reason: 网址 {link} 不是运营商官方网站"
    )
    text = text.replace(
        "      - '(不用|免|无需|不需要|不必|不需)本人'", "      - '(?<![0-9])[1-9]折'\n      - '(unclosed'"
    )
    text = text.replace("  maya.ph: {owner: Maya", "  maya.com: {owner: Maya")
    text = text.replace("reason: 让你私下联系（{evidence}）", "reason: 让你私下联系（{evidence}）{")
    rules.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    lines = text.splitlines()
    assert all(problem.fix and problem.line > 0 for problem in caught.value.problems)
    found = {p.line: p.message for p in caught.value.problems if p.path == rules}
    expect = {
        "unknown detector 'price_cutt'": "price_cutt",
        "must be a number, not 'lots'": "lots",
        "{link}": "{link}",
        "cannot run: invalid perl operator: (?<!": "(?<![0-9])",
        "cannot run: missing )": "(unclosed",
        "'maya.com' is not on responses/_allowlist.yaml": "maya.com",
        "not a placeholder": "让你私下联系",
    }
    for message, marker in expect.items():
        line = next(n for n, m in found.items() if message in m)
        assert marker in lines[line - 1], (message, lines[line - 1])
    result = run_cli("--content", str(content_copy), "check")
    assert result.returncode == 1 and f"{rules}:" in result.stderr and "fix:" in result.stderr


def test_scan_streams_one_json_line_per_message() -> None:
    lines = ["怎么充值", sample_lines()[0], "网址 10086-cz.com"]
    result = run_cli("scan", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["level"] for r in records] == ["low", "high", "high"]
    assert [r["text"] for r in records] == lines
    assert set(records[1]) == {"text", "level", "score", "flags"}
    assert all(set(f) == {"id", "reason", "evidence"} for r in records for f in r["flags"])
    assert SAMPLE_HANDLE not in json.dumps([r["flags"] for r in records])


def test_links_need_no_network_and_write_no_cache(tmp_path: Path) -> None:
    # The Public Suffix List is the one bundled with publicsuffixlist: nothing is fetched, and
    # nothing but the bot's own cache folder is written under the user's home.
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = run_cli("scan", stdin="登录 help.smart.com.ph 或 10086-cz.com\n", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "high"
    assert {p.relative_to(tmp_path).parts[:2] for p in tmp_path.rglob("*")} <= {
        ("cache",),
        ("cache", "topup-guide"),
    }


def test_eval_scan_meets_the_bars_on_the_dev_set() -> None:
    result = run_cli("eval-scan", str(DATA / "scam_dev.tsv"), "--min-recall", "1.0", "--max-false-high", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "recall 1.000" in result.stdout and "low rated high: 0" in result.stdout
    assert "expected ↓ / got →" in result.stdout


def test_eval_scan_meets_the_bars_on_messages_written_apart_from_the_rules() -> None:
    # tests/data/scam_more.tsv: 60 messages (30 high, 30 low or medium; zh, zh-Hant, en, Taglish;
    # evasions) written before the rules that now catch them; first sight was recall 0.333.
    result = run_cli("eval-scan", str(DATA / "scam_more.tsv"), "--min-recall", "1.0", "--max-false-high", "0")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "recall", "false_high"),
    [
        # 100 messages a tester wrote without seeing the rules: first sight recall 0.724 and one
        # harmless message rated 高; the second round of general signals brought it to 1.0 / 0.
        ("scam_tryout.tsv", "1.0", "0"),
        # 120 messages written apart and kept unseen until the checker was done: first sight recall
        # 0.840, one harmless message rated 高 (USDT talk); 0.920 after three request-for-secret
        # patterns; 0.940 and none harmless rated 高 after the signals scam_s.tsv's misses showed
        # (an account named after a hotline, crypto owned is not crypto paid). The bar holds what
        # it reaches, not more; 0.960 after the signals scam_u.tsv's misses showed.
        ("scam_final.tsv", "0.96", "0"),
        # 130 messages written apart from the rules: first sight recall 0.800, precision 0.941, two
        # harmless messages rated 高 (USDT owned, a reported advert); a dev set since the signals
        # its misses showed were added (refund agents, screen sharing, masked numbers, spelled-out
        # names and links, crypto owned vs paid with).
        ("scam_s.tsv", "1.0", "0"),
        # 120 messages written apart and kept unseen until the end of the next round: first sight
        # recall 0.852, precision 0.885, three harmless messages rated 高 (crypto talk; a call
        # already hung up on; a hypothetical). A dev set since a few general signals its misses
        # showed (a code's screenshot sent on, "we need your valid ID", "% cheaper", 到手价, TRC20
        # alone is talk). Two harmless ones stay 高: questions about a reported ask, which the
        # checker reads as the ask. One since "有没有" no longer reads as a cheap offer ("没有 便宜").
        ("scam_t.tsv", "0.94", "1"),
        # Three sets of 160 (80 high, 27 medium, 53 low; zh, zh-Hant, Cantonese, en, Tagalog, Taglish;
        # SMS, chats, calls, group posts), each written apart from the rules and sealed until its
        # one first look on a round's final code. Scam V: recall 0.800, 0 harmless 高, levels 0.812
        # (issue 15's first round). Scam W: 0.637, 0, 0.731; scam X (asked for tricks a rule-writer
        # would not expect): 0.537, 3 harmless 高, 0.662 (issue 15's second round). Dev sets since:
        # the bars hold what the signals their misses showed reach, not more.
        ("scam_v.tsv", "0.98", "0"),
        ("scam_w.tsv", "0.89", "0"),
        ("scam_x.tsv", "0.75", "0"),
        # Scam Y (issue 15's third round, 60 of 160 not in Chinese), sealed until one look on the
        # round's final code, with the learned score: recall 0.887, precision 0.887, 1 harmless 高
        # (1.9 per 100), levels 0.806. A dev set since.
        ("scam_y.tsv", "0.88", "1"),
    ],
)
def test_eval_scan_holds_on_sets_written_apart(name: str, recall: str, false_high: str) -> None:
    result = run_cli("eval-scan", str(DATA / name), "--min-recall", recall, "--max-false-high", false_high)
    assert result.returncode == 0, result.stdout + result.stderr


def test_eval_scan_fails_below_the_bars(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text("text\tlevels\n怎么充值\thigh\n网址 10086-cz.com\\n快点\tlow\n", encoding="utf-8")
    result = run_cli("eval-scan", str(path), "--min-recall", "1.0", "--max-false-high", "0")
    assert result.returncode == 1
    assert "recall of high 0.000" in result.stderr and "1 low messages rated high" in result.stderr
    assert "line 2: expected high got low" in result.stdout
    bad = tmp_path / "bad.tsv"
    bad.write_text("text\tlevels\n怎么充值\tsevere\n", encoding="utf-8")
    result = run_cli("eval-scan", str(bad))
    assert result.returncode == 2 and f"{bad}:2: unknown level severe" in result.stderr


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("飞 机：s m a r t _ c z", "spelled_out"),  # spaced letters
        ("加 T🔸G 👉 smart🇵🇭top 保号卡", "telegram_account"),  # emoji between letters
        ("代充话费，加📱薇：h f 5 2 0", "private_account"),
        ("代充话费 T.G @ cz_888", "telegram_account"),
        ("充值群 扣扣群 556677881 进群", "private_account"),
        ("积分兑换，登录 cmcc-jf 点 com 领取", "lookalike_domain"),  # a link spelled out
        ("积分即将清零，请登录 http://47.96.112.8/jf 兑换", "ip_link"),
        ("话费积分兑换，点击 xn--10010-9q7f.com 领取", "lookalike_domain"),  # punycode, decoded
        ("Points expiring! redeem at smartrewards.ph-claim.com", "lookalike_domain"),
        ("恭喜您获得话费返还800元，请点击 http://t.cn/A6xYz9 领取", "hidden_link"),
        ("【10086】如非本人操作请拨打 0571-88776655 取消", "operator_callback"),
        ("Smart Advisory: May refund ka. Tumawag sa 0917-555-0192", "operator_callback"),
        ("现转接公安局，请配合资金核查，转账至安全账户", "safe_account"),
        ("This is the police. Transfer your funds to a safe account now.", "safe_account"),
        ("公安局通知：你涉嫌一起洗钱案件，请下载指定APP配合调查", "police_claim"),
        ("【中国电信】您的宽带即将到期，续费请联系专员 138-0013-8000", "operator_callback"),
        ("扫这个二维码领100元话费，需要输入支付密码确认", "asks_for_secret"),
        ("Text your name, address, and GCash MPIN to claim.", "asks_for_secret"),
        ("只要把卡号和密码给他就能帮你充", "asks_for_secret"),
        ("保号卡代办，不用本人，身份证复印件就行", "not_in_person"),
        ("您已中奖，请先支付手续费500元领取", "private_payment"),
        # Made up for these signals, none taken from a set: a handle spelled apart after an @, a
        # link spelled out with no space, a call-back number with hidden digits, an agent's account
        # named after a hotline, a refund over screen sharing, a transfer to a card.
        ("飞机 👉 @ c h e a p 🌙 h u a f e i 代充", "telegram_account"),
        ("官方网站：chinamobile点com点cn-pay点vip", "lookalike_domain"),
        ("【10010】您的宽带将停用，请致电 020-8xx6 5xx1 办理", "operator_callback"),
        ("話費退款請加退款專員微信 refund_10010cs 處理", "official_named_contact"),
        ("您的订单退款失败，请下载腾讯会议开启屏幕共享，客服指导您退款", "remote_control"),
        ("为免停机，请今天内汇款到以下账户：6217 00xx xxxx 9981 户名王某", "private_payment"),
        ("请将护照拍照发到Viber 0917 xxx 2210完成实名，否则明天停机", "asks_for_secret"),
        ("Get ₱1,000 load! Just pay the ₱99 processing fee to claim.", "private_payment"),
        (
            "Smart: Your SIM needs re-registration. Text your full name and ID number to 0917xxx1234",
            "reregister",
        ),
        ("请开启屏幕共享，我远程帮您操作退款", "remote_control"),
        ("中国移动：您的号码将于24小时后停用，请回拨 021-5xx8 2xx1 咨询", "operator_callback"),
        ("加我Line：@ s m a r t _ l o a d 打八折", "spelled_out"),
    ],
)
def test_scams_without_an_operator_keyword_or_spelled_to_evade_are_high(
    scanner: Scanner, text: str, flag: str
) -> None:
    report = scanner.scan(text)
    assert report.level == "high" and flag in ids(report), report


@pytest.mark.parametrize(
    ("text", "letter"), [("请拨打1OO86查询", "字母 O 冒充数字 0"), ("收到 l0086 的短信", "字母 l 冒充数字 1")]
)
def test_a_lookalike_number_says_which_character_passes_for_which(
    scanner: Scanner, text: str, letter: str
) -> None:
    [flag] = [f for f in scanner.scan(text).flags if f.id == "lookalike_number"]
    assert letter in flag.reason


def test_a_genuine_notice_that_points_to_the_official_app_or_hotline_is_low(scanner: Scanner) -> None:
    report = scanner.scan("【中国移动】您的积分即将过期，请登录中国移动APP或发送短信CXJF到10086查询")
    assert report.level == "low" and "official_channel" in ids(report)


@pytest.mark.parametrize(
    "text",
    [
        "在币安买了点USDT，打算长期拿着",
        "BTC最近涨了好多",
        "我刚用支付宝给我爸充了话费，秒到",
        "看到一篇文章说代充是洗钱，还好没买",
    ],
)
def test_owning_crypto_or_a_quick_official_top_up_or_reading_about_scams_is_low(
    scanner: Scanner, text: str
) -> None:
    assert scanner.scan(text).level == "low", scanner.scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "公司开会要用腾讯会议，手机流量够吗",
        "手机只能紧急呼叫了，怎么办",
        "my call was on hold for 20 minutes with customer service",
        "我的套餐即将到期了",
        "银行卡户名是我妈的，能给我充话费吗",
        "我想重新注册一个GCash账号",
        "支付宝小程序怎么充话费",
        "我朋友用支付宝给我充了话费，到账了，谢谢",
        "我用USDT买了点比特币",
        "你能帮我充值吗",
        "支付宝充值页面显示满100减1，是真的吗",
        "华为三折叠手机多少钱",
        "一波三折终于充上了",
        "我用95元充了100元",
        "淘宝上话费充值店铺可以吗，98.5元充100",
    ],
)
def test_sentences_sharing_words_with_the_newer_signals_are_low(scanner: Scanner, text: str) -> None:
    # Written for this check, none from a set: a meeting app, emergency calls, a hold, an account
    # holder, an account re-registered, a mini-program asked about, crypto owned, a 三折 that is
    # no price: a verdict here would take the place of the answer.
    assert scanner.scan(text).level == "low", scanner.scan(text)


def test_only_a_victims_own_story_is_marked_as_one(scanner: Scanner) -> None:
    assert scanner.scan("我被骗了，有人说代充话费，我转了500块，现在怎么办？").wants_help
    assert not scanner.scan("有人卖8折代充，靠谱吗").victim


@pytest.mark.parametrize(
    "text",
    [
        "1 2 3 4 5 上山打老虎",
        "我的卡号和密码忘了怎么办",
        "http://192.168.1.1 路由器怎么登录",
        "smartphones.com.ph 是什么网站",
    ],
)
def test_what_only_looks_like_an_evasion_is_not_high(scanner: Scanner, text: str) -> None:
    # Letters apart hiding no contact, a question about one's own password, a router's address,
    # a site whose name only begins like a brand's: none of them is 高.
    report = scanner.scan(text)
    assert report.level != "high" and "spelled_out" not in ids(report), report


def test_a_number_to_call_counts_for_more_when_the_message_opens_as_an_operator(scanner: Scanner) -> None:
    plain = scanner.scan("如有疑问请拨打 400-123-4567")
    assert ids(plain) == {"call_back"} and plain.level == "medium"
    sent = scanner.scan("【中国联通】如有疑问请拨打 400-123-4567")
    assert ids(sent) == {"operator_callback"} and sent.level == "high" and "中国联通" in sent.flags[0].reason


class _CountingQuestion:
    """Stands in for phrases.QUESTION and adds up how many characters its searches cover."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.chars = 0

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        self.chars += min(endpos, len(text)) - pos
        return self.pattern.search(text, pos, endpos)


@pytest.mark.parametrize(
    "name", ["代充 × 3000", "慢充 × 5000", "代充吗 × 3000", "tg : × 2000", "发验证码 × 2500"]
)
def test_a_clause_full_of_phrases_is_searched_for_a_question_once(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Linear work, not time: each match once searched its whole clause (3,000 matches × 9,000 chars)."""
    counting = _CountingQuestion(phrases.QUESTION)
    monkeypatch.setattr(phrases, "QUESTION", counting)
    text = SCAN_HOSTILE[name]
    scanner.scan(text)
    assert counting.chars <= 2 * len(text)


def test_a_question_still_lowers_each_phrase_in_it(scanner: Scanner) -> None:
    assert scanner.scan("慢充是什么意思，代充靠谱吗").level != "high"
    assert scanner.scan("有人卖慢充话费，靠谱吗").level == "high"


@pytest.mark.parametrize(
    ("host", "parts"),
    [
        ("a.b.smart.com.ph", ("a.b", "smart", "com.ph")),
        ("10086.cn.chongzhi-vip.com", ("10086.cn", "chongzhi-vip", "com")),
        ("smart.com.ph.", ("", "smart", "com.ph")),
        ("com.ph", ("", "", "com.ph")),
        ("121.40.88.19", ("", "121.40.88.19", "")),
        ("pay.smart.invalidtld", ("pay.smart", "invalidtld", "")),
        ("xn--fiqs8s.xn--fiqs8s", ("", "xn--fiqs8s", "xn--fiqs8s")),
    ],
)
def test_a_host_splits_into_subdomain_registered_name_and_public_suffix(
    host: str, parts: tuple[str, str, str]
) -> None:
    assert split_host(host) == parts
