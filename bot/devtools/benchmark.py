"""`bench`: speed and memory, as medians over repeated runs (never asserted in tests)."""

from __future__ import annotations

import csv
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.replying.turn import ChatState

if TYPE_CHECKING:
    from bot.core.replying.conversation import Conversation

QUESTIONS = Path(__file__).resolve().parents[2] / "tests" / "data" / "questions.tsv"
ADVERTS = QUESTIONS.parent / "ads"
SAME_LOAD = 250  # questions per turn when two ways of answering are timed against each other
FALLBACK_QUESTIONS = ["smart卡怎么充值", "代充靠谱吗", "充值没到账", "怎么保号", "今天天气怎么样"]
# Messages built to be slow: NFKC growth (㏘ is "p.m."), long dotted runs, a 4,096-character paste.
HOSTILE = ["㏘" * 4096, "a." * 2048, "1." * 2048 + "com", "a.-" * 1365, "x-" * 2048 + ".com", "充值" * 2048]
# Messages built to slow the scam-risk check, up to its 10,000-character cut: an app's name or a
# phrase over and over in one clause (each match once looked at its whole clause), letters spelled
# apart, emoji between letters, dotted and dashed runs, handles, numbers to call, and all mixed.
SCAN_HOSTILE = {
    "tg : × 2000": "tg : " * 2000,
    "代充 × 3000": "代充 " * 3000,
    "wx × 3000": "wx " * 3000,
    "慢充 × 5000": "慢充" * 5000,
    "代充吗 × 3000": "代充吗 " * 3000,
    "发验证码 × 2500": "发验证码 " * 2500,
    "a × 5000 spelled apart": "a " * 5000,
    "a🔸 × 4000": "a🔸" * 4000,
    "🔸 × 5000": "🔸" * 5000,
    "a. × 5000": "a." * 5000,
    "a . × 2500": "a . " * 2500,
    "a- × 5000": "a-" * 5000,
    "@aaaa × 2000": "@aaaa " * 2000,
    "拨打 × 3000": "拨打 " * 3000,
    "10,000 mixed": (
        "Smart卡代充 TG: esim1088 加V abc_123 1OO86.com 拨打 400-123-4567 100只要70 🔸 s m a r t 点 cn " * 200
    )[:10_000],
}

# Whole messages through the conversation (scan, classify, the numbers check, the reply), each up
# to Telegram's 4,096 characters: what once froze the bot or cost a hundred questions' time.
MESSAGE_HOSTILE = {
    "(a+)+b bait: 40 a + !": "a" * 40 + "!",
    "(x|xx)+y bait: 36 x": "x" * 36,
    "， × 4096": "，" * 4096,
    "。 × 4096": "。" * 4096,
    "? × 4096": "?" * 4096,
    "card numbers, 4,096 chars": ("6222 0212 3456 7890 123 " * 171)[:4096],
    "1 × 4096": "1" * 4096,
    "🔸 × 4096": "🔸" * 4096,
    "㏘ × 4000": "㏘" * 4000,
    "ﷺ × 4096": "ﷺ" * 4096,
    "mixed scripts, 4,096 chars": (
        "Smart卡代充 TG: esim1088 加V 1OO86.com 拨打 400-123-4567 100只要70 🔸 "
        "s m a r t 点 cn Кириллица ภาษาไทย 한국어 العربية 點樣增值？" * 50
    )[:4096],
    "questions, 4,096 chars": ("smart卡怎么充值，余额怎么查？保号要多少钱。" * 200)[:4096],
    "不是 × 2048": "不是" * 2048,
}
# The probe's regexes, on the engine the content's patterns run on.
NESTED_PATTERNS = {"(a+)+b": "a" * 40 + "!", "(x|xx)+y": "x" * 36}


def _questions(batch: int) -> list[str]:
    if QUESTIONS.is_file():
        with QUESTIONS.open(encoding="utf-8") as handle:
            texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    else:
        texts = FALLBACK_QUESTIONS
    return (texts * (batch // len(texts) + 1))[:batch]


# The floor the bot's streaming speed is measured against, in the same run on the same lines:
# a process that does nothing but jieba.lcut each line (jieba's own dictionary, its defaults) and
# print the words as one JSON line. Segmenting is the least any Chinese classifier does.
FLOOR = (
    "import sys, json, logging; sys.modules['pkg_resources'] = None; import jieba; "
    "jieba.setLogLevel(logging.WARNING); out = sys.stdout\n"
    "for line in sys.stdin:\n"
    "    out.write(json.dumps(jieba.lcut(line.rstrip('\\r\\n')), ensure_ascii=False) + '\\n')\n"
)


# Runs `python -m bot` and writes the process's own peak memory (VmHWM, KiB) to the file named
# first. ru_maxrss from wait4 cannot say it: Linux carries the parent's high-water mark across the
# fork and the exec, so every child "peaked" at least at this bench's own size.
PEAK_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    with open('/proc/self/status') as status, open(out, 'w') as f:
        f.write(next(line for line in status if line.startswith('VmHWM')).split()[1])
atexit.register(peak)
runpy.run_module('bot', run_name='__main__', alter_sys=True)
"""


def _child(args: list[str], stdin: str, root: Path) -> tuple[float, float, float]:
    """Runs `python -m bot ...`; returns (seconds to the first output line, total seconds, peak MB)."""
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        command = [sys.executable, "-c", PEAK_WRAPPER, str(peak_file), "--content", str(root), *args]
        first, total, maxrss = _process(command, stdin, f"bot {args[0]}")
        peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else maxrss
    return first, total, peak


def _process(command: list[str], stdin: str, name: str) -> tuple[float, float, float]:
    """Runs a command fed `stdin`; returns (seconds to the first output line, total seconds, peak MB
    as wait4 reports it: at least this process's own size, see PEAK_WRAPPER)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    pipe = process.stdin

    def feed() -> None:  # in a thread: a full stdout pipe must not block our writing
        pipe.write(stdin)
        pipe.close()

    writer = threading.Thread(target=feed)
    writer.start()
    process.stdout.readline()
    first = time.perf_counter() - start
    process.stdout.read()
    writer.join()
    _, status, usage = os.wait4(process.pid, 0)
    total = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"`{name}` exited with {process.returncode}")
    return first, total, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def _jieba_default_load() -> float:
    code = (
        "import sys, time, logging; sys.modules['pkg_resources'] = None; import jieba; "
        "jieba.setLogLevel(logging.WARNING); t = time.perf_counter(); jieba.initialize(); "
        "print(time.perf_counter() - t)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(result.stdout.strip())


def _median(label: str, values: list[float], unit: str, fmt: str = "{:.1f}") -> None:
    spread = f"  (min {fmt.format(min(values))}, max {fmt.format(max(values))}, n={len(values)})"
    print(f"{label:<44}{fmt.format(statistics.median(values)):>10} {unit}{spread}")


def _seconds(act: Callable[[str], object], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        act(text)
    return time.perf_counter() - start


def _scan_figures(conversation: Conversation, questions: list[str], rounds: int) -> None:
    """The scam-risk check runs on every message: alone, and with classify as the conversation runs them.

    Classify alone and classify with scan alternate every SAME_LOAD questions, so the ratio
    compares runs that met the same machine load (other work on a shared machine comes in bursts).
    """
    if conversation.risk is None:
        return
    classify, scan = conversation.classifier.classify, conversation.risk.scan
    adverts = [p.read_text(encoding="utf-8") for p in sorted(ADVERTS.glob("*.txt"))] or ["TG @esim1088"]
    for text in questions[:200] + adverts:  # warm up, and import what the first link needs
        scan(text)

    def both(text: str) -> None:
        scan(text)
        classify(text)

    hostile = []
    for _ in range(rounds):
        hostile.append(max(_seconds(scan, [text]) for text in SCAN_HOSTILE.values()) * 1000)
    _median(f"scan: slowest of {len(SCAN_HOSTILE)} hostile messages", hostile, "ms", "{:.1f}")
    scan_rates, both_rates, ratios, advert_ms = [], [], [], []
    chunks = [questions[i : i + SAME_LOAD] for i in range(0, len(questions), SAME_LOAD)]
    for _ in range(rounds):
        alone = together = 0.0
        for chunk in chunks:
            alone += _seconds(classify, chunk)
            together += _seconds(both, chunk)
        ratios.append(together / alone)
        both_rates.append(len(questions) / together)
        scan_rates.append(len(questions) / _seconds(scan, questions))
        advert_ms.append(_seconds(scan, adverts * 20) / (len(adverts) * 20) * 1000)
    _median("scan alone (messages/s)", scan_rates, "msg/s", "{:,.0f}")
    _median("scan of a whole sample advert (~3,000 chars)", advert_ms, "ms", "{:.3f}")
    _median("classify with scan (questions/s)", both_rates, "q/s", "{:,.0f}")
    _median("classify with scan ÷ classify alone (time)", ratios, "×", "{:.3f}")


STORED_REMINDERS = 100_000
DUE_REMINDERS = 50  # due at the moment of the check (the rest over the coming year)


def _reminder_figures(conversation: Conversation, rounds: int) -> None:
    """The due check with 100,000 reminders stored: the indexed query on next_send against the
    same query made to scan the table, in the same run; a whole check that claims the due ones
    (a commit each); and the time of one answer, which a check every minute must not slow."""
    import random
    import tempfile
    from datetime import datetime, timedelta, timezone

    from bot.channels.telegram.reminders import CHECK_EVERY, DUE_BATCH
    from bot.store.database import Database
    from bot.store.reminders import Reminders, insert_many

    now = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)
    start = int(now.timestamp())
    rng = random.Random(17)
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as folder:
        database = Database.in_folder(Path(folder))
        due = (now + timedelta(days=30)).date().isoformat()
        later = [start + rng.randrange(60, 365 * 86400) for _ in range(STORED_REMINDERS)]
        sends = [start - 60] * DUE_REMINDERS + later[DUE_REMINDERS:]
        rows = [(i, "smart", "卡", due, 10, send) for i, send in enumerate(sends)]
        insert_many(database, rows)
        store = Reminders(database)
        query = "SELECT id FROM reminder{} WHERE next_send <= ? ORDER BY next_send LIMIT ?"
        indexed, scanned, checks = [], [], []
        for _ in range(rounds):
            began = time.perf_counter()
            for _ in range(20):
                store.due(now, DUE_BATCH)
            indexed.append((time.perf_counter() - began) / 20 * 1000)
            began = time.perf_counter()
            database.read(query.format(" NOT INDEXED"), (start, DUE_BATCH))
            scanned.append((time.perf_counter() - began) * 1000)
        for _ in range(rounds):  # a whole check: read the due ones, claim each (one commit each)
            reset = "UPDATE reminder SET sent = '', next_send = ? WHERE chat_id < ?"
            database.write(reset, [(start - 60, DUE_REMINDERS)])
            began = time.perf_counter()
            claimed = 0
            for reminder in store.due(now, DUE_BATCH):
                dispatch = reminder.schedule.due_now(now)
                claimed += dispatch is not None and store.claim(reminder, dispatch, now)
            checks.append((time.perf_counter() - began) * 1000)
        database.close()
    answers = []
    for _ in range(rounds):
        began = time.perf_counter()
        for text in FALLBACK_QUESTIONS * 20:
            conversation.on_text(text, ChatState())
        answers.append((time.perf_counter() - began) / (len(FALLBACK_QUESTIONS) * 20) * 1000)
    stored = f"{STORED_REMINDERS:,} stored"
    _median(f"reminders due query, {stored}, {DUE_REMINDERS} due (indexed)", indexed, "ms", "{:.3f}")
    _median("the same query scanning the table (NOT INDEXED)", scanned, "ms", "{:.1f}")
    ratios = [i / s for i, s in zip(indexed, scanned, strict=True)]
    _median("indexed ÷ scanning", ratios, "×", "{:.3f}")
    _median(f"a whole due check: read and claim {claimed} (commits)", checks, "ms", "{:.1f}")
    _median("one answer (on_text), for comparison", answers, "ms", "{:.2f}")
    share = [c / (CHECK_EVERY * 1000) * 100 for c in checks]
    _median(f"share of one core the check takes (every {CHECK_EVERY:.0f} s)", share, "%", "{:.4f}")


def _message_figures(conversation: Conversation, questions: list[str], rounds: int) -> None:
    """The slowest hostile message through the whole conversation, against a typical question."""
    from bot.content.patterns import Regex
    from bot.core.replying.turn import ChatState
    from bot.core.understanding.sensitive import sensitive_numbers

    def reply(text: str) -> None:
        conversation.on_text(text, ChatState())

    typical, slowest, names = [], [], []
    for _ in range(rounds):
        seconds = sorted(_seconds(reply, [text]) for text in questions[:300])
        typical.append(seconds[len(seconds) // 2] * 1000)
        each = {name: _seconds(reply, [text]) * 1000 for name, text in MESSAGE_HOSTILE.items()}
        names.append(max(each, key=each.__getitem__))
        slowest.append(max(each.values()))
    _median("a typical question through the conversation", typical, "ms", "{:.2f}")
    _median(f"slowest of {len(MESSAGE_HOSTILE)} hostile messages, whole reply", slowest, "ms", "{:.1f}")
    print(f"  (most often the slowest: {max(set(names), key=names.count)})")
    ratios = [s / t for s, t in zip(slowest, typical, strict=True)]
    _median("slowest hostile ÷ typical question", ratios, "×", "{:.0f}")
    patterns = {source: Regex(source) for source in NESTED_PATTERNS}
    nested = [
        max(_seconds(patterns[source].search, [text]) for source, text in NESTED_PATTERNS.items()) * 1e6
        for _ in range(rounds)
    ]
    _median("(a+)+b on 40 a + !, (x|xx)+y on 36 x (RE2)", nested, "µs", "{:.1f}")
    digits = ("6222 0212 3456 7890 123 " * 8334)[:200_000]
    _median(
        "numbers check on 200,000 chars of card numbers",
        [_seconds(sensitive_numbers, [digits]) * 1000 for _ in range(rounds)],
        "ms",
        "{:.0f}",
    )


def run_benchmarks(root: Path, rounds: int = 5, batch: int = 10_000, telegram: bool = True) -> int:
    from bot.build import build

    questions = _questions(batch)
    python = sys.version.split()[0]
    print(f"machine: {os.cpu_count()} cores, Python {python}; {rounds} rounds, medians shown\n")

    conversation = build(root)
    gc.freeze()  # as the CLI does: the index is not garbage
    classify: Callable[[str], object] = conversation.classifier.classify
    for text in questions[:200]:  # warm up caches and the interpreter
        classify(text)
    rates, p50s, p99s = [], [], []
    for _ in range(rounds):
        timings = []
        clock = time.perf_counter_ns
        start = clock()
        for text in questions:
            before = clock()
            classify(text)
            timings.append(clock() - before)
        elapsed = (clock() - start) / 1e9
        timings.sort()
        rates.append(len(questions) / elapsed)
        p50s.append(timings[len(timings) // 2] / 1e6)
        p99s.append(timings[int(len(timings) * 0.99)] / 1e6)
    _median("classify, one process (questions/s)", rates, "q/s", "{:,.0f}")
    _median("classify latency p50", p50s, "ms", "{:.3f}")
    _median("classify latency p99", p99s, "ms", "{:.3f}")
    slowest = []
    for _ in range(rounds):
        seconds: list[float] = []
        for text in HOSTILE:
            began = time.perf_counter()
            classify(text)
            seconds.append(time.perf_counter() - began)
        slowest.append(max(seconds) * 1000)
    _median(f"slowest of {len(HOSTILE)} hostile 4,096-char messages", slowest, "ms")

    _scan_figures(conversation, questions, rounds)
    _reminder_figures(conversation, rounds)

    # Steady state on both sides: each process's time to its first output line (its start-up:
    # imports, jieba's dictionary, the weights) is subtracted from its total, so the ratio compares
    # the work per line, not two start-ups. The floor does not flush each line (classify does, as
    # a pipe's reader needs): the floor is the least a segmenter does, and the ratio is not flattered.
    colds, peaks, stream, floors, ratios = [], [], [], [], []
    lines = "\n".join(questions) + "\n"
    steady_lines = len(questions) - 1
    for _ in range(rounds):
        first, _, _ = _child(["classify"], "smart卡怎么充值\n", root)
        colds.append(first)
        started, total, peak = _child(["classify"], lines, root)
        stream.append(steady_lines / (total - started))
        peaks.append(peak)
        floor_started, floor_total, _ = _process([sys.executable, "-c", FLOOR], lines, "jieba.lcut floor")
        floors.append(steady_lines / (floor_total - floor_started))
        ratios.append((floor_total - floor_started) / (total - started))
    _median("cold start: process start → first answer", [c * 1000 for c in colds], "ms", "{:.0f}")
    streamed = f"`bot classify` streaming {len(questions):,} lines, start-up subtracted"
    _median(streamed, stream, "q/s", "{:,.0f}")
    _median("floor: jieba.lcut on the same lines, its start-up subtracted", floors, "q/s", "{:,.0f}")
    _median("classify streaming ÷ floor, steady state", ratios, "×", "{:.2f}")
    _median("peak memory of that process (max RSS)", peaks, "MB")
    # What a user waits for after a restart of the serving process: `chat` and `telegram` also
    # render every answer, build the scam scanner and load the link parser before the first reply.
    served = [_child(["chat"], "smart卡怎么充值\n", root) for _ in range(rounds)]
    _median("`bot chat` start → one reply → exit", [total * 1000 for _, total, _ in served], "ms", "{:.0f}")
    _median("peak memory of that process (max RSS)", [peak for _, _, peak in served], "MB")
    _median(
        "for comparison: jieba's full dictionary load",
        [_jieba_default_load() * 1000 for _ in range(3)],
        "ms",
        "{:.0f}",
    )
    # Last: the 200,000 characters below raise this process's own size.
    _message_figures(conversation, questions, rounds)

    if telegram:
        from bot.devtools.telegram_bench import run_telegram_benchmark

        print()
        run_telegram_benchmark(conversation, rounds, batch)
    return 0
