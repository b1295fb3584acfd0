"""The group guard: a group's admins switch it on (/guard on), and every message, caption or forward
there that the scam check rates 高 gets a short warning as a reply; below 高, nothing.

Handlers in the style of python-telegram-bot's examples: one short function per update. The watch
runs in its own handler group, beside the conversation's handlers, so a group message it warns
about is still what it was to them (in groups the conversation answers only when addressed).
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from collections.abc import Callable

from telegram import Chat, ChatMember, LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.ext import Application, ContextTypes, filters

from bot.channels.telegram.handlers import addressed_text, allowed, deps
from bot.store.database import Database
from bot.store.guard import GuardStore
from bot.store.records import Records

# At most one warning per group in this many seconds: a burst of adverts gets one, not ten
# (Telegram also allows a bot only 20 messages a minute in a group).
WARN_EVERY = 5.0
# Messages already warned about, remembered so that none is warned about twice (an update
# delivered again after a network error is the same message).
REMEMBERED = 1024
# The handler group of the watch: after the conversation's (group 0), which it does not replace.
WATCH_GROUP = 1
ADMINS = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
# Every new message in a group that carries words: text (not a command), a caption, a forward.
GROUP_MESSAGES = (
    filters.UpdateType.MESSAGE & filters.ChatType.GROUPS & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
)


class Guard:
    """The switch per group (in the store) and the pace of warnings (in memory, by a clock)."""

    def __init__(self, store: GuardStore, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.clock = clock  # the tests' own clock: no test waits for WARN_EVERY to pass
        self._last: dict[int, float] = {}
        self._warned: OrderedDict[tuple[int, int], None] = OrderedDict()

    def may_warn(self, chat_id: int, message_id: int) -> bool:
        """Whether this message may get a warning now: one per message, one per group per WARN_EVERY."""
        now = self.clock()
        if (chat_id, message_id) in self._warned or now - self._last.get(chat_id, -WARN_EVERY) < WARN_EVERY:
            return False
        self._last[chat_id] = now
        self._warned[chat_id, message_id] = None
        if len(self._warned) > REMEMBERED:
            self._warned.popitem(last=False)
        return True


def install(application: Application, database: Database, records: Records) -> None:  # type: ignore[type-arg]
    """Keeps the guard where its handlers find it; the handlers are registered in app.py."""
    application.bot_data[Guard.__name__] = Guard(GuardStore(database, records))


def guard_of(context: ContextTypes.DEFAULT_TYPE) -> Guard:
    return context.application.bot_data[Guard.__name__]


async def say(message: Message, name: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One of the guard's texts (responses/_risk.yaml guard:) as a reply to the command."""
    risk = deps(context).conversation.risk
    text = risk.guard_text(name) if risk is not None else None
    if text:
        send = functools.partial(
            message.reply_text, text, link_preview_options=LinkPreviewOptions(is_disabled=True)
        )
        await send()


async def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the sender administers the group (getChatMember); an anonymous admin posts as the group."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is not None and chat is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if chat is None or user is None:
        return False
    member = await chat.get_member(user.id)
    return member.status in ADMINS


async def sees_group_messages(chat: Chat, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the bot receives a group's ordinary messages: privacy mode off (getMe), or an admin there."""
    me = await context.bot.get_me()
    if me.can_read_all_group_messages:
        return True
    member = await chat.get_member(context.bot.id)
    return member.status in ADMINS


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the guard's state (/guard), or switches it (/guard on, /guard off: the group's admins only)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not allowed(update, context):
        return
    if chat.type == Chat.PRIVATE:
        await say(message, "groups_only", context)
        return
    guard = guard_of(context)
    switch = (context.args or [""])[0].lower()
    if switch not in ("on", "off"):
        await say(message, "state_on" if guard.store.active(chat.id) else "state_off", context)
        return
    if not await is_admin(update, context):
        await say(message, "not_admin", context)
        return
    guard.store.switch(chat.id, switch == "on")
    if switch == "off":
        await say(message, "off", context)
    elif await sees_group_messages(chat, context):
        await say(message, "on", context)
    else:
        await say(message, "privacy_mode", context)


async def watch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Replies to a message rated 高 in a guarded group with a short warning; anything else, nothing."""
    message = update.message
    risk = deps(context).conversation.risk
    if message is None or risk is None or not guard_of(context).store.active(message.chat.id):
        return
    if addressed_text(message, context.bot.username, context.bot.id) is not None:
        return  # said to the bot: the conversation answers it with the whole verdict
    report = risk.scan(message.text or message.caption or "")
    warning = risk.group_warning(report)
    if warning is None or not guard_of(context).may_warn(message.chat.id, message.message_id):
        return
    guard_of(context).store.warned(message.chat.id, tuple(flag.id for flag in report.problems))
    send = functools.partial(
        message.reply_text,
        warning,
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    await send()
