"""The operator's commands in Telegram, for the user ids in ADMIN_IDS only: /stats and /reload.

Anyone else gets what an unknown command gets, so the commands do not show they exist. /reload
(and SIGHUP) reads the YAML again; on any problem the bot keeps serving the version it has.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.build import build
from bot.channels.telegram import handlers, reminders
from bot.content.errors import ContentError
from bot.content.stale import REVIEW_EVERY_DAYS, fact_count, stale_facts
from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import Reply
from bot.store.report import Report, Verdicts, build_report

logger = logging.getLogger(__name__)

TOP_UNANSWERED = 5
MAX_PROBLEMS = 10  # a reply lists this many problems; `python -m bot check` lists them all


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in handlers.deps(context).admins


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Today and the last 7 days: questions, fallback rate, the most frequent unanswered; today's
    scam verdicts per level; how many facts are due for review (/stats)."""
    if not is_admin(update, context):
        await handlers.unknown_command(update, context)
        return
    records = handlers.deps(context).records
    if update.effective_chat is None:
        return
    if records is None:
        await handlers.send_reply(update.effective_chat, Reply("没有记录（数据目录不可用）。"))
        return
    today = build_report(records.database, records.day(), records.day(), top=0)
    week = build_report(records.database, records.day(6), records.day(), top=TOP_UNANSWERED)
    lines = [
        f"今天：{today.questions} 个问题，兜底率 {today.fallback_rate:.0%}",
        f"近 7 天：{week.questions} 个问题，兜底率 {week.fallback_rate:.0%}",
        _verdicts_today(today),
        _stale(handlers.deps(context).conversation),
        "最常见的未确定回答的问题：" if week.unanswered else "近 7 天没有未确定回答的问题。",
    ]
    for number, group in enumerate(week.unanswered, start=1):
        lines.append(f"{number}. （{group.count} 次）{group.example} → {group.closest_intent or '-'}")
    lines += reminders.stats_lines(context.application)
    await handlers.send_reply(update.effective_chat, Reply("\n".join(lines)))


def _stale(conversation: Conversation) -> str:
    facts = conversation.answers.facts
    stale = stale_facts(facts, REVIEW_EVERY_DAYS, date.today())
    return (
        f"事实核对：{fact_count(facts)} 条中有 {len(stale)} 条超过 {REVIEW_EVERY_DAYS} 天没有核对"
        "（python -m bot check --stale 列出）"
    )


def _verdicts_today(today: Report) -> str:
    counts = today.verdicts[0] if today.verdicts else Verdicts(today.since, 0, 0, 0)
    return f"今天的诈骗判断：高 {counts.high}，中 {counts.medium}，低 {counts.low}"


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reads the YAML again and says what changed, or what is wrong and where (/reload)."""
    if not is_admin(update, context):
        await handlers.unknown_command(update, context)
        return
    if update.effective_chat is not None:
        await handlers.send_reply(update.effective_chat, Reply(await reload_content(context.application)))


def _counts(conversation: Conversation) -> dict[str, int]:
    intents = conversation.classifier.matcher.intents
    return {
        "意图": len(intents),
        "例句": sum(len(i.examples) for i in intents.values()),
        "运营商": len(conversation.answers.operators),
    }


async def reload_content(application: Application) -> str:  # type: ignore[type-arg]
    """Builds the content again (in a thread: it takes a second) and swaps it in if it is sound."""
    shared: handlers.Deps = application.bot_data[handlers.Deps.__name__]
    if shared.content_root is None:
        return "无法重新载入：不知道内容目录。"
    try:
        fresh = await asyncio.get_running_loop().run_in_executor(None, build, shared.content_root)
    except ContentError as exc:
        logger.warning("reload refused: %d problem(s) in the content", len(exc.problems))
        shown = [str(p) for p in exc.problems[:MAX_PROBLEMS]]
        more = len(exc.problems) - len(shown)
        tail = [f"……还有 {more} 个问题，运行 python -m bot check 查看全部。"] if more > 0 else []
        return "\n".join(["内容有错误，仍在使用之前的版本：", *shown, *tail])
    before, after = _counts(shared.conversation), _counts(fresh)
    shared.conversation = fresh
    if shared.records is not None:
        shared.records.normalize = fresh.classifier.normalize
    logger.info("content reloaded from %s", shared.content_root)
    changes = "，".join(f"{name} {before[name]} → {after[name]}" for name in after)
    return f"已重新载入：{changes}。"
