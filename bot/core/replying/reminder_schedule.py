"""When a 保号 reminder's messages go out: 30, 7 and 1 day before the date, at the user's hour.

Pure: every function takes the time it is asked about. Hours are local to UTC+8 (China and the
Philippines, the bot's two countries); no message is planned at night, and one that fell due
while the bot was down goes out once when it is back, marked late, never once per missed day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

LOCAL = timezone(timedelta(hours=8), "UTC+8")
OFFSETS = (30, 7, 1)  # days before the date
DEFAULT_HOUR = 10
HOURS = (8, 10, 12, 18, 20)  # the hours offered on buttons
DAYTIME = range(8, 22)  # a message goes out only at these local hours (a typed hour too)
# A message sent this long after its planned time says it is late (the bot was down).
LATE_AFTER = timedelta(minutes=30)
SNOOZE_DAYS = 7
INTERVALS = (1, 2, 3, 6)  # months the user may pick where the operator has no sourced rule


def local_today(now: datetime) -> date:
    return now.astimezone(LOCAL).date()


def daytime(now: datetime) -> bool:
    return now.astimezone(LOCAL).hour in DAYTIME


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has none: 31 Jan + 1 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def at(day: date, hour: int) -> datetime:
    """That local day and hour, in UTC."""
    return datetime.combine(day, time(hour), LOCAL).astimezone(timezone.utc)


@dataclass(frozen=True)
class Schedule:
    """One reminder's cycle: the date, the hour, the messages already sent (or passed) for it,
    and a "remind me in a week" waiting, if one is."""

    due: date
    hour: int = DEFAULT_HOUR
    sent: frozenset[int] = frozenset()
    snooze: datetime | None = None

    @classmethod
    def fresh(cls, due: date, hour: int, now: datetime, start: date | None = None) -> Schedule:
        """A new cycle from `start` (the top-up it counts from): the messages whose time has already
        passed are not sent (the user has just been told the date), nor one that would come in the
        cycle's first half (a month's cycle gets no "30 days left" the day after it was set)."""
        length = (due - start).days if start is not None else None
        passed = frozenset(
            o
            for o in OFFSETS
            if at(due - timedelta(days=o), hour) <= now or (length is not None and 2 * o > length)
        )
        return cls(due, hour, passed)

    def planned(self, offset: int) -> datetime:
        return at(self.due - timedelta(days=offset), self.hour)

    def dates(self) -> list[date]:
        """The days the messages still to come go out on."""
        return [self.due - timedelta(days=o) for o in OFFSETS if o not in self.sent]

    def next_send(self) -> datetime | None:
        """When the next message goes out (None: none is left this cycle)."""
        times = [self.planned(o) for o in OFFSETS if o not in self.sent]
        if self.snooze is not None:
            times.append(self.snooze)
        return min(times) if times else None

    def at_hour(self, hour: int, now: datetime) -> Schedule:
        """The same cycle at another hour; a time the change puts in the past is not sent."""
        return replace(self, hour=hour, sent=self.sent | Schedule.fresh(self.due, hour, now).sent)

    def snoozed(self, now: datetime) -> Schedule:
        return replace(self, snooze=at(local_today(now) + timedelta(days=SNOOZE_DAYS), self.hour))

    def due_now(self, now: datetime) -> Dispatch | None:
        """The one message to send now, if any: every planned time that has passed is marked sent
        (after a long stop, one message, not three), and it is late when its time passed long ago."""
        passed = [o for o in OFFSETS if o not in self.sent and self.planned(o) <= now]
        snoozed = self.snooze is not None and self.snooze <= now
        if not passed and not snoozed:
            return None
        planned = [self.planned(o) for o in passed] + ([self.snooze] if snoozed and self.snooze else [])
        latest = max(planned)
        after = replace(self, sent=self.sent | frozenset(passed), snooze=None if snoozed else self.snooze)
        days_left = (self.due - local_today(now)).days
        return Dispatch(after, days_left, now - latest > LATE_AFTER, latest)


@dataclass(frozen=True)
class Dispatch:
    """A message to send now and the schedule once it is sent."""

    after: Schedule
    days_left: int  # to the date, from today (negative: the date has passed)
    late: bool
    planned: datetime  # when it should have gone out
