"""The operator's records: what was asked, how it ended, per day; masked, keyed, and kept for a while.

Every typed question leaves one row: the day, the channel, the intent answered, the confidence,
the operator, the channel entity it named (支付宝, 门店…), an operator the bot does not cover, and
how it ended (answered, fallback, clarify, low confidence). A tapped intent button leaves a row
too ("tap": an answer of that intent, no text). Only the questions that did not end in a sure
answer keep their text, masked (masking.py) before it is written.

Every scam verdict (a risky message, /check) leaves a row with its level and flag ids. The text
of a 中 or 高 message is kept masked, so the operator can see what the adverts say now; a 低 one
keeps none: a message that looked harmless is more likely a person's own than an advert.

The chat is stored as a keyed hash (HMAC-SHA256), never its id: /forget can find a chat's rows, a
copy of the file cannot tell whose they are. Rows older than the retention go at start and
each new day, and so does the saved state of a chat nobody has written in since (chat_state).
Both adapters hand every Turn to `record`, which decides what of it is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.core.replying.turn import Rated, Turn
from bot.core.understanding.classifier import Classification
from bot.core.understanding.matcher import FALLBACK
from bot.store.database import Database
from bot.store.masking import Masker, service_numbers

logger = logging.getLogger(__name__)

# Below this an answer counts as unsure: the operator sees the question with the unanswered ones.
LOW_CONFIDENCE = 0.5
KEY_FILE = "record.key"
MAX_TEXT = 500  # characters of a question kept: enough to recognise it, not a pasted document
# Characters of a rated message kept: an advert's opening says what it offers, and masking is
# the cost of recording (500 characters took 0.9 ms, 7 % of a pasted advert's update; 200: see bench).
VERDICT_TEXT = 200

ANSWERED, FALLBACK_OUTCOME, CLARIFY, LOW = "answered", "fallback", "clarify", "low_confidence"
TAP = "tap"  # an intent button tapped: an answer, but no question typed
TABLES = ("question", "verdict", "guard_warning")  # kept for the retention; /forget deletes a chat's
QUESTION_COLUMNS = (
    "day", "channel", "chat", "outcome", "intent", "confidence", "operator", "nearest", "text", "normalized",
    "topup_channel", "uncovered",
)  # fmt: skip


# What an address, a handle or a number is made of: a cut must not leave half of one behind.
_TOKEN_CHAR = re.compile(r"[0-9A-Za-z._%+@\-０-９Ａ-Ｚａ-ｚ＠．＿]")
_TOKEN_TAIL = re.compile(r"[0-9A-Za-z._%+@\-０-９Ａ-Ｚａ-ｚ＠．＿]+$")


def cut(text: str, kept: int) -> str:
    """The first `kept` characters, less a token the cut goes through ("zhang.san@16" is no
    longer an e-mail address to the masker, but still says whose it is)."""
    if len(text) <= kept:
        return text
    piece = text[:kept]
    return _TOKEN_TAIL.sub("", piece) if _TOKEN_CHAR.match(text[kept]) else piece


def outcome_of(turn: Turn) -> str | None:
    """How a typed question ended; None for a turn that was not a typed question."""
    if turn.heard is None:
        return None
    if turn.reply.intent == FALLBACK:
        return FALLBACK_OUTCOME
    if turn.reply.intent is None:  # "你想问的是…": two buttons, no answer yet
        return CLARIFY
    if turn.reply.intent == turn.heard.intent and turn.heard.confidence < LOW_CONFIDENCE:
        return LOW
    return ANSWERED


def record_key(folder: Path) -> bytes:
    """The HMAC key, made once per BOT_DATA_DIR (readable by its owner only).

    Written whole to a side file and linked into place, so a second process starting at the same
    moment reads either no key (and links its own, which fails) or the whole one, never half.
    """
    path = folder / KEY_FILE
    try:
        if not path.exists():
            side = folder / f"{KEY_FILE}.{os.getpid()}"
            descriptor = os.open(side, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(32))
            with contextlib.suppress(FileExistsError):  # another process was first: its key counts
                os.link(side, path)
            side.unlink()
        return path.read_bytes()
    except OSError as exc:  # a read-only folder: nothing will be written anyway
        logger.warning("cannot keep %s (%s); chat hashes will differ after a restart", path, exc.strerror)
        return secrets.token_bytes(32)


def open_records(
    database: Database, answers: Iterable[str], normalize: Callable[[str], str], retention_days: int
) -> Records:
    """Records in this database, keyed by the folder's key, keeping the answers' own numbers."""
    masker = Masker(service_numbers(answers))
    records = Records(database, masker, normalize, record_key(database.path.parent), retention_days)
    records.purge()  # before the chats' states are read: none older than the retention is loaded
    return records


class Records:
    def __init__(
        self,
        database: Database,
        masker: Masker,
        normalize: Callable[[str], str],
        key: bytes,
        retention_days: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.mask = masker  # also what the chats' states are masked with (chat_state.py)
        self.normalize = normalize  # the classifier's; replaced when the content is reloaded
        self._key = key
        self.retention_days = retention_days
        self._clock = clock
        self._purged_on = ""
        placeholders = ", ".join("?" * len(QUESTION_COLUMNS))
        self._insert_question_sql = (
            f"INSERT INTO question ({', '.join(QUESTION_COLUMNS)}) VALUES ({placeholders})"
        )

    def chat_key(self, chat_id: int) -> str:
        return hmac.new(self._key, str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]

    def day(self, days_ago: int = 0) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(self._clock() - days_ago * 86400))

    def record(self, channel: str, chat_id: int, turn: Turn) -> None:
        """Keeps what the operator needs of one turn; a turn with nothing for them keeps nothing."""
        if turn.heard is None and turn.tapped is None and turn.rated is None:
            return
        today = self.day()
        if self._purged_on != today:
            self.purge()
        where = (today, channel, self.chat_key(chat_id))
        if turn.heard is not None:
            self._question(where, turn, turn.heard)
        elif turn.tapped is not None:
            self._insert_question(where, TAP, turn.tapped, 1.0, turn.state.operator)
        if turn.rated is not None:
            self._verdict(where, turn.rated)

    def _question(self, where: tuple[str, str, str], turn: Turn, heard: Classification) -> None:
        outcome = outcome_of(turn)
        masked = normalized = None
        if outcome != ANSWERED:
            masked = self._masked(heard.text)
            normalized = self.normalize(masked)
        nearest = next((intent for intent, _ in heard.candidates if intent != FALLBACK), None)
        self._insert_question(
            where,
            outcome or ANSWERED,
            turn.reply.intent or heard.intent,
            round(heard.confidence, 3),
            turn.state.operator,
            (nearest, masked, normalized, heard.channel, heard.uncovered),
        )

    def _insert_question(
        self,
        where: tuple[str, str, str],
        outcome: str,
        intent: str,
        confidence: float,
        operator: str | None,
        heard: tuple[str | None, ...] = (None,) * 5,  # nearest, text, normalized, topup_channel, uncovered
    ) -> None:
        row = (*where, outcome, intent, confidence, operator, *heard)
        self.database.write(self._insert_question_sql, [row])

    def _verdict(self, where: tuple[str, str, str], rated: Rated) -> None:
        report = rated.report
        text = self._masked(rated.text, VERDICT_TEXT) if report.risky else None  # 低: no text (see above)
        flags = " ".join(flag.id for flag in report.flags)
        self.database.write(
            "INSERT INTO verdict (day, channel, chat, level, flags, operator, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*where, report.level, flags, report.operator, text)],
        )

    def _masked(self, text: str, kept: int = MAX_TEXT) -> str:
        # Cut before masking too: masking reads the whole text (libphonenumber is slow on long
        # text; ㏘×4000 took 0.6 s), and only the first `kept` characters are kept anyway.
        return self.mask(cut(text, kept))[:kept]

    def forget(self, chat_id: int) -> None:
        for table in TABLES:
            self.database.write(f"DELETE FROM {table} WHERE chat = ?", [(self.chat_key(chat_id),)])

    def purge(self) -> None:
        """Rows older than the retention: the records, and the state of a chat not heard from since."""
        self._purged_on = self.day()
        for table in TABLES:
            self.database.write(f"DELETE FROM {table} WHERE day < ?", [(self.day(self.retention_days),)])
        cutoff = int(self._clock()) - self.retention_days * 86400
        self.database.write("DELETE FROM chat_state WHERE updated_at < ?", [(cutoff,)])
