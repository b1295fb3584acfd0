"""The scam-risk verdict through Telegram (the real Application against the Bot API stand-in)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot.core.replying.conversation import Conversation
from bot.devtools.telegram_standin import StandIn
from tests.test_risk import ADS, SAMPLE_HANDLE, sample_lines
from tests.test_telegram import buttons, run, running

CHAT = 611
GROUP = -611


def someone_in(standin: StandIn, text: str) -> dict[str, Any]:
    """A message another member posted in the group (what a member replies /check to)."""
    return {**standin.message(GROUP, "group", text=text), "from": standin.user(77)}


def assert_defanged(text: str) -> None:
    assert SAMPLE_HANDLE not in text and "t.me" not in text and "http" not in text


def test_a_pasted_advert_right_after_which_operator_is_rated_high(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            standin.push_text(CHAT, "怎么查余额")
            [asked] = await standin.wait_for(1, chat_id=CHAT)
            assert "哪家运营商" in asked.params["text"]
            for number, text in enumerate([p.read_text(encoding="utf-8") for p in ADS] + sample_lines()):
                standin.push_text(CHAT, text)
                replies = await standin.wait_for(number + 2, chat_id=CHAT)
                verdict = replies[-1].params
                assert verdict["text"].startswith("风险：高") and "@es…88" in verdict["text"]
                assert_defanged(verdict["text"])
                assert verdict["link_preview_options"]["is_disabled"] is True
                assert [label for label, _ in buttons(replies[-1])] == ["在哪充值", "防骗检查"]

    run(scenario)


def test_check_as_a_reply_in_a_group_rates_the_replied_to_message(
    conversation: Conversation, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            advert = someone_in(standin, sample_lines()[0])
            standin.push_text(GROUP, "/check", chat=advert["chat"], reply_to_message=advert)
            [verdict] = await standin.wait_for(1, chat_id=GROUP)
            assert verdict.params["text"].startswith("风险：高")
            assert_defanged(verdict.params["text"])
            # A mention of the bot in a reply asks the same.
            sms = someone_in(standin, "【中国移动】积分即将清零，速登 10086-jf.com 兑换")
            standin.push(
                {
                    "message": standin.message(
                        GROUP,
                        "group",
                        text="@TopupGuideBot 这个是真的吗",
                        entities=[{"type": "mention", "offset": 0, "length": 14}],
                        reply_to_message=sms,
                    )
                }
            )
            replies = await standin.wait_for(2, chat_id=GROUP)
            assert replies[1].params["text"].startswith("风险：高")
            assert "10086-jf[.]com" in replies[1].params["text"]
            # /check on an ordinary message says so; /check alone says how to use it.
            plain = someone_in(standin, "大家好，今天 Smart 有促销吗")
            standin.push_text(GROUP, "/check", chat=plain["chat"], reply_to_message=plain)
            standin.push_text(GROUP, "/check", chat=plain["chat"])
            replies = await standin.wait_for(4, chat_id=GROUP)
            assert replies[2].params["text"].startswith("风险：低")
            assert "回复那条消息" in replies[3].params["text"]

    run(scenario)


def test_a_forwarded_message_in_private_is_checked(conversation: Conversation, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(conversation, tmp_path) as (_, standin):
            origin = {"type": "hidden_user", "date": int(time.time()), "sender_user_name": "someone"}
            standin.push_text(CHAT, "Smart load 8折，秒到，TG @cheap_load_ph", forward_origin=origin)
            standin.push_text(CHAT, "请登录 10086.cn 查询", forward_origin=origin)
            photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 9, "height": 9}]
            standin.push(
                {
                    "message": standin.message(
                        CHAT, caption="Smart保号卡 代充 8折 TG @esim1088", photo=photo, forward_origin=origin
                    )
                }
            )
            replies = await standin.wait_for(3, chat_id=CHAT)
            assert replies[2].params["text"].startswith("风险：高") and "@es…88" in replies[2].params["text"]
            assert replies[0].params["text"].startswith("风险：高") and "@ch…ph" in replies[0].params["text"]
            assert "cheap_load_ph" not in replies[0].params["text"]
            assert (
                replies[1].params["text"].startswith("风险：低") and "官方网站" in replies[1].params["text"]
            )

    run(scenario)
