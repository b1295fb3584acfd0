"""Builds the python-telegram-bot Application around the core, and runs it.

Usage: TELEGRAM_BOT_TOKEN=... python -m bot telegram   (Ctrl-C or SIGTERM stops it cleanly,
with the chats' state written to BOT_DATA_DIR first).
"""

from __future__ import annotations

import hashlib
import logging

from telegram import BotCommand, Update
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.channels.rate_limit import PerChatLimit
from bot.channels.telegram import handlers
from bot.channels.telegram.persistence import ChatStatePersistence
from bot.core.conversation import Conversation
from bot.settings import Settings, SettingsError

logger = logging.getLogger(__name__)

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
        return True


def configure_logging(token: str) -> None:
    logging.basicConfig(format="%(asctime)s - %(name)s - %(levelname)s - %(message)s", level=logging.INFO)
    # Avoid logging every GET and POST request (their URLs carry the token).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))


async def post_init(application: Application) -> None:
    """Registers the commands, with their descriptions from _ui.yaml, in Telegram's command menu."""
    commands = application.bot_data[handlers.Deps.__name__].conversation.answers.commands
    try:
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in commands.items()])
    except BadRequest as exc:  # a description Telegram refuses must not keep the bot from starting
        logger.warning("Telegram refused the command menu (%s); fix the command_ texts in _ui.yaml", exc)


def build_application(
    conversation: Conversation, settings: Settings, telegram_limits: bool = True
) -> Application:
    """The Application with every handler; `telegram_limits=False` lifts Telegram's 30 msg/s (for bench)."""
    assert settings.token, "a token is required"
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"BOT_DATA_DIR {settings.data_dir} cannot be created: {exc.strerror}") from None
    limiter = AIORateLimiter(max_retries=3) if telegram_limits else AIORateLimiter(0, 0, 0, 0, max_retries=3)
    builder = (
        Application.builder()
        .token(settings.token)
        .persistence(ChatStatePersistence(settings.data_dir / "chats.pickle"))
        .rate_limiter(limiter)
        # Chats are answered concurrently (a slow network round trip for one does not hold up
        # the others); handlers.Deps.lock keeps each chat's own turns in order.
        .concurrent_updates(1)
        .post_init(post_init)
    )
    if settings.base_url:
        root = settings.base_url.rstrip("/")
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    application = builder.build()
    application.bot_data[handlers.Deps.__name__] = handlers.Deps(
        conversation, PerChatLimit(settings.messages_per_minute)
    )

    # on commands - answer in Telegram (works in groups too, as /start@BotName)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler(["help", "menu"], handlers.menu))
    application.add_handler(CommandHandler("operator", handlers.choose_operator))
    application.add_handler(CommandHandler("reset", handlers.reset))
    application.add_handler(CommandHandler("check", handlers.check))
    # on a tapped inline button
    application.add_handler(CallbackQueryHandler(handlers.button))
    # on text - the question
    application.add_handler(MessageHandler(NEW_MESSAGES & filters.TEXT & ~filters.COMMAND, handlers.question))
    # on a forwarded picture or file with a caption, in private: the scam-risk verdict on it
    forwarded = NEW_MESSAGES & filters.FORWARDED & filters.CAPTION & filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(forwarded & NON_TEXT, handlers.forwarded_caption))
    # on anything else a person can send
    application.add_handler(MessageHandler(NEW_MESSAGES & NON_TEXT, handlers.not_text))
    application.add_error_handler(handlers.error_handler)
    return application


def run_telegram(conversation: Conversation, settings: Settings) -> int:
    """Runs until SIGINT or SIGTERM; long polling, or a webhook when WEBHOOK_URL is set."""
    assert settings.token
    configure_logging(settings.token)
    application = build_application(conversation, settings)
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
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
    return 0
