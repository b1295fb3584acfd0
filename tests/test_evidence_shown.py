"""A verdict never repeats the user's handle, number or link in a form that can be tapped or copied.

Whatever found it (a detector, a phrase, a pattern whose match runs into a handle), every piece of
evidence is shown defanged and masked: @ch…88, 091…67, cheap-load88[.]top. Checked on the flags,
on the verdict the user reads, and on what the chat keeps for "为什么", over generated handles,
numbers and links in the shapes scam messages use.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState
from bot.core.risk.links import shown

# Telegram usernames: a letter first, 5 to 32 letters, digits and _.
HANDLES = st.from_regex(r"[a-z][a-z_]{3,12}[0-9]{2,6}", fullmatch=True)
# Philippine and Chinese mobiles, as typed: whole, with spaces or dashes, with the country code.
PHONES = st.one_of(
    st.from_regex(r"09[0-9]{9}", fullmatch=True),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"\+639[0-9]{9}", fullmatch=True),
    st.from_regex(r"09[0-9]{2} [0-9]{3} [0-9]{4}", fullmatch=True),
    st.from_regex(r"1[3-9][0-9]-[0-9]{4}-[0-9]{4}", fullmatch=True),
)
LINKS = st.builds(
    "{}{}.{}{}".format,
    st.sampled_from(["", "http://", "https://", "www."]),
    st.from_regex(r"[a-z][a-z0-9-]{3,12}[0-9]{2}", fullmatch=True),
    st.sampled_from(["top", "xyz", "com", "cc", "shop"]),
    st.sampled_from(["", "/load", "/r?id=7"]),
)
# How adverts and asks carry them (a phrase or pattern often matches right up to or into one).
HANDLE_MESSAGES = [
    "send to @{} your otp",
    "selling @{} load",
    "代充话费 找@{} 8折",
    "验证码发给 @{}",
    "TG: {} 慢充 秒到",
    "加微信 {} 代充",
    "send the code to @{} now",
    "pm @{} for cheap load",
]
PHONE_MESSAGES = [
    "send to {} the otp",
    "请立即拨打 {} 否则停机",
    "把验证码发到 {}",
    "代充话费加微信 {}",
    "text {} for cheap load 100 for 80",
]
LINK_MESSAGES = [
    "点击 {} 领取话费",
    "smart load promo {} 100 for 70",
    "send your otp at {}",
    "代充 {} 八折",
]


def replies(conversation: Conversation, text: str) -> list[str]:
    """Everything the user can read of a verdict: each flag, the reply, and "为什么" after it."""
    assert conversation.risk is not None
    report = conversation.risk.scan(text)
    said = [part for flag in report.flags for part in (flag.reason, flag.evidence)]
    turn = conversation.on_text(text, ChatState())
    said.append(turn.reply.text)
    said += list(turn.state.reasons)
    said.append(conversation.on_text("为什么", turn.state).reply.text)
    return said


def tappable_handles(text: str) -> list[str]:
    return re.findall(r"@[A-Za-z0-9_]{3,}", text)


def digits_of(text: str) -> str:
    """Digits with the spaces and dashes between them taken out (0917 123 4567 is one number)."""
    return re.sub(r"(?<=[0-9])[ -](?=[0-9])", "", text)


@pytest.mark.parametrize(
    ("text", "never"),
    [
        ("send to @scam_helper99 your otp", "scam_h"),
        ("send to 09171234567 the otp", "0917123"),
        ("selling @cheap_load88 load", "@cheap"),
    ],
)
def test_the_probes_reproductions_echo_nothing(conversation: Conversation, text: str, never: str) -> None:
    for said in replies(conversation, text):
        assert never not in said, said
        assert not tappable_handles(said), said


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HANDLES, shape=st.sampled_from(HANDLE_MESSAGES))
def test_no_handle_is_repeated(conversation: Conversation, name: str, shape: str) -> None:
    pieces = {name[i : i + 5] for i in range(len(name) - 4)}
    for said in replies(conversation, shape.format(name)):
        assert not tappable_handles(said), said
        assert not [p for p in pieces if p in said.lower()], said


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=PHONES, shape=st.sampled_from(PHONE_MESSAGES))
def test_no_number_is_repeated(conversation: Conversation, number: str, shape: str) -> None:
    digits = re.sub("[^0-9]", "", number)
    for said in replies(conversation, shape.format(number)):
        flat = digits_of(said)
        assert not [digits[i : i + 6] for i in range(len(digits) - 5) if digits[i : i + 6] in flat], said


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(link=LINKS, shape=st.sampled_from(LINK_MESSAGES))
def test_no_link_is_repeated_live(conversation: Conversation, link: str, shape: str) -> None:
    host = re.sub("^(https?://)?", "", link).split("/")[0]
    for said in replies(conversation, shape.format(link)):
        assert host not in said.lower(), said


@given(
    st.lists(
        st.one_of(HANDLES.map("@{}".format), PHONES, LINKS, st.text(max_size=8)), min_size=1, max_size=5
    ).map(" ".join)
)
def test_shown_text_holds_no_handle_number_or_link(text: str) -> None:
    """The one function every piece of evidence goes through, on any mix of them."""
    out = shown(text.lower())
    assert not tappable_handles(out)
    assert not re.search(r"[0-9]{7}", digits_of(out))
    assert not re.search(r"[a-z0-9-]\.(?:top|xyz|com|cc|shop)\b", out)
    assert shown(out) == out, "showing twice changes nothing"
