"""The Telegram handlers: one small function per kind of update, as in python-telegram-bot's examples.

Each handler reads the chat's state, asks the core what to say, stores the new state and sends
the reply. Nothing here decides *what* to say.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from telegram import CallbackQuery, Chat, LinkPreviewOptions, Message, MessageEntity, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.channels.rate_limit import PerChatLimit, Verdict
from bot.channels.telegram import callback_data
from bot.channels.telegram.messages import chunks, keyboard
from bot.channels.telegram.persistence import ChatStatePersistence
from bot.channels.telegram.rate_limiter import PerChatRateLimiter
from bot.core.replying.conversation import Conversation
from bot.core.replying.turn import ChatState, Reply, Turn
from bot.settings import Settings
from bot.store.records import Records

logger = logging.getLogger(__name__)

# "typing…" appears once an answer takes longer than this; most answers are sent well before,
# and an indicator for them would cost a round trip to Telegram in front of every answer.
TYPING_AFTER = 0.2
TYPING_LASTS = 4.5  # Telegram shows the indicator for 5 s or until the next message
# The parts of a chat's state the user chose or was asked to choose: a reply that changes them
# waits until they are on disk (persistence.py); the rest is committed without holding it up.
CONFIRMED = ("operator", "place", "pending", "channel", "detail")  # the last three: the waiting question


class Deps:
    """What the handlers share; kept in application.bot_data under this class's name."""

    def __init__(
        self,
        conversation: Conversation,
        limit: PerChatLimit,
        records: Records | None = None,
        admins: frozenset[int] = frozenset(),
        content_root: Path | None = None,
    ) -> None:
        self.conversation = conversation
        self.limit = limit
        self.records = records  # the operator's records (None: nothing is recorded)
        self.admins = admins  # user ids allowed /stats and /reload
        self.content_root = content_root  # where /reload reads the YAML again


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    return context.application.bot_data[Deps.__name__]


def load_state(context: ContextTypes.DEFAULT_TYPE) -> ChatState:
    # chat_data holds plain values only, so the persistence file never depends on our classes.
    saved = context.chat_data.get("state") if context.chat_data is not None else None
    return deps(context).conversation.restore(saved)


async def save_state(context: ContextTypes.DEFAULT_TYPE, chat_id: int, state: ChatState) -> None:
    """Keeps the state in memory and queues it for the store; a change of what the user chose
    (CONFIRMED) is committed before the reply says so (persistence.py: what "confirmed" means)."""
    if context.chat_data is None:
        return
    before = context.chat_data.get("state") or {}
    after = context.chat_data["state"] = asdict(state)
    persistence = context.application.persistence
    if isinstance(persistence, ChatStatePersistence) and any(
        before.get(name) != after[name] for name in CONFIRMED
    ):
        await persistence.confirm_chat_data(chat_id, context.chat_data)
    elif persistence is not None:
        await persistence.update_chat_data(chat_id, context.chat_data)


async def _typing(chat: Chat) -> None:
    while True:
        with contextlib.suppress(TelegramError):
            await chat.send_action(ChatAction.TYPING)
        await asyncio.sleep(TYPING_LASTS)


@contextlib.asynccontextmanager
async def typing_while_slow(chat: Chat, delay: float = TYPING_AFTER) -> AsyncIterator[None]:
    """Shows "typing…" while the bot works on an answer that is not ready at once.

    A timer, not a task, until the delay is over: most answers are sent before it, and a timer
    costs a fraction of a task started and cancelled for every update."""
    indicator: list[asyncio.Task[None]] = []
    timer = asyncio.get_running_loop().call_later(
        delay, lambda: indicator.append(asyncio.create_task(_typing(chat)))
    )
    try:
        yield
    finally:
        timer.cancel()
        for task in indicator:
            task.cancel()


async def send_reply(chat: Chat, reply: Reply) -> None:
    pieces = chunks(reply.text)
    for number, piece in enumerate(pieces, start=1):
        markup = keyboard(reply) if number == len(pieces) else None
        # A 429, a network or a server error is tried again by the rate limiter (rate_limiter.py).
        await chat.send_message(
            piece,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    act: Callable[[ChatState], Turn],
    first: Callable[[], Awaitable[Any]] | None = None,
) -> None:
    """Runs one step of the conversation for this chat and sends the reply.

    A chat's updates come here one at a time and in order (update_processor.py), while other
    chats' run alongside. `first` (answering a tapped button's query) runs in that turn too.
    """
    chat = update.effective_chat
    if chat is None:
        return
    async with typing_while_slow(chat):
        if first is not None:
            await first()
        turn = act(load_state(context))
        await save_state(context, chat.id, turn.state)
        records = deps(context).records
        if records is not None:  # what the operator needs of it (records.py decides)
            records.record("telegram", chat.id, turn)
        await send_reply(chat, turn.reply)


def allowed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """The per-chat rate limit: past it, one polite notice, then silence until the minute is over."""
    chat = update.effective_chat
    if chat is None:
        return False
    verdict = deps(context).limit.check(chat.id, time.monotonic())
    if verdict is Verdict.NOTIFY:
        text = deps(context).conversation.say("rate_limited", load_state(context))
        context.application.create_task(send_reply(chat, Reply(text)), update=update)
    return verdict is Verdict.ANSWER


def addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a message meant for the bot; in groups only a mention or a reply counts."""
    text = message.text or ""
    if message.chat.type == Chat.PRIVATE:
        return text
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    mention = f"@{bot_username}".lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if value.lower() == mention:
            return (text[: entity.offset] + text[entity.offset + entity.length :]).strip()
    return None


async def acknowledge(query: CallbackQuery) -> None:
    """Stops a tapped button's spinner. Best effort: a query Telegram no longer takes (too old,
    after a long wait) is no reason to leave the tap unanswered."""
    try:
        await query.answer()
    except TelegramError as exc:
        logger.info("could not answer a button's query (%s)", type(exc).__name__)


def command_for_this_bot(message: Message, bot_username: str) -> bool:
    """In a group, /foo may be meant for another bot; only /foo@ThisBot is ours there."""
    if message.chat.type == Chat.PRIVATE:
        return True
    command = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    return command.partition("@")[2].lower() == bot_username.lower()


def checked_reply(message: Message, bot_username: str, bot_id: int) -> str | None:
    """In a group, a reply that mentions the bot asks for a verdict on the message it replies to."""
    replied = message.reply_to_message
    if message.chat.type == Chat.PRIVATE or replied is None:
        return None
    if replied.from_user is not None and replied.from_user.id == bot_id:
        return None  # a reply to the bot is a conversation with it
    mention = f"@{bot_username}".lower()
    if any(v.lower() == mention for v in message.parse_entities([MessageEntity.MENTION]).values()):
        return replied.text or replied.caption or ""
    return None


# ---- the handlers ------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a short welcome and the main menu (/start)."""
    if allowed(update, context):
        await answer(update, context, deps(context).conversation.welcome)


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends what the bot can do, with the main menu (/help and /menu)."""
    if allowed(update, context):
        await answer(update, context, deps(context).conversation.menu)


async def choose_operator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers the operator buttons (/operator)."""
    if allowed(update, context):
        await answer(update, context, deps(context).conversation.ask_operator)


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forgets the chat's operator (/reset)."""
    if allowed(update, context):
        await answer(update, context, deps(context).conversation.forget)


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what the bot keeps, masked how, and for how long (/privacy)."""
    if allowed(update, context):
        conversation, records = deps(context).conversation, deps(context).records
        days = str(records.retention_days if records else Settings.retention_days)
        await answer(update, context, lambda state: conversation.notice("privacy", state, days=days))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deletes every record of this chat and its saved state (/forget)."""
    chat = update.effective_chat
    if chat is None or not allowed(update, context):
        return
    shared = deps(context)
    if shared.records is not None:
        shared.records.forget(chat.id)
    context.application.drop_chat_data(chat.id)
    if context.application.persistence is not None:
        await context.application.persistence.drop_chat_data(chat.id)
    await send_reply(chat, shared.conversation.notice("forgotten", ChatState()).reply)


async def check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rates the message this one replies to (/check as a reply), or the text after /check."""
    message = update.message
    if message is None or not allowed(update, context):
        return
    replied = message.reply_to_message
    text = (replied.text or replied.caption or "") if replied else " ".join(context.args or [])
    await answer(update, context, lambda state: deps(context).conversation.check(text, state))


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a question typed as text; rates a forwarded message, or one a group reply points at."""
    message = update.message
    if message is None:
        return
    conversation = deps(context).conversation
    target = checked_reply(message, context.bot.username, context.bot.id)
    if target is None and message.chat.type == Chat.PRIVATE and message.forward_origin is not None:
        target = message.text or ""
    if target is not None:
        if allowed(update, context):
            await answer(update, context, lambda state: conversation.check(target, state))
        return
    text = addressed_text(message, context.bot.username, context.bot.id)
    if text is None or not allowed(update, context):
        return
    await answer(update, context, lambda state: deps(context).conversation.on_text(text, state))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a tapped inline button."""
    query = update.callback_query
    if query is None:
        return
    # CallbackQueries need to be answered, even if no notification to the user is needed;
    # otherwise the button keeps spinning.
    if not allowed(update, context):
        await acknowledge(query)
        return
    action = callback_data.decode(query.data) or "stale"
    act = functools.partial(deps(context).conversation.on_action, action)
    await answer(update, context, act, first=functools.partial(acknowledge, query))


async def forwarded_caption(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rates the caption of a picture or file forwarded in private (adverts often come as images)."""
    message = update.message
    if message is None or not allowed(update, context):
        return
    caption = message.caption or ""
    await answer(update, context, lambda state: deps(context).conversation.check(caption, state))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tells the user the bot reads text only (stickers, photos, voice, files, locations...)."""
    message = update.message
    if message is None or addressed_text(message, context.bot.username, context.bot.id) is None:
        return
    if allowed(update, context):
        await answer(update, context, functools.partial(deps(context).conversation.notice, "not_text"))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a command the bot does not have (/foo) with what it can do, as /help does."""
    message = update.message
    if message is None or not command_for_this_bot(message, context.bot.username):
        return
    if allowed(update, context):
        await answer(update, context, deps(context).conversation.menu)


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error (without the user's text) and apologises to the user."""
    error = context.error
    if update is None and isinstance(error, NetworkError):
        return  # a failed poll for updates: api_requests.Reachability has said so, once
    chat = update.effective_chat if isinstance(update, Update) else None
    limiter = context.bot.rate_limiter
    stopping = isinstance(limiter, PerChatRateLimiter) and limiter.stopping
    if isinstance(error, NetworkError | RetryAfter):
        # The Bot API, not a bug: the rate limiter tried again for as long as it could.
        reason = "the bot is stopping" if stopping else "given up"
        logger.warning("could not send to chat %s (%s; %s)", chat.id if chat else "-", error, reason)
    else:
        logger.error(
            "exception while handling an update (chat %s)",
            chat.id if chat else "-",
            exc_info=(type(error), error, error.__traceback__) if error else None,
        )
    if chat is None or stopping:
        return
    conversation = deps(context).conversation
    menu = conversation.menu(ChatState()).reply
    try:
        await send_reply(chat, Reply(conversation.answers.ui("error"), menu.buttons))
    except Exception:  # the apology itself failed (the network is down): logging is all we can do
        logger.warning("could not send the apology to chat %s", chat.id)
