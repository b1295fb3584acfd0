"""The Telegram adapter: carries the core's replies to and from Telegram, nothing more."""

import os

# Opt in now to python-telegram-bot's coming change (RetryAfter.retry_after as a timedelta);
# otherwise its own rate limiter warns on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")
