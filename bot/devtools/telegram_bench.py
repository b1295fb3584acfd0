"""The end-to-end figure for `bench`: the real Application against the stand-in in its own process."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.channels.telegram.app import build_application
from bot.core.replying.conversation import Conversation
from bot.devtools.telegram_standin import TOKEN
from bot.settings import Settings


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """python-telegram-bot's echo example: the floor under any bot's reply time."""
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


def echo_application(port: int) -> Application:  # type: ignore[type-arg]
    """A bare echo bot on python-telegram-bot's defaults, against the stand-in on this port."""
    root = f"http://127.0.0.1:{port}"
    application = Application.builder().token(TOKEN).base_url(f"{root}/bot").build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return application


async def _round(conversation: Conversation | None, updates: int) -> dict[str, float]:
    """One stand-in process, one bot: ours (conversation) or the bare echo bot (None)."""
    floor = ["--floor"] if conversation is None else []
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.devtools.telegram_standin",
        "--bench",
        str(updates),
        *floor,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    port = int((await child.stdout.readline()).decode())
    with tempfile.TemporaryDirectory() as data_dir:
        if conversation is None:
            app = echo_application(port)
        else:
            settings = Settings(token=TOKEN, base_url=f"http://127.0.0.1:{port}", data_dir=Path(data_dir))
            app = build_application(conversation, settings, telegram_limits=False)
        assert app.updater is not None  # built with one; polling needs it
        await app.initialize()
        await app.updater.start_polling(timeout=1, poll_interval=0)
        await app.start()
        result = json.loads(await asyncio.wait_for(child.stdout.readline(), 600))
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    child.stdin.close()
    await child.wait()
    return result


def _recording_ms(conversation: Conversation, repeats: int = 2000) -> dict[str, float]:
    """Mean time to record a turn (masking what is kept, one commit): the bench's questions and a
    tapped menu button, mixed as in the update bench; and a scam verdict on a long advert alone."""
    from bot.core.replying.turn import ChatState
    from bot.devtools.telegram_standin import BENCH_ADVERT, BENCH_QUESTIONS
    from bot.store.database import Database
    from bot.store.records import open_records

    tap = conversation.on_action(conversation.menu(ChatState()).reply.buttons[0].action, ChatState())
    turns = [*(conversation.on_text(q, ChatState()) for q in BENCH_QUESTIONS), tap]
    verdict = conversation.on_text(BENCH_ADVERT, ChatState())
    assert verdict.rated is not None, "the bench advert must get a verdict"
    result = {}
    with tempfile.TemporaryDirectory() as folder:
        database = Database.in_folder(Path(folder))
        normalize = conversation.classifier.normalize
        records = open_records(database, conversation.answers.texts, normalize, 30)
        records.record("telegram", 0, turns[-2])  # the first one loads phonenumbers
        for key, mix in (("recording_ms", turns), ("recording_verdict_ms", [verdict])):
            times = []
            for i in range(repeats):
                start = time.perf_counter()
                records.record("telegram", i, mix[i % len(mix)])
                times.append((time.perf_counter() - start) * 1000)
            result[key] = statistics.fmean(times)
        database.close()
    return result


def run_telegram_benchmark(conversation: Conversation, rounds: int, batch: int) -> None:
    updates = min(batch, 1_000)
    results, floors = [], []
    for _ in range(rounds):  # the echo floor and the bot in turn, so both meet the same machine
        floors.append(asyncio.run(_round(None, updates)))
        results.append(asyncio.run(_round(conversation, updates)))
    for result, floor in zip(results, floors, strict=True):
        result["echo_median_ms"] = floor["median_ms"]
        result["echo_updates_per_second"] = floor["updates_per_second"]
        result["echo_ratio"] = result["median_ms"] / floor["median_ms"]
        result["echo_throughput_ratio"] = floor["updates_per_second"] / result["updates_per_second"]
        result.update(_recording_ms(conversation))
        result["recording_share"] = result["recording_ms"] / result["median_ms"]
        result["recording_verdict_share"] = result["recording_verdict_ms"] / result["advert_median_ms"]
    print("Telegram end to end: the real Application against the Bot API stand-in in its own process;")
    print(f"{updates:,} text updates one at a time (latency), then {updates:,} at once (throughput);")
    print("Telegram's own 30 messages/s limit lifted; an answer is one sendMessage.")
    for label, key, unit, fmt in (
        ("updates answered per second", "updates_per_second", "updates/s", "{:,.0f}"),
        ("median update handed out → its sendMessage", "median_ms", "ms", "{:.1f}"),
        ("the same for a bare python-telegram-bot echo bot", "echo_median_ms", "ms", "{:.1f}"),
        ("ratio: this bot / the echo bot (target ≤ 1.3)", "echo_ratio", "×", "{:.2f}"),
        ("the echo bot's updates per second", "echo_updates_per_second", "updates/s", "{:,.0f}"),
        ("time per update: this bot / the echo bot", "echo_throughput_ratio", "×", "{:.2f}"),
        ("20 chats at once: median reply", "others_median_ms", "ms", "{:.1f}"),
        ("the same while a chat waits out a 429 (3 s)", "others_median_with_429_ms", "ms", "{:.1f}"),
        ("ratio: with a waiting chat / without", "head_of_line_ratio", "×", "{:.2f}"),
        ("the same after five ㏘×4000 messages", "others_median_with_hostile_ms", "ms", "{:.1f}"),
        ("ratio: after those / without", "hostile_ratio", "×", "{:.2f}"),
        ("recording a question or tap (mask, queue)", "recording_ms", "ms", "{:.3f}"),
        ("that, as a share of an update's median", "recording_share", "", "{:.1%}"),
        ("a pasted advert (464 chars) → its reply", "advert_median_ms", "ms", "{:.1f}"),
        ("recording its verdict (mask, queue)", "recording_verdict_ms", "ms", "{:.3f}"),
        ("that, as a share of the advert's update", "recording_verdict_share", "", "{:.1%}"),
    ):
        values = [r[key] for r in results]
        spread = f"  (min {fmt.format(min(values))}, max {fmt.format(max(values))}, n={len(values)})"
        print(f"{label:<44}{fmt.format(statistics.median(values)):>10} {unit}{spread}")
