"""The channel entity: which top-up channel a question is about, found like the operator."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.replying.conversation import Conversation
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("7-11能买smart load吗", "convenience_store"),
        # What the user lacks, or a bank's SMS code, names no channel; a person's own account is a seller.
        ("有没有别的办法，我没有gcash也没有maya", None),
        ("零余额能收短信吗，我靠它收银行验证码", None),
        ("代充要先转账到个人支付宝，能信吗", "private_seller"),
        ("闲鱼上有人卖菲律宾卡", "private_seller"),
        ("有人说用USDT可以帮我充", "private_seller"),
        ("全家便利店可以充话费吗", "convenience_store"),
        ("7-Eleven can I buy load there", "convenience_store"),
        ("營業廳充值要帶身份證嗎", "store"),
        ("去营业听充值", "store"),
        ("网上营业厅怎么充", "website"),
        ("掌上营业厅充值", "app"),
        ("ATM机可以充话费吗", "bank"),
        ("手機銀行能繳話費嗎", "bank"),
        ("支付保充话费怎么操作", "alipay"),
        ("微信能给菲律宾号码充吗", "wechat_pay"),
        ("微信上有人卖八折话费", "private_seller"),
        ("拼夕夕上有9折话费", "ecommerce"),
        ("淘宝上买的充值卡能用吗", "ecommerce"),  # a tie goes to the one named first
        ("Call & Text Card怎么用", "prepaid_card"),
        ("刮刮卡刮开了怎么充", "prepaid_card"),
        ("没有菲律宾银行卡能用GCash充smart吗", "gcash"),
        ("PayMaya可以买load吗", "maya"),
        ("sari-sari store能买load吗", "retailer"),
        ("Pasaload怎么用", "friend"),
        ("让菲律宾的朋友帮我充", "friend"),
        ("电报上的代充靠谱吗", "private_seller"),
        ("朋友推荐的代充群", "private_seller"),
        ("代充靠谱吗", "private_seller"),
        ("坐飞机去菲律宾要注意什么", None),
        ("用信用卡在官网充", "website"),
        ("smart卡怎么充值", None),
    ],
)
def test_channel_entity(conversation: Conversation, text: str, channel: str | None) -> None:
    assert conversation.classifier.classify(text).channel == channel


def test_eval_reads_the_channel_column_and_reports_its_accuracy(tmp_path: Path) -> None:
    path = tmp_path / "channels.tsv"
    path.write_text(
        "text\tintents\toperator\tchannel\n"
        "全家便利店可以充话费吗\ttopup_where\t\tconvenience_store\n"
        "smart卡怎么充值\ttopup_how\tsmart\t\n"
        "支付宝能充吗\ttopup_where\t\twechat_pay\n",
        encoding="utf-8",
    )
    result = run_cli("eval", str(path), "--min-channel-accuracy", "0.9")
    # Two questions have a channel expected or found; the second question counts for neither.
    assert "channel accuracy: 0.500 (1/2" in result.stdout
    assert result.returncode == 1 and "below --min-channel-accuracy" in result.stderr

    path.write_text("text\tintents\toperator\tchannel\n你好\tgreeting\t\tpigeon\n", encoding="utf-8")
    result = run_cli("eval", str(path))
    assert result.returncode == 2 and "channels.tsv:2" in result.stderr and "pigeon" in result.stderr
