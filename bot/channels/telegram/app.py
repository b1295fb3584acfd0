"""Builds the python-telegram-bot Application around the core, and runs it.

Usage: TELEGRAM_BOT_TOKEN=... python -m bot telegram   (Ctrl-C or SIGTERM stops it cleanly and at
once; what a chat was told is remembered is committed to BOT_DATA_DIR before the reply, so a kill
loses none of it either: persistence.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
from pathlib import Path

from telegram import BotCommand, Update
from telegram.error import BadRequest, InvalidToken
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.channels.rate_limit import PerChatLimit
from bot.channels.telegram import admin, guard, handlers, reminders
from bot.channels.telegram.api_requests import BotApiRequest, Reachability, WrongAddress
from bot.channels.telegram.persistence import ChatStatePersistence
from bot.channels.telegram.rate_limiter import SEND_PATIENCE, PerChatRateLimiter
from bot.channels.telegram.update_processor import PerChatUpdateProcessor
from bot.core.replying.conversation import Conversation
from bot.settings import Settings, SettingsError
from bot.store.database import Database
from bot.store.records import open_records

logger = logging.getLogger(__name__)

# Chats answered at once (each chat's updates one at a time, in order): enough that chats waiting
# on Telegram (a 429, a slow send) leave others room, few enough that a burst is not slowed by
# httpcore scanning a large connection pool for every request (each answer is ~1.5 ms of CPU).
CONCURRENT_UPDATES = 16
# A send's wait for Telegram's answer: long enough that a send accepted slowly (seen after 6–12 s)
# is waited for, since one that timed out after it was sent is never sent again (rate_limiter.py).
READ_TIMEOUT = 20.0
# Connections for sends (python-telegram-bot's default); polling needs one.
SEND_CONNECTIONS = 256
# Edited messages are ignored, always: answering an edit would repeat an answer already given.
NEW_MESSAGES = filters.UpdateType.MESSAGE
NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.VOICE
    | filters.AUDIO
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


class RedactToken(logging.Filter):
    """Keeps the token out of every log line, whoever writes it (httpx logs request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg, record.args = message.replace(self._token, "<token>"), None
        # A rejected token is a setting to fix, not a bug: no traceback (run_telegram_or_explain
        # says what to do). python-telegram-bot also puts the token in that exception's text.
        if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
            record.exc_info = None
        # Other tracebacks are formatted after the filters ran: format them here, without the token.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self._token in record.exc_text:
            record.exc_text = record.exc_text.replace(self._token, "<token>")
        return True


def configure_logging(token: str) -> None:
    logging.basicConfig(format="%(asctime)s - %(name)s - %(levelname)s - %(message)s", level=logging.INFO)
    # Avoid logging every GET and POST request (their URLs carry the token).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))


async def post_init(application: Application) -> None:
    """Registers the commands, with their descriptions from _ui.yaml, in Telegram's command menu,
    and SIGHUP as /reload."""
    loop = asyncio.get_running_loop()
    # Not every loop can take signals (Windows; a loop outside the main thread, as in the tests).
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
        loop.add_signal_handler(signal.SIGHUP, lambda: application.create_task(reload_on_signal(application)))
    commands = application.bot_data[handlers.Deps.__name__].conversation.answers.commands
    try:
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in commands.items()])
    except BadRequest as exc:  # a description Telegram refuses must not keep the bot from starting
        logger.warning("Telegram refused the command menu (%s); fix the command_ texts in _ui.yaml", exc)


async def reload_on_signal(application: Application) -> None:  # type: ignore[type-arg]
    logger.info("SIGHUP: %s", await admin.reload_content(application))


def build_application(
    conversation: Conversation,
    settings: Settings,
    telegram_limits: bool = True,
    content_root: Path | None = None,
) -> Application:
    """The Application with every handler; `telegram_limits=False` lifts Telegram's 30 msg/s (for bench).

    `content_root` is where /reload and SIGHUP read the YAML again (None: no reload)."""
    assert settings.token, "a token is required"
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"BOT_DATA_DIR {settings.data_dir} cannot be created: {exc.strerror}") from None
    database = Database.in_folder(settings.data_dir)  # chat state and the operator's records
    records = open_records(
        database, conversation.answers.texts, conversation.classifier.normalize, settings.retention_days
    )
    limiter = PerChatRateLimiter() if telegram_limits else PerChatRateLimiter(0, 0)
    server = "the Bot API at TELEGRAM_BASE_URL" if settings.base_url else "Telegram"
    # Polls and sends each say when they fail and recover (a send may fail while polls work).
    retried = f"each answer is tried again for up to {SEND_PATIENCE:.0f} s"
    sends = BotApiRequest(
        Reachability(server, retried), connection_pool_size=SEND_CONNECTIONS, read_timeout=READ_TIMEOUT
    )
    polls = BotApiRequest(Reachability(server), connection_pool_size=1)
    builder = (
        Application.builder()
        .token(settings.token)
        .request(sends)
        .get_updates_request(polls)
        .persistence(ChatStatePersistence(database, records.mask))
        .rate_limiter(limiter)
        # Chats are answered concurrently (a slow network round trip or a 429 for one does not
        # hold up the others), each chat's own turns in order.
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
        .post_init(post_init)
    )
    if settings.base_url:
        root = settings.base_url.rstrip("/")
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    application = builder.build()
    application.bot_data[handlers.Deps.__name__] = handlers.Deps(
        conversation, PerChatLimit(settings.messages_per_minute), records, settings.admin_ids, content_root
    )

    # 保号提醒: /remind, /reminders, their buttons and dialogue (group -1), the due check (JobQueue)
    reminders.register(application, database)
    # on commands - answer in Telegram (works in groups too, as /start@BotName)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler(["help", "menu"], handlers.menu))
    application.add_handler(CommandHandler("operator", handlers.choose_operator))
    application.add_handler(CommandHandler("reset", handlers.reset))
    application.add_handler(CommandHandler("check", handlers.check))
    application.add_handler(CommandHandler("privacy", handlers.privacy))
    application.add_handler(CommandHandler("forget", handlers.forget))
    application.add_handler(CommandHandler("guard", guard.command))
    # the operator's, for ADMIN_IDS only (anyone else gets the unknown-command answer)
    application.add_handler(CommandHandler("stats", admin.stats))
    application.add_handler(CommandHandler("reload", admin.reload))
    # on a tapped inline button
    application.add_handler(CallbackQueryHandler(handlers.button))
    # on a command the bot does not have (the ones above are matched first)
    application.add_handler(MessageHandler(NEW_MESSAGES & filters.COMMAND, handlers.unknown_command))
    # on text - the question
    application.add_handler(MessageHandler(NEW_MESSAGES & filters.TEXT & ~filters.COMMAND, handlers.question))
    # on a forwarded picture or file with a caption, in private: the scam-risk verdict on it
    forwarded = NEW_MESSAGES & filters.FORWARDED & filters.CAPTION & filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(forwarded & NON_TEXT, handlers.forwarded_caption))
    # on anything else a person can send
    application.add_handler(MessageHandler(NEW_MESSAGES & NON_TEXT, handlers.not_text))
    # on every message in a group whose admins switched the guard on: a warning under a 高 one
    guard.install(application, database, records)
    application.add_handler(MessageHandler(guard.GROUP_MESSAGES, guard.watch), group=guard.WATCH_GROUP)
    application.add_error_handler(handlers.error_handler)
    return application


def stop_on_signal(limiter: PerChatRateLimiter) -> None:
    """SIGINT or SIGTERM: sends waiting to be tried again give up at once, and the Application
    stops (python-telegram-bot's own handler raises SystemExit too). A second signal while it
    stops is only logged: raising again would abandon the stopping half-way (tasks destroyed
    while pending, the store not closed)."""
    if limiter.stopping:
        logger.info("already stopping")
        return
    logger.info("stopping: answers not yet sent are not tried again")
    limiter.stop()
    raise SystemExit


def run_telegram(conversation: Conversation, settings: Settings, content_root: Path | None = None) -> int:
    """Runs until SIGINT or SIGTERM; long polling, or a webhook when WEBHOOK_URL is set."""
    assert settings.token
    configure_logging(settings.token)
    application = build_application(conversation, settings, content_root=content_root)
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, PerChatRateLimiter)
    # run_polling and run_webhook use this loop; the stop signals are ours (stop_on_signal).
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl-C still raises KeyboardInterrupt
            loop.add_signal_handler(stop_signal, stop_on_signal, limiter)
    if settings.webhook_url:
        # The path and the secret are derived from the token, so neither reveals it.
        digest = hashlib.sha256(settings.token.encode()).hexdigest()
        application.run_webhook(
            listen="0.0.0.0",
            port=settings.port,
            url_path=digest[:32],
            webhook_url=f"{settings.webhook_url.rstrip('/')}/{digest[:32]}",
            secret_token=digest[32:64],
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=-1,
            stop_signals=None,
            close_loop=False,
        )
    else:
        application.run_polling(
            allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1, stop_signals=None, close_loop=False
        )
    # Stopped: a signal from now on must not kill the process half-way out (closing the loop
    # would give the signals their default action back).
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.remove_signal_handler(stop_signal)
        signal.signal(stop_signal, signal.SIG_IGN)
    loop.close()
    return 0


def run_telegram_or_explain(
    conversation: Conversation, settings: Settings, content_root: Path | None = None
) -> int:
    """run_telegram, with a rejected token told in one line (python-telegram-bot's own message
    prints the token, and a traceback helps no one who only has to copy the token again)."""
    server = "the Bot API at TELEGRAM_BASE_URL" if settings.base_url else "Telegram"
    # A 404 is a wrong address, not a rejected token (api_requests.WrongAddress).
    wrong_address_fix = (
        "check TELEGRAM_BASE_URL: the server's root, like http://127.0.0.1:8081 (or ending in /bot)"
        if settings.base_url
        else "Telegram answers so for a malformed token; copy it again from @BotFather"
    )
    try:
        return run_telegram(conversation, settings, content_root)
    except InvalidToken as exc:
        # python-telegram-bot's initialize raises its own InvalidToken from ours.
        wrong = exc if isinstance(exc, WrongAddress) else exc.__cause__
        if isinstance(wrong, WrongAddress):
            raise SettingsError(f"{server} answered {wrong.message}; {wrong_address_fix}") from None
        raise SettingsError(
            f"{server} rejected TELEGRAM_BOT_TOKEN (401 Unauthorized); copy the token again from @BotFather"
        ) from None
