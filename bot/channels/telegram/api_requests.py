"""The HTTP requests to the Bot API: what their failures mean, said plainly and once.

- A 404 is a wrong address (TELEGRAM_BASE_URL's path; or, at Telegram itself, a malformed token),
  not a rejected token: python-telegram-bot raises InvalidToken for both 401 and 404, and the
  two need different fixes. Here a 404 becomes WrongAddress.
- While the Bot API cannot be reached (no connection, a timeout, a 5xx), one line says so, and
  when the next try is; one more line says when it can be reached again. python-telegram-bot
  itself says nothing until its retries are spent (at start) or a traceback per failed poll.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from http import HTTPStatus

from telegram._utils.types import ODVInput  # the type of python-telegram-bot's own signature
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest, RequestData

logger = logging.getLogger(__name__)

# python-telegram-bot's own waits between failed polls: 1 s, then ×1.5 each time, up to 30 s.
POLL_RETRIES = "next try in 1 s, then less often (at most every 30 s)"


class WrongAddress(InvalidToken):
    """The Bot API answered 404 Not Found: the address (or the token's form) is wrong."""


class Reachability:
    """Whether the Bot API answered lately; logs the change, not every failure."""

    def __init__(
        self, server: str, next_tries: str = POLL_RETRIES, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.server = server  # "Telegram", or "the Bot API at TELEGRAM_BASE_URL"
        self.next_tries = next_tries  # when the requests that failed are tried again
        self._clock = clock
        self.failures = 0
        self._since = 0.0

    def failed(self, reason: str) -> None:
        self.failures += 1
        if self.failures == 1:
            self._since = self._clock()
            logger.warning(
                "%s cannot be reached (%s); %s. The bot answers once it is back",
                self.server,
                reason,
                self.next_tries,
            )

    def answered(self) -> None:
        if self.failures:
            logger.warning(
                "%s can be reached again (after %d failed tries in %.0f s)",
                self.server,
                self.failures,
                self._clock() - self._since,
            )
            self.failures = 0


class BotApiRequest(HTTPXRequest):
    """python-telegram-bot's HTTPX request, reporting to a Reachability and telling 404 apart."""

    def __init__(
        self, reachability: Reachability, connection_pool_size: int, read_timeout: float | None = 5.0
    ) -> None:
        super().__init__(connection_pool_size=connection_pool_size, read_timeout=read_timeout)
        self.reachability = reachability

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        try:
            code, payload = await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        except NetworkError as exc:
            self.reachability.failed(str(exc) or type(exc).__name__)
            raise
        except TelegramError:
            raise
        if code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            self.reachability.failed(f"{code} {_phrase(code)}")
            return code, payload
        self.reachability.answered()
        if code == HTTPStatus.NOT_FOUND:
            endpoint = url.rsplit("/", 1)[-1]
            raise WrongAddress(f"404 Not Found for {endpoint}")
        return code, payload


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "server error"
