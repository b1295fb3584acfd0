"""Setting a 保号 reminder: a small conversation of its own, beside the question answering.

/remind (or the "提醒我充值" button under the 保号 and top-up answers) starts it: which card (the
operator, and a short name the user chooses — never the phone number), when it was last topped
up, and when to remind: by the operator's sourced rule where there is one, else every 1, 2, 3
or 6 months. The dates are confirmed in one line, and the adapter stores the Plan it ends with.

State in, turn out, as in conversation.py: the Draft is small and immutable, saved by the
adapter as plain values while the dialogue is open. Every text is in responses/_ui.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.content.errors import ContentError, Problem
from bot.core.replying.answers import host_allowed
from bot.core.replying.reminder_schedule import (
    DAYTIME,
    DEFAULT_HOUR,
    HOURS,
    INTERVALS,
    LOCAL,
    Schedule,
    add_months,
    local_today,
)
from bot.core.replying.turn import Button, Reply
from bot.core.understanding.dates import read_date
from bot.core.understanding.sensitive import sensitive_numbers

if TYPE_CHECKING:
    from bot.core.replying.conversation import Conversation

STEPS = ("operator", "name", "last", "when", "confirm")
START = "remind:start"
# The answers whose buttons offer a reminder: keeping the number, and topping it up.
OFFERED_UNDER = frozenset({"keep_number", "topup_how", "topup_where"})
TOPUP_INTENT = "topup_how"  # its answer, for the operator and place, is the reminder's official ways
NAME_MAX = 20
# A name is said back in every reminder: no link, handle or markup may ride on it.
NOT_IN_A_NAME = re.compile(r"[@/\\<>:]|\.\w|https?|www", re.I)
# Seven digits or more in a row (spaces and dashes allowed): a phone number, not a name.
PHONE_LIKE = re.compile(r"\+?\d[\d\s-]{5,}\d")
QUIT_WORDS = re.compile(r"^(?:取消|算了|不用了|不要了|退出|cancel|stop|quit)[。.!！]*$", re.I)
SAVE_WORDS = re.compile(r"^(?:保存|好|好的|可以|行|确认|确定|对|是|ok|okay|yes|save)[。.!！]*$", re.I)
HOUR_TYPED = re.compile(
    r"(上午|早上|中午|下午|晚上)?\s*(\d{1,2})\s*(?:点|點|時|时|:00|h\b|am\b|pm\b|o'?clock)", re.I
)
MONTHS_TYPED = re.compile(r"(?:每)?\s*([一二两三六]|\d{1,2})\s*(?:个|個)?\s*(?:月|months?)")


@dataclass(frozen=True)
class SourcedRule:
    """Where an operator has a checked rule for how long a top-up keeps the number: the months it
    gives, and the facts (responses/_facts.yaml) that say so, shown with their sources."""

    months: int
    facts: tuple[str, ...]


# Smart: a regular load is valid a year from the top-up (DTI circular; Smart, 2018), and after the
# balance reaches zero the number has 120 days (Smart's help page). shared/reference §1.6.
# The Chinese operators have no nationwide sourced rule (§2.4): the user picks an interval.
RULES = {"smart": SourcedRule(12, ("load_validity", "all_loads_one_year", "zero_balance_short"))}


@dataclass(frozen=True)
class Draft:
    """What the dialogue has been told so far, and which step it is at."""

    step: str = "operator"
    operator: str | None = None
    name: str | None = None
    last: date | None = None  # None with last_known False: "不记得"
    last_known: bool = True
    months: int | None = None  # None: the operator's rule
    hour: int = DEFAULT_HOUR
    place: str | None = None  # where the chat said the user is: the reminder's top-up ways
    script: str | None = None  # the script the chat writes in
    options: tuple[date, ...] = ()  # an ambiguous day's two readings, offered on buttons

    def saved(self) -> dict[str, Any]:
        """Plain values, for the adapter's store."""
        return {
            "step": self.step,
            "operator": self.operator,
            "name": self.name,
            "last": self.last.isoformat() if self.last else None,
            "last_known": self.last_known,
            "months": self.months,
            "hour": self.hour,
            "place": self.place,
            "script": self.script,
            "options": [d.isoformat() for d in self.options],
        }


@dataclass(frozen=True)
class Plan:
    """A reminder the user confirmed: what the store keeps."""

    operator: str
    name: str
    last_topup: date | None  # None: not remembered (the cycle counts from the day it was set)
    months: int | None  # None: the operator's sourced rule
    due: date
    hour: int
    place: str | None


@dataclass(frozen=True)
class ReminderTurn:
    reply: Reply
    draft: Draft | None  # None: the dialogue is over
    plan: Plan | None = None  # set once, when the user saves


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


class ReminderDialogue:
    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.answers = conversation.answers
        self._operators = {choice.id: choice.label for choice in self.answers.operators}
        problems = []
        for operator, rule in RULES.items():
            for name in rule.facts:
                if operator in self._operators and self.answers.fact(operator, name) is None:
                    problems.append(
                        Problem(
                            Path("responses") / "_facts.yaml",
                            0,
                            f"the reminder rule for '{operator}' cites the fact '{name}', which is missing",
                            f"add '{name}:' under '{operator}:' (value, source, reviewed)",
                        )
                    )
        if problems:
            raise ContentError(problems)

    # ---- what the adapters call ----------------------------------------------------------------

    def restore(self, saved: object) -> Draft | None:
        """A draft an adapter kept, checked against today's content; None when there is none."""
        if not isinstance(saved, dict) or saved.get("step") not in STEPS:
            return None
        operator = saved.get("operator")
        operator = operator if operator in self._operators else None
        name, months, hour = saved.get("name"), saved.get("months"), saved.get("hour")
        place, script = saved.get("place"), saved.get("script")
        options = tuple(d for d in map(_date, saved.get("options") or ()) if d is not None)
        draft = Draft(
            step=saved["step"],
            operator=operator,
            name=name if isinstance(name, str) and name else None,
            last=_date(saved.get("last")),
            last_known=saved.get("last_known") is not False,
            months=months if months in INTERVALS else None,
            hour=hour if isinstance(hour, int) and hour in DAYTIME else DEFAULT_HOUR,
            place=place if isinstance(place, str) and place in self.answers.places else None,
            script=script if isinstance(script, str) else None,
            options=options,
        )
        # A step whose answers before it were lost (content changed) starts over.
        needed = {"name": (operator,), "last": (operator, draft.name), "when": (operator, draft.name)}
        needed["confirm"] = needed["when"]
        return draft if all(needed.get(draft.step, ())) else Draft(place=draft.place, script=draft.script)

    def start(self, place: str | None = None, script: str | None = None) -> ReminderTurn:
        draft = Draft(place=place, script=script)
        return self._say(draft, "remind_which_card", self._operator_buttons())

    def on_action(self, action: str, draft: Draft | None, now: datetime) -> ReminderTurn:
        """A tapped button of the dialogue ("remind:<what>")."""
        kind, _, value = action.partition(":")[2].partition("_")
        if kind == "start" or draft is None:
            return self.start(draft.place if draft else None, draft.script if draft else None)
        if kind == "quit":
            return self._end(draft, "remind_not_set")
        if kind == "op" and draft.step == "operator" and value in self._operators:
            return self._ask_name(replace(draft, operator=value))
        if kind == "last" and draft.step == "last":
            if value == "today":
                return self._last_told(draft, local_today(now), now)
            if value == "unknown":
                return self._last_told(replace(draft, last_known=False), None, now)
            if (day := _date(f"{value[:4]}-{value[4:6]}-{value[6:]}")) in draft.options:
                return self._last_told(draft, day, now)
        if kind == "rule" and draft.step == "when" and draft.operator in RULES:
            return self._confirm(replace(draft, months=None), now)
        months = int(value) if value.isdecimal() else None
        if kind == "every" and draft.step in ("when", "confirm") and months in INTERVALS:
            return self._confirm(replace(draft, months=months), now)
        if kind == "hour" and draft.step == "confirm" and value.isdecimal() and int(value) in DAYTIME:
            return self._confirm(replace(draft, hour=int(value)), now)
        if kind == "save" and draft.step == "confirm":
            return self._save(draft, now)
        return self._again(draft, now)

    def on_text(self, text: str, draft: Draft, now: datetime) -> ReminderTurn:
        """A typed message while the dialogue is open: the answer to the step it is at."""
        text = text.strip()
        if QUIT_WORDS.match(text):
            return self._end(draft, "remind_not_set")
        if draft.step == "operator":
            scripted = self.conversation.classifier.normalize.script(text)
            operator = self.conversation.classifier.operators.find(scripted).operator
            if operator in self._operators:
                return self._ask_name(replace(draft, operator=operator))
            return self._say(draft, "remind_which_card", self._operator_buttons())
        if draft.step == "name":
            return self._named(draft, text)
        if draft.step == "last":
            return self._last_typed(draft, text, now)
        if draft.step == "when" and (months := self._months(text)) in INTERVALS:
            return self._confirm(replace(draft, months=months), now)
        if draft.step == "confirm":
            if SAVE_WORDS.match(text):
                return self._save(draft, now)
            if (hour := self._hour(text)) is not None:
                if hour not in DAYTIME:
                    return self._say(draft, "remind_night", self._confirm_buttons(draft))
                return self._confirm(replace(draft, hour=hour), now)
            if (months := self._months(text)) in INTERVALS:
                return self._confirm(replace(draft, months=months), now)
        return self._again(draft, now)

    # ---- the steps -------------------------------------------------------------------------------

    def _ask_name(self, draft: Draft) -> ReminderTurn:
        assert draft.operator is not None
        label = self._operators[draft.operator]
        return self._say(replace(draft, step="name"), "remind_name", self._quit(), operator=label)

    def _named(self, draft: Draft, text: str) -> ReminderTurn:
        if PHONE_LIKE.search(text) or sensitive_numbers(text):
            # Said back without the number; the number itself is kept nowhere.
            return self._say(draft, "remind_no_number", self._quit())
        name = " ".join(text.split())
        if not name or len(name) > NAME_MAX or NOT_IN_A_NAME.search(name):
            return self._say(draft, "remind_bad_name", self._quit(), most=str(NAME_MAX))
        draft = replace(draft, step="last", name=name)
        return self._say(draft, "remind_last", self._last_buttons(), card=name)

    def _last_typed(self, draft: Draft, text: str, now: datetime) -> ReminderTurn:
        reading = read_date(text, local_today(now))
        if reading.kind == "day" and reading.day is not None:
            return self._last_told(draft, reading.day, now)
        if reading.kind == "unknown":
            return self._last_told(replace(draft, last_known=False), None, now)
        if reading.kind == "impossible":
            return self._say(draft, "remind_date_impossible", self._last_buttons(), said=reading.said)
        if reading.kind == "future" and reading.day is not None:
            return self._say(draft, "remind_date_future", self._last_buttons(), day=_shown(reading.day))
        if reading.kind == "ambiguous":
            draft = replace(draft, options=reading.options)
            buttons = tuple(Button(_shown(d), f"remind:last_{d:%Y%m%d}") for d in reading.options)
            text_back = text if len(text) <= NAME_MAX else text[:NAME_MAX] + "…"
            return self._say(draft, "remind_date_which", (*buttons, *self._quit()), said=text_back)
        return self._say(draft, "remind_date_unreadable", self._last_buttons())

    def _last_told(self, draft: Draft, day: date | None, now: datetime) -> ReminderTurn:
        draft = replace(draft, step="when", last=day, options=())
        assert draft.operator is not None
        label = self._operators[draft.operator]
        start = day or local_today(now)
        lead = "" if day else self._ui(draft, "remind_last_unknown", today=_shown(start)) + "\n\n"
        every = "remind_every_button"
        buttons = tuple(Button(self.answers.ui(every, months=str(m)), f"remind:every_{m}") for m in INTERVALS)
        rule = RULES.get(draft.operator)
        if rule is None:
            text = self._ui(draft, "remind_no_rule", operator=label)
            return ReminderTurn(Reply(lead + text, self._scripted(draft, (*buttons, *self._quit()))), draft)
        due = add_months(start, rule.months)
        cited = "\n".join(f"· {self._cited(draft.operator, name)}" for name in rule.facts)
        text = self._ui(draft, "remind_rule", operator=label, rule=cited, last=_shown(start), due=_shown(due))
        first = Button(self._ui(draft, "remind_rule_button", due=_shown(due)), "remind:rule")
        buttons = self._scripted(draft, (first, *buttons, *self._quit()))
        return ReminderTurn(Reply(lead + text, buttons), draft)

    def _confirm(self, draft: Draft, now: datetime) -> ReminderTurn:
        draft = replace(draft, step="confirm")
        plan = self._plan(draft, now)
        schedule = Schedule.fresh(plan.due, plan.hour, now, plan.last_topup or local_today(now))
        text = self.confirmation(plan, schedule, draft.script)
        return ReminderTurn(Reply(text, self._confirm_buttons(draft)), draft)

    def _save(self, draft: Draft, now: datetime) -> ReminderTurn:
        plan = self._plan(draft, now)
        return ReminderTurn(Reply(self._ui(draft, "remind_saved")), None, plan)

    def _again(self, draft: Draft, now: datetime) -> ReminderTurn:
        """Something the step cannot take: the step's question again."""
        if draft.step == "operator":
            return self._say(draft, "remind_which_card", self._operator_buttons())
        if draft.step == "name":
            return self._ask_name(draft)
        if draft.step == "last":
            return self._say(draft, "remind_date_unreadable", self._last_buttons())
        if draft.step == "when":
            return self._last_told(draft, draft.last, now)
        return self._confirm(draft, now)

    # ---- what the steps share ------------------------------------------------------------------

    def _plan(self, draft: Draft, now: datetime) -> Plan:
        assert draft.operator is not None and draft.name is not None
        due = next_due(draft.last or local_today(now), draft.months, draft.operator)
        return Plan(draft.operator, draft.name, draft.last, draft.months, due, draft.hour, draft.place)

    def confirmation(self, plan: Plan, schedule: Schedule, script: str | None) -> str:
        """The dates in one line: last top-up, the date, the days the messages go out, the hour."""
        dates = "、".join(_shown(d) for d in schedule.dates()) or self.conversation.convert(
            self.answers.ui("remind_no_dates"), script
        )
        last = _shown(plan.last_topup) if plan.last_topup else self.answers.ui("remind_last_not_known")
        text = self.answers.ui(
            "remind_confirm",
            card=plan.name,
            operator=self._operators.get(plan.operator, plan.operator),
            last=last,
            due=_shown(plan.due),
            dates=dates,
            hour=str(plan.hour),
        )
        return self.conversation.convert(text, script)

    def _cited(self, operator: str, name: str) -> str:
        """A fact with where it comes from: the source's host, as a link only when allowlisted."""
        fact = self.answers.fact(operator, name)
        assert fact is not None  # checked when the dialogue was built
        host = re.sub(r"^https?://", "", fact.source).split("/")[0]
        shown = host if host_allowed(host, self.answers.allowlist) else host.replace(".", "[.]")
        return self.answers.ui("remind_fact", fact=fact.value, source=shown, reviewed=fact.reviewed)

    @staticmethod
    def _months(text: str) -> int | None:
        match = MONTHS_TYPED.search(text) or re.fullmatch(r"\s*(\d{1,2})\s*", text)
        if not match:
            return None
        value = match.group(1)
        return int(value) if value.isdecimal() else {"一": 1, "二": 2, "两": 2, "三": 3, "六": 6}[value]

    @staticmethod
    def _hour(text: str) -> int | None:
        match = HOUR_TYPED.search(text)
        if not match:
            return None
        hour = int(match.group(2))
        later = match.group(1) in ("下午", "晚上") or "pm" in match.group(0).lower()
        return hour + 12 if later and hour < 12 else hour

    def _say(self, draft: Draft, name: str, buttons: tuple[Button, ...], **variables: str) -> ReminderTurn:
        return ReminderTurn(Reply(self._ui(draft, name, **variables), self._scripted(draft, buttons)), draft)

    def _end(self, draft: Draft, name: str) -> ReminderTurn:
        return ReminderTurn(Reply(self._ui(draft, name)), None)

    def _ui(self, draft: Draft, name: str, **variables: str) -> str:
        return self.conversation.convert(self.answers.ui(name, **variables), draft.script)

    def _scripted(self, draft: Draft, buttons: tuple[Button, ...]) -> tuple[Button, ...]:
        return tuple(replace(b, label=self.conversation.convert(b.label, draft.script)) for b in buttons)

    def _operator_buttons(self) -> tuple[Button, ...]:
        return (*(Button(label, f"remind:op_{op}") for op, label in self._operators.items()), *self._quit())

    def _last_buttons(self) -> tuple[Button, ...]:
        return (
            Button(self.answers.ui("remind_last_today"), "remind:last_today"),
            Button(self.answers.ui("remind_last_unknown_button"), "remind:last_unknown"),
            *self._quit(),
        )

    def _confirm_buttons(self, draft: Draft) -> tuple[Button, ...]:
        hours = (
            Button(self.answers.ui("remind_hour_button", hour=str(h)), f"remind:hour_{h}")
            for h in HOURS
            if h != draft.hour
        )
        save = Button(self.answers.ui("remind_save"), "remind:save")
        return self._scripted(draft, (save, *hours, *self._quit()))

    def _quit(self) -> tuple[Button, ...]:
        return (Button(self.answers.ui("remind_quit"), "remind:quit"),)


@dataclass(frozen=True)
class Kept:
    """A stored reminder as the messages about it need it (the store's row, without the store)."""

    id: int
    operator: str
    name: str
    place: str | None
    due: date
    hour: int
    cycle: int
    stopped: bool = False


class ReminderTexts:
    """What the adapters send about stored reminders: the reminder itself, the replies to its
    buttons, the list. Every text from _ui.yaml, in the chat's script."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.answers = conversation.answers

    def due(self, kept: Kept, days_left: int, late_since: datetime | None, script: str | None) -> Reply:
        """The reminder: the date, then the official ways to top up for the operator and place."""
        label = self._label(kept.operator)
        if days_left > 0:
            head = self.answers.ui(
                "remind_due", card=kept.name, operator=label, due=_shown(kept.due), days=str(days_left)
            )
        else:
            head = self.answers.ui("remind_due_past", card=kept.name, operator=label, due=_shown(kept.due))
        if late_since is not None:
            planned = late_since.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
            head = f"{self.answers.ui('remind_late', planned=planned)}\n{head}"
        ways = (
            self.answers.text(TOPUP_INTENT, kept.operator, None, kept.place)
            if kept.operator in (c.id for c in self.answers.operators)
            else ""
        )
        buttons = (
            Button(self.answers.ui("remind_done_button"), f"remind:done_{kept.id}_{kept.cycle}"),
            Button(self.answers.ui("remind_later_button"), f"remind:later_{kept.id}_{kept.cycle}"),
            Button(self.answers.ui("remind_stop_button"), f"remind:stop_{kept.id}"),
        )
        return self._scripted(Reply(f"{head}\n\n{ways}".strip(), buttons, TOPUP_INTENT), script)

    def listing(self, kept: list[Kept], script: str | None) -> Reply:
        if not kept:
            return self._scripted(Reply(self.answers.ui("remind_list_empty")), script)
        lines = [self.answers.ui("remind_list")]
        for k in kept:
            item = "remind_list_stopped" if k.stopped else "remind_list_item"
            lines.append(
                self.answers.ui(
                    item, card=k.name, operator=self._label(k.operator), due=_shown(k.due), hour=str(k.hour)
                )
            )
        buttons = tuple(
            Button(self.answers.ui("remind_cancel_button", card=k.name), f"remind:cancel_{k.id}")
            for k in kept
        )
        return self._scripted(Reply("\n".join(lines), buttons), script)

    def say(self, name: str, script: str | None, **variables: str) -> Reply:
        return self._scripted(Reply(self.answers.ui(name, **variables)), script)

    def _label(self, operator: str) -> str:
        known = {c.id: c.label for c in self.answers.operators}
        return known.get(operator, operator)

    def _scripted(self, reply: Reply, script: str | None) -> Reply:
        convert = self.conversation.convert
        buttons = tuple(replace(b, label=convert(b.label, script)) for b in reply.buttons)
        return replace(reply, text=convert(reply.text, script), buttons=buttons)


def _shown(day: date) -> str:
    return day.isoformat()


def months_for(plan_months: int | None, operator: str) -> int:
    """The months one cycle lasts: the user's interval, else the operator's sourced rule."""
    if plan_months is not None:
        return plan_months
    rule = RULES.get(operator)
    return rule.months if rule else 1


def next_due(last: date, plan_months: int | None, operator: str) -> date:
    return add_months(last, months_for(plan_months, operator))
