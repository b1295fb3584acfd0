"""Links, domains and handles in a message: found whole, in one pass, however the message is built."""

from __future__ import annotations

import unicodedata

import pytest

from bot.core.replying.conversation import Conversation
from bot.core.understanding.links import Link, find_links
from bot.core.understanding.normalize import HANDLE_TOKEN, READ_HEAD, READ_TAIL, URL_TOKEN


def found(text: str) -> list[tuple[str, str]]:
    return [(link.kind, link.text) for link in find_links(text)]


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("上 https://smart.com.ph/load 充", [("url", "https://smart.com.ph/load")]),
        ("www.10086.cn", [("url", "www.10086.cn")]),
        ("去10086-cz.com充值", [("domain", "10086-cz.com")]),
        ("smart.com.ph/load，然后", [("domain", "smart.com.ph/load，然后")]),
        ("加 t.me/esim1088 代充", [("telegram", "t.me/esim1088")]),
        ("https://t.me/esim1088", [("telegram", "https://t.me/esim1088")]),
        ("联系@esim1088 八折", [("handle", "@esim1088")]),
        ("邮箱 abc@gmail.com", [("domain", "gmail.com")]),
        ("a.com.b.com.x", [("domain", "a.com.b.com")]),
        ("a..com 和 x.com", [("domain", "x.com")]),
        ("版本1.2.3 和 e.g. 不是", []),
        ("@abc 太短", []),
        ("SMART.COM.PH", [("domain", "SMART.COM.PH")]),
    ],
)
def test_links_are_found_whole(text: str, links: list[tuple[str, str]]) -> None:
    assert found(text) == links


def test_spans_index_the_text() -> None:
    text = "先看 smart.com.ph 再问 @esim1088"
    for link in find_links(text):
        assert text[link.start : link.end] == link.text
    assert [link.host for link in find_links(text)] == ["smart.com.ph", ""]


def test_any_ending_when_no_domain_is_expected() -> None:
    assert found("见 evil-topup.shop") == []
    assert found_any("见 evil-topup.shop 或 v1.0") == [("domain", "evil-topup.shop")]


def found_any(text: str) -> list[tuple[str, str]]:
    return [(link.kind, link.text) for link in find_links(text, tlds=None)]


def test_a_full_width_dot_is_a_dot_after_nfkc() -> None:
    [link] = find_links(unicodedata.normalize("NFKC", "evil-topup．xyz"))
    assert link == Link("domain", "evil-topup.xyz", 0, 14, "evil-topup.xyz")


@pytest.mark.parametrize(
    "text",
    ["㏘" * 4000, "a." * 8000, "a.-" * 3000, "1." * 5000 + "com", "@" * 4000, "x-" * 4000 + ".com"],
)
def test_hostile_messages_are_read_in_one_cut_pass(conversation: Conversation, text: str) -> None:
    """What used to stall the bot (seconds each): the cut now follows NFKC, and links are one pass."""
    normalize = conversation.classifier.normalize
    scripted = normalize.script(text)
    assert len(scripted) <= READ_HEAD + 1 + READ_TAIL
    assert conversation.classifier.classify(text).intent  # answered; `bench` reports how fast


def test_links_become_placeholders(conversation: Conversation) -> None:
    script = conversation.classifier.normalize.script
    assert script("去 smart-load.top 充") == f"去 {URL_TOKEN} 充"
    assert script("加t.me/abcde 或者@abcdef") == f"加 {HANDLE_TOKEN} 或者 {HANDLE_TOKEN}"
    assert script("官网ｓｍａｒｔ．ｃｏｍ．ｐｈ") == f"官网 {URL_TOKEN}"
