"""A RiskReport as the bot's reply: the level, one line per red flag, what to do instead, where to report.

The fixed texts come from responses/_risk.yaml, rendered with the facts once at load; only the
red flags change per message, and they carry the user's links and handles defanged already.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.errors import ContentError, Problem
from bot.content.model import RiskTexts, Template
from bot.core.answers import Answers
from bot.core.conversation import Button, Reply
from bot.core.risk.scanner import RiskReport, Scanner

# Telegram shows this much at a glance; a longer warning is read less, not more.
MAX_REPLY = 600
# The fixed parts must leave room for at least this many characters of red flags.
ROOM_FOR_FLAGS = 160
BULLET = "· "


@dataclass(frozen=True)
class _Rendered:
    levels: dict[str, str]
    flags: str
    more: str
    advice: dict[str | None, str]  # operator id (None: the message names none) -> advice
    report: str


class RiskCheck:
    """The scanner and the texts together: what the conversation asks when a message may be a scam."""

    def __init__(self, scanner: Scanner, texts: RiskTexts, answers: Answers) -> None:
        self.scanner = scanner
        problems: list[Problem] = []
        operators = [choice.id for choice in answers.operators]

        def render(template_name: str, operator: str | None = None) -> str:
            template = _template(texts, template_name, operator)
            try:
                return answers.render(template, operator)
            except ContentError as exc:
                problems.extend(exc.problems)
                return ""

        self._texts = _Rendered(
            levels={level: render(f"levels.{level}") for level in texts.levels},
            flags=render("flags"),
            more=texts.more.source.strip(),
            advice={op: render("advice", op) for op in [None, *operators]},
            report=render("report"),
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
            self._texts.more.format(n=1)
        except (ValueError, KeyError, IndexError):
            where = texts.more.where
            problems.append(
                Problem(where.path, where.line, "'more' may use only {n}", "write {{ or }} for a brace")
            )
        if problems:
            raise ContentError(problems)

    def scan(self, text: str) -> RiskReport:
        return self.scanner.scan(text)

    def reply(self, report: RiskReport, operator: str | None, instead: str | None = None) -> Reply:
        """The verdict, its red flags (as many as fit in MAX_REPLY), the official way and where to report.

        `instead`: what is known of the channel the message is about, in place of the official way
        and where to report (both a tap away on the buttons).
        """
        texts = self._texts
        advice = texts.advice.get(operator, texts.advice[None])
        tail = [instead] if instead else [advice] + ([texts.report] if report.risky else [])
        fixed = "\n".join([texts.levels[report.level], texts.flags, *tail])
        budget = MAX_REPLY - len(fixed)
        lines: list[str] = []
        for number, flag in enumerate(report.flags):
            line = BULLET + flag.reason
            left = len(report.flags) - number - 1
            reserve = len(texts.more.format(n=left)) + 1 if left else 0
            if len(line) + 1 + reserve > budget:
                lines.append(texts.more.format(n=len(report.flags) - number))
                break
            lines.append(line)
            budget -= len(line) + 1
        heading = [texts.flags] if lines and report.risky else []
        head = [texts.levels[report.level], *heading, *lines]
        return Reply("\n".join([*head, *tail]), tuple(self._buttons), "scam_check")

    def _fixed(self, level: str, operator: str | None) -> str:
        texts = self._texts
        advice = texts.advice.get(operator, texts.advice[None])
        return "\n".join([texts.levels[level], texts.flags, advice, texts.report])


def _template(texts: RiskTexts, name: str, operator: str | None) -> Template:
    if name.startswith("levels."):
        return texts.levels[name.removeprefix("levels.")]
    if name == "advice":
        return texts.advice.get(operator or "default", texts.advice["default"])
    return texts.flags if name == "flags" else texts.report
