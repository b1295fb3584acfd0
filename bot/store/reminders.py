"""保号 reminders in the SQLite store: what each chat asked to be reminded of, and what was sent.

A row keeps the operator, the name the user gave (never the number), the last top-up and the
date, the hour, the messages sent this cycle, the chat id (to send them) and its state. The due
check reads only rows whose next_send has come, by index, so 100,000 stored cost what the few
due cost.

Exactly-once-ish: a message is marked sent (compare-and-set on next_send, committed) *before* it
is handed to Telegram. A restart or a second checker therefore never sends it again; a crash in
the one round trip between that commit and Telegram's answer loses that one message (the next
one of the cycle still comes). A send that fails with no delivery (network or server error) is
released and tried at the next check; a chat that blocked the bot (403) stops the reminder.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from bot.core.replying.reminder_schedule import OFFSETS, Dispatch, Schedule, local_today
from bot.core.replying.reminders import Kept, Plan, next_due
from bot.store.database import Database

ACTIVE = "active"
STOPPED = "stopped"  # the chat could not be reached (blocked the bot): listed, never sent again
COLUMNS = (
    "id, chat_id, operator, name, place, last_topup, months, next_due, hour, sent, snooze, next_send,"
    " cycle, cycle_sends, state"
)


def utc_now() -> datetime:
    """The adapters' clock (the core and the store take the time as an argument; tests pass theirs)."""
    return datetime.now(timezone.utc)


def _seconds(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def _moment(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, timezone.utc)


@dataclass(frozen=True)
class Reminder:
    id: int
    chat_id: int
    operator: str
    name: str
    place: str | None
    last_topup: date | None
    months: int | None
    schedule: Schedule
    next_send: int | None  # as stored: the value a claim compares against
    cycle: int
    cycle_sends: int  # messages sent this cycle ("我充好了" after one of them counts for the operator)
    state: str

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Reminder:
        id_, chat, operator, name, place, last, months, due, hour, sent, snooze, next_send, *rest = row
        offsets = frozenset(int(o) for o in sent.split(",") if o.isdecimal() and int(o) in OFFSETS)
        schedule = Schedule(date.fromisoformat(due), hour, offsets, _moment(snooze))
        last_topup = date.fromisoformat(last) if last else None
        return cls(id_, chat, operator, name, place, last_topup, months, schedule, next_send, *rest)

    def kept(self) -> Kept:
        """As the messages about it need it."""
        due, hour, stopped = self.schedule.due, self.schedule.hour, self.state == STOPPED
        return Kept(self.id, self.operator, self.name, self.place, due, hour, self.cycle, stopped)


@dataclass(frozen=True)
class OperatorCounts:
    """For the operator's report and /stats: one line per operator."""

    operator: str
    active: int
    stopped: int
    sent: int  # reminder messages sent (in the window)
    late: int  # of which late (the bot had been down)
    done: int  # "我充好了" tapped after a reminder (in the window)


def _sent(schedule: Schedule) -> str:
    return ",".join(str(o) for o in sorted(schedule.sent, reverse=True))


class Reminders:
    def __init__(self, database: Database) -> None:
        self._db = database

    # ---- setting, listing, removing ------------------------------------------------------------

    def add(self, chat_id: int, plan: Plan, now: datetime) -> int | None:
        schedule = Schedule.fresh(plan.due, plan.hour, now, plan.last_topup or local_today(now))
        values = (
            chat_id,
            plan.operator,
            plan.name,
            plan.place,
            plan.last_topup.isoformat() if plan.last_topup else None,
            plan.months,
            plan.due.isoformat(),
            plan.hour,
            _sent(schedule),
            _seconds(schedule.next_send()),
            int(now.timestamp()),
        )
        changed = self._db.change(
            "INSERT INTO reminder (chat_id, operator, name, place, last_topup, months, next_due, hour, sent,"
            " next_send, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
            [self._event(plan.operator, "set", now)],
        )
        if not changed:
            return None
        rows = self._db.read("SELECT MAX(id) FROM reminder WHERE chat_id = ?", (chat_id,))
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def of_chat(self, chat_id: int) -> list[Reminder]:
        sql = f"SELECT {COLUMNS} FROM reminder WHERE chat_id = ? ORDER BY next_due, id"
        rows = self._db.read(sql, (chat_id,))
        return [Reminder.from_row(row) for row in rows]

    def get(self, reminder_id: int, chat_id: int) -> Reminder | None:
        """The chat's own reminder: a button's id from another chat (forged) finds nothing."""
        rows = self._db.read(
            f"SELECT {COLUMNS} FROM reminder WHERE id = ? AND chat_id = ?", (reminder_id, chat_id)
        )
        return Reminder.from_row(rows[0]) if rows else None

    def cancel(self, reminder_id: int, chat_id: int, now: datetime) -> Reminder | None:
        """Deletes it (nothing of it is kept); the reminder as it was, or None if there was none."""
        found = self.get(reminder_id, chat_id)
        if found is None:
            return None
        changed = self._db.change(
            "DELETE FROM reminder WHERE id = ? AND chat_id = ?",
            (reminder_id, chat_id),
            [self._event(found.operator, "cancelled", now)],
        )
        return found if changed else None

    def forget(self, chat_id: int) -> None:
        """/forget: every reminder of the chat, gone."""
        self._db.write("DELETE FROM reminder WHERE chat_id = ?", [(chat_id,)])

    # ---- the user's buttons under a reminder -----------------------------------------------------

    def done(self, reminder: Reminder, now: datetime) -> Reminder | None:
        """ "我充好了": the next cycle starts today. None when the reminder changed meanwhile."""
        today = local_today(now)
        due = next_due(today, reminder.months, reminder.operator)
        schedule = Schedule.fresh(due, reminder.schedule.hour, now, today)
        kind = "done" if reminder.cycle_sends else "done_unprompted"
        changed = self._db.change(
            "UPDATE reminder SET last_topup = ?, next_due = ?, sent = ?, snooze = NULL, next_send = ?,"
            " cycle = cycle + 1, cycle_sends = 0 WHERE id = ? AND cycle = ? AND state = ?",
            (
                today.isoformat(),
                due.isoformat(),
                _sent(schedule),
                _seconds(schedule.next_send()),
                reminder.id,
                reminder.cycle,
                ACTIVE,
            ),
            [self._event(reminder.operator, kind, now)],
        )
        return self.get(reminder.id, reminder.chat_id) if changed else None

    def snooze(self, reminder: Reminder, now: datetime) -> Reminder | None:
        """ "一周后再提醒": one more message a week from today, at the reminder's hour."""
        schedule = reminder.schedule.snoozed(now)
        changed = self._db.change(
            "UPDATE reminder SET snooze = ?, next_send = ? WHERE id = ? AND cycle = ? AND state = ?",
            (_seconds(schedule.snooze), _seconds(schedule.next_send()), reminder.id, reminder.cycle, ACTIVE),
        )
        return self.get(reminder.id, reminder.chat_id) if changed else None

    # ---- the due check ---------------------------------------------------------------------------

    def settle(self) -> bool:
        """Waits until the changes queued so far are written (a read waits for them too); blocking,
        so an event loop calls it in a thread."""
        return self._db.flush()

    def due(self, now: datetime, limit: int = 100) -> list[Reminder]:
        """Reminders with a message due, oldest first (by index on next_send)."""
        rows = self._db.read(
            f"SELECT {COLUMNS} FROM reminder WHERE next_send IS NOT NULL AND next_send <= ?"
            " AND state = ? ORDER BY next_send LIMIT ?",
            (int(now.timestamp()), ACTIVE, limit),
        )
        return [Reminder.from_row(row) for row in rows]

    def claim(self, reminder: Reminder, dispatch: Dispatch, now: datetime) -> bool:
        """Marks the message sent, committed, before it is sent: True when this caller may send it.

        Compare-and-set on next_send: another checker (or this one, run twice) that read the same
        row finds it changed and sends nothing."""
        after = dispatch.after
        kinds = ["sent", "late"] if dispatch.late else ["sent"]
        return bool(
            self._db.change(
                "UPDATE reminder SET sent = ?, snooze = ?, next_send = ?, cycle_sends = cycle_sends + 1"
                " WHERE id = ? AND next_send IS ? AND state = ?",
                (
                    _sent(after),
                    _seconds(after.snooze),
                    _seconds(after.next_send()),
                    reminder.id,
                    reminder.next_send,
                    ACTIVE,
                ),
                [self._event(reminder.operator, kind, now) for kind in kinds],
            )
        )

    def release(self, reminder: Reminder, now: datetime) -> None:
        """The send failed and nothing arrived: back as it was, tried again at the next check."""
        self._db.change(
            "UPDATE reminder SET sent = ?, snooze = ?, next_send = ?, cycle_sends = cycle_sends - 1"
            " WHERE id = ? AND cycle = ? AND state = ?",
            (
                _sent(reminder.schedule),
                _seconds(reminder.schedule.snooze),
                reminder.next_send,
                reminder.id,
                reminder.cycle,
                ACTIVE,
            ),
            [self._event(reminder.operator, "unsent", now)],
        )

    def stop(self, reminder: Reminder, now: datetime) -> None:
        """The chat cannot be reached (the user blocked the bot): never tried again."""
        self._db.change(
            "UPDATE reminder SET state = ?, next_send = NULL WHERE id = ?",
            (STOPPED, reminder.id),
            [self._event(reminder.operator, "blocked", now)],
        )

    # ---- for the operator ------------------------------------------------------------------------

    def counts(self, since: str = "0000-00-00", until: str = "9999-99-99") -> list[OperatorCounts]:
        """Per operator: reminders active and stopped now; sent, late and "我充好了" in the window."""
        states: dict[str, dict[str, int]] = {}
        for operator, state, count in self._db.read(
            "SELECT operator, state, COUNT(*) FROM reminder GROUP BY operator, state"
        ):
            states.setdefault(operator, {})[state] = count
        events: dict[str, dict[str, int]] = {}
        for operator, kind, count in self._db.read(
            "SELECT operator, kind, COUNT(*) FROM reminder_event WHERE day BETWEEN ? AND ?"
            " GROUP BY operator, kind",
            (since, until),
        ):
            events.setdefault(operator, {})[kind] = count
        sent = {op: e.get("sent", 0) - e.get("unsent", 0) for op, e in events.items()}
        return [
            OperatorCounts(
                operator,
                states.get(operator, {}).get(ACTIVE, 0),
                states.get(operator, {}).get(STOPPED, 0),
                sent.get(operator, 0),
                events.get(operator, {}).get("late", 0),
                events.get(operator, {}).get("done", 0),
            )
            for operator in sorted(states.keys() | events.keys())
        ]

    @staticmethod
    def _event(operator: str, kind: str, now: datetime) -> tuple[str, tuple[str, str, str]]:
        return (
            "INSERT INTO reminder_event (day, operator, kind) VALUES (?, ?, ?)",
            (local_today(now).isoformat(), operator, kind),
        )


def insert_many(database: Database, rows: Iterable[tuple[int, str, str, str, int, int]]) -> None:
    """(chat id, operator, name, date, hour, next send) rows at once, for the benchmark."""
    database.write(
        "INSERT INTO reminder (chat_id, operator, name, next_due, hour, next_send, created_at)"
        f" VALUES (?, ?, ?, ?, ?, ?, {int(time.time())})",
        rows,
    )
