"""A RiskReport as the bot's reply: the level, one line per red flag (and, apart, what in the message is
official), what to do instead, where to report; for a number being taken over, the steps to take now.

The fixed texts come from responses/_risk.yaml, rendered with the facts once at load; only the
red flags change per message, and they carry the user's links and handles defanged already.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from bot.content.errors import ContentError, Problem
from bot.content.model import RiskTexts, Template
from bot.core.replying.answers import Answers
from bot.core.replying.turn import Button, Reply
from bot.core.risk.scanner import EVIDENCE_JOIN, Flag, RiskReport, Scanner

# Telegram shows this much at a glance; a longer warning is read less, not more.
MAX_REPLY = 600
# The fixed parts must leave room for at least this many characters of red flags.
ROOM_FOR_FLAGS = 160
BULLET = "· "
# A group sees the two strongest red flags: enough to see why, short enough to read in a chat.
GUARD_REASONS = 2
OFFICIAL = "official"  # the level line of a message whose findings are all official


@dataclass(frozen=True)
class _Rendered:
    levels: dict[str, str]
    flags: str
    more: str
    advice: dict[str | None, str]  # operator id or scope (None: the message names none) -> advice
    report: str
    notes: str
    takeover: dict[str | None, str]  # operator id (None: the message names none) -> the steps
    guard: dict[str, str]  # the group guard's texts (GUARD_TEXTS), empty when the YAML has none


class RiskCheck:
    """The scanner and the texts together: what the conversation asks when a message may be a scam."""

    def __init__(self, scanner: Scanner, texts: RiskTexts, answers: Answers) -> None:
        self.scanner = scanner
        problems: list[Problem] = []
        operators = [choice.id for choice in answers.operators]

        def render(template_name: str, operator: str | None = None) -> str:
            template = _template(texts, template_name, operator)
            try:
                # A scope ("china") has no facts of its own: its text names each operator's.
                return answers.render(template, operator if operator in operators else None)
            except ContentError as exc:
                problems.extend(exc.problems)
                return ""

        scopes = [scope for scope in texts.advice if scope != "default" and scope not in operators]
        self._texts = _Rendered(
            levels={level: render(f"levels.{level}") for level in texts.levels},
            flags=render("flags"),
            more=texts.more.source.strip(),
            advice={op: render("advice", op) for op in [None, *operators, *scopes]},
            report=render("report"),
            notes=render("notes") if texts.notes is not None else texts.flags.source.strip(),
            takeover={
                op: render("takeover", op) for op in [None, *operators] if texts.takeover.get(op or "default")
            },
            guard={name: render(f"guard.{name}") for name in texts.guard},
        )
        self._buttons = []
        for intent, where in zip(texts.buttons, texts.button_where, strict=True):
            if answers.has(intent):
                self._buttons.append(Button(answers.title(intent), f"intent:{intent}"))
            else:
                problems.append(
                    Problem(where.path, where.line, f"button leads to unknown intent '{intent}'", "")
                )
        longest = max(len(self._fixed(level, op)) for level in texts.levels for op in self._texts.advice)
        steps = max((len(text) for text in self._texts.takeover.values()), default=0)
        if steps > MAX_REPLY:
            problems.append(
                Problem(
                    texts.where.path,
                    texts.where.line,
                    f"the takeover steps take {steps} characters; a reply must stay within {MAX_REPLY}",
                    f"shorten them to {MAX_REPLY} characters or fewer",
                )
            )
        if longest > MAX_REPLY - ROOM_FOR_FLAGS:
            problems.append(
                Problem(
                    texts.where.path,
                    texts.where.line,
                    f"the fixed texts take {longest} characters; a reply must stay within {MAX_REPLY}",
                    f"shorten them to {MAX_REPLY - ROOM_FOR_FLAGS} characters or fewer",
                )
            )
        try:
            # Read, not run: "{n:>1000000000}" or "{n.__class__}" would be Python's to carry out.
            fields = [
                field[1:] for field in string.Formatter().parse(self._texts.more) if field[1] is not None
            ]
            if any(field != ("n", "", None) for field in fields):
                raise ValueError(fields)
        except ValueError:
            where = texts.more.where
            problems.append(
                Problem(where.path, where.line, "'more' may use only {n}", "write {{ or }} for a brace")
            )
        if problems:
            raise ContentError(problems)

    def scan(self, text: str) -> RiskReport:
        return self.scanner.scan(text)

    def reply(self, report: RiskReport, operator: str | None, instead: str | None = None) -> Reply:
        """The verdict, its red flags and then what is official in the message (as many as fit in
        MAX_REPLY), the official way and where to report.

        `operator`: an operator id or a scope of the advice ("china"). `instead`: what is known of
        the channel the message is about, in place of the official way and where to report (both
        a tap away on the buttons).
        """
        texts = self._texts
        if report.takeover:
            steps = texts.takeover.get(operator) or texts.takeover.get(None)
            if steps:
                return Reply(steps, tuple(self._buttons), "scam_check")
        official_only = report.official_only and OFFICIAL in texts.levels
        level = texts.levels[OFFICIAL if official_only else report.level]
        advice = texts.advice.get(operator, texts.advice[None])
        if instead:
            tail = [instead]
        elif official_only:
            tail = [advice] if operator is not None and operator in texts.advice else []  # 96110 needs none
        else:
            tail = [advice] + ([texts.report] if report.risky else [])
        budget = MAX_REPLY - len("\n".join([level, texts.flags, texts.notes, *tail]))
        head = [level]
        # A low message's stray weak signal is no "problem" to list; what is official always shows.
        for heading, flags, shown in (
            (texts.flags, report.problems, report.risky),
            (texts.notes, report.notes, True),
        ):
            lines, budget = self._lines(flags, budget)
            if lines and shown:
                head += [heading, *lines]
        return Reply("\n".join([*head, *tail]), tuple(self._buttons), "scam_check")

    def guard_text(self, name: str) -> str | None:
        """One of the group guard's texts (GUARD_TEXTS); None when responses/_risk.yaml has none."""
        return self._texts.guard.get(name)

    def group_warning(self, report: RiskReport) -> str | None:
        """The guard's short reply under a 高 message in a group: the warning, the two strongest red
        flags (their links and handles defanged by the scanner) and the official way; None below 高."""
        warning = self._texts.guard.get("warning")
        if warning is None or report.level != "high":
            return None
        reasons = [BULLET + flag.reason for flag in _not_said_already(report.problems)[:GUARD_REASONS]]
        advice = self._texts.advice.get(report.operator or report.scope, self._texts.advice[None])
        return "\n".join([warning, *reasons, advice])

    @staticmethod
    def red_flags(report: RiskReport) -> tuple[str, ...]:
        """The red flags as the verdict lists them, each said once: what "为什么" repeats later."""
        return tuple(f.reason for f in _not_said_already(report.problems))

    def _lines(self, flags: tuple[Flag, ...], budget: int) -> tuple[list[str], int]:
        """One line per flag while they fit the budget, then how many were left out."""
        lines: list[str] = []
        flags = _not_said_already(flags)
        for number, flag in enumerate(flags):
            line = BULLET + flag.reason
            left = len(flags) - number - 1
            reserve = len(self._texts.more.format(n=left)) + 1 if left else 0
            if len(line) + 1 + reserve > budget:
                lines.append(self._texts.more.format(n=len(flags) - number))
                break
            lines.append(line)
            budget -= len(line) + 1
        return lines, budget

    def _fixed(self, level: str, operator: str | None) -> str:
        texts = self._texts
        advice = texts.advice.get(operator, texts.advice[None])
        return "\n".join([texts.levels[level], texts.flags, texts.notes, advice, texts.report])


def _not_said_already(flags: tuple[Flag, ...]) -> tuple[Flag, ...]:
    """Without a lighter flag whose evidence is only a part of what a heavier one shows ("usdt"
    beside "只收usdt", "tg" beside "联系tg"): it still counts toward the level, one line says it.
    The same evidence read two ways (a known handle, a Telegram handle) keeps both reasons."""
    kept: list[Flag] = []
    for flag in flags:
        pieces = flag.evidence.split(EVIDENCE_JOIN)
        if not any(
            all(any(p in q and p != q for q in other.evidence.split(EVIDENCE_JOIN)) for p in pieces)
            for other in kept
        ):
            kept.append(flag)
    return tuple(kept)


def _template(texts: RiskTexts, name: str, operator: str | None) -> Template:
    if name.startswith("guard."):
        return texts.guard[name.removeprefix("guard.")]
    if name.startswith("levels."):
        return texts.levels[name.removeprefix("levels.")]
    if name == "advice":
        return texts.advice.get(operator or "default", texts.advice["default"])
    if name == "takeover":
        return texts.takeover.get(operator or "default", texts.takeover["default"])
    if name == "notes" and texts.notes is not None:
        return texts.notes
    return texts.flags if name == "flags" else texts.report
