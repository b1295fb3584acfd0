"""保号 reminders on Telegram: /remind, /reminders, the dialogue's buttons and text, and the due check.

The handlers sit in group -1, before the question answering: a reminder's button, or a message
typed while the reminder dialogue is open, is handled here and goes no further
(ApplicationHandlerStop); anything else passes on untouched. python-telegram-bot's JobQueue runs
the due check every minute (and once right after start, for what fell due while the bot was
down); the store decides what is due and marks each message sent before it goes out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Chat, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels import reminder_buttons
from bot.channels.telegram import callback_data, handlers
from bot.core.replying.reminder_schedule import daytime
from bot.core.replying.reminders import START, Draft, ReminderDialogue, ReminderTexts, ReminderTurn
from bot.store.database import Database
from bot.store.reminders import Reminder, Reminders, utc_now

logger = logging.getLogger(__name__)

CHECK_EVERY = 60.0  # seconds between due checks; a message goes out within a minute of its time
DUE_BATCH = 100  # reminders read per query; a check goes on while batches come back full
DRAFT = "remind"  # the open dialogue's key in chat_data
GROUP = -1  # before the question answering (group 0)

Clock = Callable[[], datetime]


class ReminderDeps:
    """What the reminder handlers share; kept in application.bot_data under this class's name."""

    def __init__(self, store: Reminders, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock  # the tests set their own
        self.lock = asyncio.Lock()  # one due check at a time in this process
        self.checks = 0  # due checks run since start


def reminder_deps(application: Application) -> ReminderDeps:  # type: ignore[type-arg]
    return application.bot_data[ReminderDeps.__name__]


def register(application: Application, database: Database) -> None:  # type: ignore[type-arg]
    """The handlers (group -1) and the due check on the JobQueue."""
    application.bot_data[ReminderDeps.__name__] = ReminderDeps(Reminders(database))
    application.add_handler(CommandHandler("remind", remind), group=GROUP)
    application.add_handler(CommandHandler("reminders", listing), group=GROUP)
    application.add_handler(CommandHandler("forget", forget), group=GROUP)  # /forget itself runs after
    application.add_handler(CallbackQueryHandler(button, pattern=r"^v1\|remind:"), group=GROUP)
    typed = filters.UpdateType.MESSAGE & filters.TEXT
    application.add_handler(MessageHandler(typed, dialogue_text), group=GROUP)
    if application.job_queue is not None:
        # One check as soon as the scheduler starts, however long the start took (reading the
        # store, reaching the Bot API): an interval trigger whose start has passed waits for its
        # next multiple, and a one-off run later than a second is skipped unless told otherwise,
        # which left a reminder due at start waiting a whole interval. Then every CHECK_EVERY.
        jobs = application.job_queue
        jobs.run_once(check_due, when=0, name="reminders-at-start", job_kwargs={"misfire_grace_time": None})
        jobs.run_repeating(check_due, interval=CHECK_EVERY, first=CHECK_EVERY, name="reminders")


# ---- helpers -------------------------------------------------------------------------------------


def _dialogue(context: ContextTypes.DEFAULT_TYPE) -> ReminderDialogue:
    return ReminderDialogue(handlers.deps(context).conversation)  # the conversation /reload swapped in


def _texts(application: Application) -> ReminderTexts:  # type: ignore[type-arg]
    return ReminderTexts(application.bot_data[handlers.Deps.__name__].conversation)


def _draft(context: ContextTypes.DEFAULT_TYPE) -> Draft | None:
    saved = context.chat_data.get(DRAFT) if context.chat_data is not None else None
    return _dialogue(context).restore(saved)


async def _keep(context: ContextTypes.DEFAULT_TYPE, chat_id: int, draft: Draft | None) -> None:
    """Keeps the open dialogue (or its end) in chat_data, committed like the chat's state."""
    if context.chat_data is None:
        return
    if draft is None:
        context.chat_data.pop(DRAFT, None)
    else:
        context.chat_data[DRAFT] = draft.saved()
    if context.application.persistence is not None:
        await context.application.persistence.update_chat_data(chat_id, context.chat_data)


def _script(application: Application, chat_id: int) -> str | None:  # type: ignore[type-arg]
    state = application.chat_data.get(chat_id, {}).get("state")
    script = state.get("script") if isinstance(state, dict) else None
    return script if isinstance(script, str) else None


async def _step(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: ReminderTurn) -> None:
    """Stores what the dialogue ended with, keeps the draft, then sends the reply."""
    chat = update.effective_chat
    assert chat is not None
    if turn.plan is not None:
        shared = reminder_deps(context.application)
        shared.store.add(chat.id, turn.plan, shared.clock())
    await _keep(context, chat.id, turn.draft)
    await handlers.send_reply(chat, turn.reply)


# ---- the handlers ----------------------------------------------------------------------------------


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts setting a reminder (/remind)."""
    if update.effective_chat is None or not handlers.allowed(update, context):
        raise ApplicationHandlerStop
    state = handlers.load_state(context)
    await _step(update, context, _dialogue(context).start(state.place, state.script))
    raise ApplicationHandlerStop


async def listing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the chat's reminders, each with a button to cancel it (/reminders)."""
    chat = update.effective_chat
    if chat is None or not handlers.allowed(update, context):
        raise ApplicationHandlerStop
    script = _script(context.application, chat.id)
    store, texts = reminder_deps(context.application).store, _texts(context.application)
    await handlers.send_reply(chat, reminder_buttons.listing(store, texts, chat.id, script))
    raise ApplicationHandlerStop


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deletes the chat's reminders with everything else /forget deletes (that handler runs next)."""
    chat = update.effective_chat
    if chat is not None:
        reminder_deps(context.application).store.forget(chat.id)
        if context.chat_data is not None:
            context.chat_data.pop(DRAFT, None)


async def dialogue_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message typed while the reminder dialogue is open answers its question; a command ends it."""
    message, chat = update.message, update.effective_chat
    if message is None or chat is None or (draft := _draft(context)) is None:
        return  # no dialogue open: the question answering takes it
    text = handlers.addressed_text(message, context.bot.username, context.bot.id)
    if text is None:
        return
    if text.startswith("/"):
        await _keep(context, chat.id, None)  # the command runs as usual (/remind starts anew)
        return
    if handlers.allowed(update, context):
        now = reminder_deps(context.application).clock()
        await _step(update, context, _dialogue(context).on_text(text, draft, now))
    raise ApplicationHandlerStop


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tapped reminder button: a step of the dialogue, or 我充好了 / 一周后再提醒 / 不再提醒 / cancel."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        raise ApplicationHandlerStop
    await handlers.acknowledge(query)
    if not handlers.allowed(update, context):
        raise ApplicationHandlerStop
    action = callback_data.decode(query.data) or START
    shared = reminder_deps(context.application)
    now = shared.clock()
    if reminder_buttons.is_reminder_button(action):
        script, texts = _script(context.application, chat.id), _texts(context.application)
        reply = reminder_buttons.on_reminder_button(shared.store, texts, chat.id, action, now, script)
        await handlers.send_reply(chat, reply)
        raise ApplicationHandlerStop
    draft = _draft(context)
    if action == START or draft is None:
        state = handlers.load_state(context)
        turn = _dialogue(context).start(state.place, state.script)
    else:
        turn = _dialogue(context).on_action(action, draft, now)
    await _step(update, context, turn)
    raise ApplicationHandlerStop


# ---- the due check ---------------------------------------------------------------------------------


async def check_due(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue's callback: sends what is due."""
    await send_due(context.application)


async def send_due(application: Application) -> int:  # type: ignore[type-arg]
    """Sends every reminder message that is due now (never at night: they wait for the morning).

    Returns how many were sent. Each is claimed in the store (committed) before it is sent."""
    shared = reminder_deps(application)
    async with shared.lock:
        now = shared.clock()
        sent = 0
        # The store's read waits for the writes queued before it, and those may wait for SQLite's
        # write lock (a backup, a report, another process): that wait happens in a thread, so the
        # chats go on meanwhile and the read after it finds nothing left to wait for.
        loop = asyncio.get_running_loop()
        if daytime(now):
            while await loop.run_in_executor(None, shared.store.settle) and (
                batch := shared.store.due(now, DUE_BATCH)
            ):
                claimed = 0
                for reminder in batch:
                    outcome = await _send(application, shared, reminder, now)
                    claimed += outcome is not None
                    sent += bool(outcome)
                if len(batch) < DUE_BATCH or not claimed:
                    break
        shared.checks += 1
        if shared.checks == 1 or sent:
            logger.info("reminders: %d sent (due check %d)", sent, shared.checks)
        return sent


async def _send(
    application: Application,  # type: ignore[type-arg]
    shared: ReminderDeps,
    reminder: Reminder,
    now: datetime,
) -> bool | None:
    """One reminder's message: True sent, False claimed but not delivered, None not ours to send."""
    store = shared.store
    dispatch = reminder.schedule.due_now(now)
    if dispatch is None or not store.claim(reminder, dispatch, now):
        return None
    late = dispatch.planned if dispatch.late else None
    script = _script(application, reminder.chat_id)
    reply = _texts(application).due(reminder.kept(), dispatch.days_left, late, script)
    chat = Chat(reminder.chat_id, Chat.PRIVATE)
    chat.set_bot(application.bot)
    try:
        await handlers.send_reply(chat, reply)
    except (Forbidden, BadRequest) as exc:  # blocked, or the chat is gone: never tried again
        logger.info("reminder %d stopped: the chat cannot be reached (%s)", reminder.id, type(exc).__name__)
        store.stop(reminder, now)
        return False
    except TelegramError as exc:  # nothing delivered: the next check tries again
        logger.warning("reminder %d not sent (%s); trying again at the next check", reminder.id, exc)
        store.release(reminder, now)
        return False
    return True


def stats_lines(application: Application) -> list[str]:  # type: ignore[type-arg]
    """/stats: reminders per operator (active, sent, "我充好了" after one)."""
    shared = application.bot_data.get(ReminderDeps.__name__)
    if shared is None:
        return []
    counts = shared.store.counts()
    if not counts:
        return ["保号提醒：还没有人设。"]
    labels: dict[str, Any] = {c.id: c.label for c in _texts(application).answers.operators}
    return ["保号提醒（进行中 / 已发 / 迟发 / 提醒后说“我充好了” / 停止）："] + [
        f"· {labels.get(c.operator, c.operator)}：{c.active} / {c.sent} / {c.late} / {c.done} / {c.stopped}"
        for c in counts
    ]
