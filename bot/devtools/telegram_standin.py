"""A small Bot API stand-in on 127.0.0.1, for the tests and the benchmark.

It speaks enough of the Bot API over real HTTP for python-telegram-bot's Application to run
against it unchanged (base_url): it hands out updates the test pushes, records what the bot
sends, and can fail on purpose to test recovery: an HTTP error (500, 502, 429 with retry_after),
a slow answer (the request carried out, the answer late), no server at all (go_down: connections
refused, then come_back on the same port). A path it does not serve gets a 404 page.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import tornado.httpserver
import tornado.netutil
import tornado.web

BOT_USER = {"id": 424242, "is_bot": True, "first_name": "充值指南", "username": "TopupGuideBot"}
# Methods whose whole answer is `true`.
TRUE_METHODS = {"deleteWebhook", "setWebhook", "setMyCommands", "sendChatAction", "answerCallbackQuery"}
TOKEN = "424242:STANDINstandinSTANDINstandinSTANDIN0000"
# What getChatMember says of an administrator besides its status (the Bot API requires them all).
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": False,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class Fault:
    status: int
    remaining: int
    retry_after: int | None = None


@dataclass
class StandIn:
    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    handed_out: dict[int, float] = field(default_factory=dict)  # update_id -> when getUpdates returned it
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _faults: dict[tuple[str, int | None], Fault] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _counts: Counter[tuple[str, int | None]] = field(default_factory=Counter)
    _slow: dict[str, list[float]] = field(default_factory=dict)  # method -> delays of its next calls
    in_flight: int = 0
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _called: asyncio.Event = field(default_factory=asyncio.Event)
    _server: tornado.httpserver.HTTPServer | None = None
    port: int = 0
    # Groups: who administers each (getChatMember), and what getMe says of privacy mode
    # (False: the bot sees only commands, mentions and replies in groups, as BotFather's default).
    admins: dict[int, set[int]] = field(default_factory=dict)
    can_read_all_group_messages: bool = False

    # ---- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> StandIn:
        app = tornado.web.Application(
            [(r"/bot([^/]+)/(\w+)", _Handler, {"standin": self})], log_function=lambda _handler: None
        )
        sockets = tornado.netutil.bind_sockets(self.port, "127.0.0.1")
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self

    async def go_down(self) -> None:
        """No server any more: every connection is refused (the port stays this stand-in's)."""
        await self.stop()

    async def come_back(self) -> None:
        """Serves again on the same port, with the same updates and records."""
        await self.start()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- what a test does -----------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        update_id = next(self._ids)
        self._updates.append({"update_id": update_id, **update})
        self._arrived.set()
        return update_id

    def user(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": f"user{chat_id}", "language_code": "zh-hans"}

    def message(
        self, chat_id: int, chat_type: str = "private", sender_id: int | None = None, **fields: Any
    ) -> dict[str, Any]:
        chat = {"id": chat_id, "type": chat_type}
        chat.update({"first_name": "user"} if chat_type == "private" else {"title": "群"})
        sender = self.user(sender_id or (abs(chat_id) if chat_type == "private" else 7))
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            **fields,
        }

    def push_text(self, chat_id: int, text: str, **fields: Any) -> int:
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        if entities:
            fields.setdefault("entities", entities)
        return self.push({"message": self.message(chat_id, text=text, **fields)})

    def push_group(
        self,
        chat_id: int,
        sender_id: int,
        text: str | None = None,
        caption: str | None = None,
        forwarded: bool = False,
    ) -> int:
        """A message in a supergroup from a member: text, a photo with a caption, or either forwarded.
        Returns the message's id (what a reply to it names)."""
        fields: dict[str, Any] = {}
        if text is not None:
            fields["text"] = text
            if text.startswith("/"):
                fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if caption is not None:
            fields["caption"] = caption
            fields["photo"] = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
        if forwarded:
            fields["forward_origin"] = {
                "type": "hidden_user",
                "sender_user_name": "某人",
                "date": int(time.time()),
            }
        message = self.message(chat_id, "supergroup", sender_id, **fields)
        self.push({"message": message})
        return int(message["message_id"])

    def push_sticker(self, chat_id: int) -> int:
        sticker = {
            "file_id": "s1",
            "file_unique_id": "u1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self.push({"message": self.message(chat_id, sticker=sticker)})

    def push_edit(self, chat_id: int, text: str) -> int:
        return self.push(
            {"edited_message": {**self.message(chat_id, text=text), "edit_date": int(time.time())}}
        )

    def push_button(self, chat_id: int, data: str) -> int:
        query = {
            "id": str(next(self._ids)),
            "from": self.user(chat_id),
            "chat_instance": "ci",
            "data": data,
            "message": {**self.message(chat_id, text="…"), "from": BOT_USER},
        }
        return self.push({"callback_query": query})

    def fail(
        self,
        method: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """The next `times` such calls (for this chat only, if given) fail with this status."""
        self._faults[(method, chat_id)] = Fault(status, times, retry_after)

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` such calls are carried out, then answered only after `seconds`."""
        self._slow[method] = [seconds] * times

    async def idle(self, timeout: float = 30.0) -> None:
        """Waits until no request is being answered (a slow one has had its answer)."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    async def wait_for(
        self, count: int, method: str = "sendMessage", chat_id: int | None = None, timeout: float = 10.0
    ) -> list[Call]:
        """Waits until the bot has made `count` such calls; returns them."""
        deadline = time.monotonic() + timeout
        while self._counts[(method, chat_id)] < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"{self._counts[(method, chat_id)]} of {count} {method} calls after {timeout} s"
                )
            self._called.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._called.wait(), remaining)
        return self.sent(method, chat_id)

    def _record(self, method: str, params: dict[str, Any]) -> None:
        self.calls.append(Call(method, params, time.monotonic()))
        chat_id = params.get("chat_id")
        self._counts[(method, None)] += 1
        if chat_id is not None:
            self._counts[(method, int(chat_id))] += 1
        self._called.set()

    # ---- the Bot API side -------------------------------------------------------------------------

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = params.get("chat_id")
        fault = self._faults.get((method, None if chat_id is None else int(chat_id)))
        if not fault or fault.remaining <= 0:
            fault = self._faults.get((method, None))
        if fault and fault.remaining > 0:
            fault.remaining -= 1
            self._record(f"failed:{method}", params)
            body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": "stand-in fault"}
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
                body["description"] = f"Too Many Requests: retry after {fault.retry_after}"
            return fault.status, body
        if method == "getUpdates":
            return 200, {"ok": True, "result": await self._get_updates(params)}
        self._record(method, params)
        result = self._result(method, params)
        if self._slow.get(method):
            await asyncio.sleep(self._slow[method].pop())
        return 200, {"ok": True, "result": result}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), float(params.get("timeout") or 0))
            except TimeoutError:
                return []
        batch = self._updates[: int(params.get("limit") or 100)]
        now = time.monotonic()
        for update in batch:
            self.handed_out.setdefault(update["update_id"], now)
        return batch

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                **BOT_USER,
                "can_join_groups": True,
                "can_read_all_group_messages": self.can_read_all_group_messages,
                "supports_inline_queries": False,
            }
        if method == "getChatMember":
            user_id = int(params["user_id"])
            admin = user_id in self.admins.get(int(params["chat_id"]), set())
            user = BOT_USER if user_id == BOT_USER["id"] else self.user(user_id)
            if admin:
                return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
            return {"status": "member", "user": user}
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params["chat_id"])
            message = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group", "title": "群"},
                "text": params.get("text", ""),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        if method in (
            "deleteWebhook",
            "setWebhook",
            "setMyCommands",
            "sendChatAction",
            "answerCallbackQuery",
            "close",
        ):
            return True
        raise KeyError(method)


class _Handler(tornado.web.RequestHandler):
    def initialize(self, standin: StandIn) -> None:
        self.standin = standin

    async def post(self, token: str, method: str) -> None:
        if token != self.standin.token:
            return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        self.standin.in_flight += 1
        try:
            status, body = await self.standin.handle(method, self._params())
        except KeyError:
            status, body = 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        finally:
            self.standin.in_flight -= 1
        self._reply(status, body)

    get = post

    def _params(self) -> dict[str, Any]:
        raw = self.request.body.decode()
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(raw or "{}")
        params: dict[str, Any] = {}
        for key, value in parse_qsl(raw, keep_blank_values=True):
            # python-telegram-bot sends every value JSON-encoded except plain strings.
            try:
                params[key] = json.loads(value) if value[:1] in "{[" or value.lstrip("-").isdigit() else value
            except json.JSONDecodeError:
                params[key] = value
        return params

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))


# ---- run as its own process, for the benchmark --------------------------------------------------
# `python -m bot.devtools.telegram_standin --bench N [--floor]` serves on a free port (printed
# first), then plays a user: N questions one at a time (latency), then N at once (throughput),
# then (without --floor) the rest below, and prints the figures as one JSON line. In its own
# process the stand-in does not share the bot's CPU core.

BENCH_QUESTIONS = [
    "smart卡怎么充值",
    "代充靠谱吗",
    "充值没到账怎么办",
    "怎么查余额",
    "今天天气怎么样",
    "谢谢",
]
# A scam advert as people paste it (a phone number and an e-mail to mask): the update that costs
# the most to record, since its verdict keeps the masked text.
BENCH_ADVERT = "有人卖慢充话费八折，加微信 13912345678 或邮箱 daichong@163.com，先付款后到账，靠谱吗？" * 8
ADVERTS = 20  # pasted one at a time after the questions, for the advert's own time per update


async def _play(standin: StandIn, updates: int, floor: bool = False) -> dict[str, float]:
    """The figures; `floor`: only latency and throughput (a bare echo bot answers nothing else)."""
    await standin.wait_for(1, method="deleteWebhook", timeout=60)  # the bot is polling
    latencies = []
    for i in range(updates):
        chat_id = 10_000 + i  # one chat per update: the per-chat limit is not what is measured
        update_id = standin.push_text(chat_id, BENCH_QUESTIONS[i % len(BENCH_QUESTIONS)])
        [reply] = await standin.wait_for(1, chat_id=chat_id, timeout=30)
        latencies.append((reply.at - standin.handed_out[update_id]) * 1000)
    before = len(standin.sent())
    start = time.monotonic()
    for i in range(updates):
        standin.push_text(20_000 + i, BENCH_QUESTIONS[i % len(BENCH_QUESTIONS)])
    await standin.wait_for(before + updates, timeout=300)
    rate = updates / (time.monotonic() - start)
    latencies.sort()
    if floor:
        return {"updates_per_second": rate, "median_ms": latencies[len(latencies) // 2]}
    advert_latencies = []
    for i in range(ADVERTS):
        update_id = standin.push_text(80_000 + i, BENCH_ADVERT)
        [reply] = await standin.wait_for(1, chat_id=80_000 + i, timeout=30)
        advert_latencies.append((reply.at - standin.handed_out[update_id]) * 1000)
    calm, held = await _head_of_line(standin)
    stalled = await _after_hostile(standin)
    return {
        "updates_per_second": rate,
        "median_ms": latencies[len(latencies) // 2],
        "advert_median_ms": statistics.median(advert_latencies),
        "others_median_ms": calm,
        "others_median_with_429_ms": held,
        "head_of_line_ratio": held / calm,
        "others_median_with_hostile_ms": stalled,
        "hostile_ratio": stalled / calm,
    }


HOL_WAVES = 5
HOL_CHATS = 20  # other chats asking at once, in each wave
RETRY_AFTER = 3  # seconds the slow chat is told to wait


async def _wave(standin: StandIn, first_chat: int) -> list[float]:
    """HOL_CHATS chats ask at once; each one's time from update handed out to its reply, in ms."""
    asked = {
        chat: standin.push_text(chat, BENCH_QUESTIONS[chat % len(BENCH_QUESTIONS)])
        for chat in range(first_chat, first_chat + HOL_CHATS)
    }
    times = []
    for chat, update_id in asked.items():
        [reply] = await standin.wait_for(1, chat_id=chat, timeout=30)
        times.append((reply.at - standin.handed_out[update_id]) * 1000)
    return times


# What once held every chat for 42 s: five 4,000-character messages that NFKC makes four times longer.
HOSTILE = "㏘" * 4000


async def _after_hostile(standin: StandIn) -> float:
    """Other chats' median reply time when five hostile messages arrive just before them."""
    times = []
    for wave in range(HOL_WAVES):
        for sender in range(5):
            standin.push_text(60_000 + wave * 10 + sender, HOSTILE)
        times += await _wave(standin, 70_000 + wave * 100)
    return statistics.median(times)


async def _head_of_line(standin: StandIn) -> tuple[float, float]:
    """Other chats' median reply time without, then with, a chat whose send got a 429 (retry_after 3 s)."""
    calm, held, slow_chats = [], [], []
    for wave in range(HOL_WAVES):
        calm += await _wave(standin, 30_000 + wave * 100)
    for wave in range(HOL_WAVES):
        slow = 40_000 + wave
        standin.fail("sendMessage", 429, retry_after=RETRY_AFTER, chat_id=slow)
        standin.push_text(slow, BENCH_QUESTIONS[0])
        await standin.wait_for(1, method="failed:sendMessage", chat_id=slow, timeout=30)
        slow_chats.append(slow)
        held += await _wave(standin, 50_000 + wave * 100)
    for slow in slow_chats:  # the slow chats are answered too, once their wait is over
        await standin.wait_for(1, chat_id=slow, timeout=30)
    return statistics.median(calm), statistics.median(held)


async def _bench(updates: int, floor: bool) -> None:
    standin = await StandIn().start()
    print(standin.port, flush=True)
    print(json.dumps(await _play(standin, updates, floor)), flush=True)
    # Keep serving until the bot has stopped polling and closes our stdin.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await standin.stop()


if __name__ == "__main__":
    asyncio.run(_bench(int(sys.argv[sys.argv.index("--bench") + 1]), "--floor" in sys.argv))
