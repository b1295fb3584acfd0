"""Whatever a user sends, from raw text to the rendered reply: no exception, a reply, in bounded time.

Property-based (hypothesis): arbitrary Unicode with control and format characters, markup, links
and handles, messages past Telegram's 4,096 characters, and the pieces that once made the
bot slow (㏘, long dotted runs). The deadline is generous; `bench` measures the speed.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable, Coroutine, Iterator
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.terminal import show, step
from bot.core.replying.answers import off_allowlist
from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Reply
from bot.devtools.telegram_standin import StandIn
from tests.test_conversation import ALLOWLIST
from tests.test_telegram import running

T = TypeVar("T")

PIECES = [
    "<b>粗体</b>",
    "&amp;",
    "<a href='http://evil-topup.xyz'>官网</a>",
    "*bold* _it_ `code` [x](http://t.me/esim1088)",
    "@esim1088",
    "t.me/joinchat/abc",
    "https://smart-load.top/充值?a=1&b=2",
    "evil-topup．xyz",
    "\x1b[31m",
    "\u202e",
    "\u200b",
    "\x00",
    "smart卡怎么充值",
    "代充靠谱吗",
    "1",
    "/start",
    "/foo",
    "㏘" * 1000,
    "a." * 1000,
    "充值" * 1100,
    "ﷺ" * 300,
    "９" * 5,
    "¹①⒈",
]
# Text Telegram can carry: anything but lone surrogates (JSON cannot hold them).
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
MESSAGES = st.lists(st.one_of(ANY_TEXT, st.sampled_from(PIECES)), min_size=1, max_size=8).map("".join)


def assert_safe(reply: Reply, conversation: Conversation) -> None:
    assert reply.text.strip()
    assert reply.text != conversation.answers.ui("error")
    # No link or handle of the user's, ever: only what the answers themselves may hold.
    assert off_allowlist(reply.text, ALLOWLIST) == []


@settings(
    max_examples=150,
    # Up to five lines each; the first to need them loads a script converter or the link parser
    # (tens of ms each, more on a loaded machine). A hang or a quadratic blow-up takes far longer.
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(lines=st.lists(MESSAGES, min_size=1, max_size=5))
def test_the_terminal_answers_every_line(conversation: Conversation, lines: list[str]) -> None:
    state, last = ChatState(), None
    for line in lines:
        line = line.replace("\n", " ")  # the terminal reads a line at a time
        turn = step(conversation, line, state, last)
        if turn is None:  # /quit and its kind
            assert line.strip() in ("/quit", "/exit", "/q")
            return
        out = io.StringIO()
        show(turn.reply, out)
        assert turn.reply.text in out.getvalue()
        assert_safe(turn.reply, conversation)
        state, last = turn.state, turn.reply


class LiveBot:
    """The real Application and the stand-in, on an event loop in a thread of their own, so that
    each hypothesis example (synchronous) is one message through them, without a restart."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.chats = iter(range(10_000, 1_000_000))

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="module")
def live(
    conversation: Conversation, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveBot, StandIn]]:
    bot = LiveBot()
    context = running(conversation, tmp_path_factory.mktemp("live"), telegram_limits=False)
    _, standin = bot.call(context.__aenter__())
    try:
        yield bot, standin
    finally:
        bot.call(context.__aexit__(None, None, None))
        bot.stop()


def ask(bot: LiveBot, standin: StandIn, push: Callable[[int], object]) -> list[str]:
    """Pushes one update for a new chat (in the bot's loop) and returns the texts sent back."""
    chat = next(bot.chats)

    async def exchange() -> list[str]:
        push(chat)
        await standin.wait_for(1, chat_id=chat)
        await asyncio.sleep(0.01)  # a long answer's later pieces
        return [call.params["text"] for call in standin.sent(chat_id=chat)]

    return bot.call(exchange())


@settings(
    max_examples=60,
    deadline=timedelta(seconds=3),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=MESSAGES.filter(lambda t: t.strip()))
def test_telegram_answers_every_message(
    live: tuple[LiveBot, StandIn], conversation: Conversation, text: str
) -> None:
    bot, standin = live
    replies = ask(bot, standin, lambda chat: standin.push_text(chat, text))
    assert replies and all(0 < len(piece) <= 4096 for piece in replies)
    for piece in replies:
        assert_safe(Reply(piece), conversation)


@settings(max_examples=25, deadline=timedelta(seconds=3))
@given(data=st.text(max_size=80))
def test_telegram_answers_every_button_payload(live: tuple[LiveBot, StandIn], data: str) -> None:
    bot, standin = live
    replies = ask(bot, standin, lambda chat: standin.push_button(chat, data))
    assert replies


@settings(max_examples=150, deadline=timedelta(milliseconds=500))
@given(text=MESSAGES)
def test_masking_leaves_no_long_number_and_no_address(text: str) -> None:
    import re

    from bot.store.masking import Masker

    masked = Masker({"10086"})(text)
    assert all(run == "10086" for run in re.findall(r"[0-9]{4,}", masked))
    assert not re.search(r"[\w.+-]@[\w-]+\.[\w-]+", masked, re.ASCII)
