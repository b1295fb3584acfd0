"""`report`: the operator's records as a table, CSV, JSON or one self-contained HTML page.

What users typed is in it, so in every format a control character is written as its escape
(an ESC sequence would retitle or clear the operator's terminal, a bidi override reorder the
line), and in CSV a cell that a spreadsheet would read as a formula is written as text (OWASP).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from dataclasses import asdict
from typing import Any, TypeVar

import jinja2

from bot.store.report import Report

T = TypeVar("T")
# C0, DEL and C1 controls, and the invisible marks that reorder a line (bidi embeddings,
# overrides, isolates).
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# What makes a spreadsheet read a cell as a formula (OWASP, CSV injection); such a cell gets a '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def printable(value: T) -> T:
    """The report (or any part of it) with every control character in its text escaped."""
    if isinstance(value, str):
        return UNPRINTABLE.sub(_escaped, value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: printable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [printable(item) for item in value]  # type: ignore[return-value]
    return value


def inert(cell: object) -> object:
    """A CSV cell as a spreadsheet will not run it: text that starts a formula begins with '."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_START) else cell


def as_json(report: Report) -> str:
    data: dict[str, Any] = asdict(report)
    data["questions"] = report.questions
    data["fallback_rate"] = round(report.fallback_rate, 4)
    for day, row in zip(data["days"], report.days, strict=True):
        day["answered"] = row.answered
        day["fallback_rate"] = round(row.fallback_rate, 4)
    for day, verdicts in zip(data["verdicts"], report.verdicts, strict=True):
        day["total"] = verdicts.total
    return json.dumps(data, ensure_ascii=False, indent=2)


def as_csv(report: Report) -> str:
    """One table; the first column says which part of the report a row belongs to."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["part", "key", "count", "detail", "example", "closest_intent", "topup_channel"]

    def put(*cells: object) -> None:  # every row as wide as the header, so any reader takes it
        writer.writerow([inert(cell) for cell in cells] + [""] * (len(header) - len(cells)))

    writer.writerow(header)
    for day in report.days:
        detail = (
            f"answered {day.answered}, fallback {day.fallbacks} ({day.fallback_rate:.1%}), taps {day.taps}"
        )
        put("day", day.day, day.questions, detail)
    for intent, count in report.answers_per_intent.items():
        put("intent", intent, count)
    for group in report.unanswered:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(group.outcomes.items()))
        where = (group.closest_intent, group.topup_channel)
        put("unanswered", group.normalized, group.count, outcomes, group.example, *where)
    for channel, count in report.questions_per_topup_channel.items():
        put("topup_channel", channel, count)
    for operator, count in report.uncovered_operators.items():
        put("uncovered_operator", operator, count)
    for verdicts in report.verdicts:
        detail = f"high {verdicts.high}, medium {verdicts.medium}, low {verdicts.low}"
        put("verdicts", verdicts.day, verdicts.total, detail)
    for flag, count in report.verdict_flags.items():
        put("flag", flag, count)
    for r in report.reminders:
        detail = f"active {r.active}, sent {r.sent}, late {r.late}, done {r.done}, stopped {r.stopped}"
        put("reminders", r.operator, r.active, detail)
    for chat, count in report.guard_warnings.items():
        put("guard_warnings", chat, count)
    return out.getvalue()


def as_table(report: Report) -> str:
    lines = [
        f"{report.since} … {report.until}: {report.questions} questions, "
        f"fallback rate {report.fallback_rate:.1%}",
        "",
        "day          questions  answered  fallback",
    ]
    lines += [f"{d.day}  {d.questions:>9}  {d.answered:>8}  {d.fallback_rate:>8.1%}" for d in report.days]
    lines += ["", "answers per intent"]
    lines += [f"  {count:>6}  {intent}" for intent, count in report.answers_per_intent.items()]
    lines += ["", "questions not answered surely (count, text, the intent they came closest to)"]
    for group in report.unanswered:
        via = f" [{group.topup_channel}]" if group.topup_channel else ""
        lines.append(f"  {group.count:>6}  {group.example}{via}  → {group.closest_intent or '-'}")
    if report.questions_per_topup_channel or report.uncovered_operators:
        named = [f"{c} {n}" for c, n in report.questions_per_topup_channel.items()]
        uncovered = [f"{o} {n}" for o, n in report.uncovered_operators.items()]
        lines += [
            "",
            f"channels named: {', '.join(named) or '-'}",
            f"operators not covered: {', '.join(uncovered) or '-'}",
        ]
    lines += ["", "scam verdicts   high  medium     low"]
    lines += [f"{v.day}  {v.high:>6}  {v.medium:>6}  {v.low:>6}" for v in report.verdicts]
    if report.verdict_flags:
        lines.append("flags: " + ", ".join(f"{flag} {n}" for flag, n in report.verdict_flags.items()))
    lines += ["", "保号 reminders   active    sent    late  我充好了 after one  stopped"]
    lines += [
        f"{r.operator:<15}  {r.active:>6}  {r.sent:>6}  {r.late:>6}  {r.done:>19}  {r.stopped:>7}"
        for r in report.reminders
    ]
    if report.guard_warnings:
        lines += ["", "group guard warnings (group, count)"]
        lines += [f"  {chat}  {count:>6}" for chat, count in report.guard_warnings.items()]
    return "\n".join(lines) + "\n"


PAGE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<title>充值指南 report {{ r.since }} … {{ r.until }}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { padding: .2em .8em; border-bottom: 1px solid #ddd; }
td.n { text-align: right; } .ok { fill: #3a7; } .no { fill: #d54; } small { color: #666; }
</style></head><body>
<h1>充值指南: {{ r.since }} … {{ r.until }}</h1>
<p><b>{{ r.questions }}</b> questions,
fallback rate <b>{{ "%.1f"|format(r.fallback_rate * 100) }}%</b>.</p>
<h2>Answered and unanswered per day</h2>
{% set top = [r.days|map(attribute="questions")|max if r.days else 1, 1]|max %}
<svg width="{{ 40 + 28 * r.days|length }}" height="180" role="img"
 aria-label="answered and unanswered per day">
{% for d in r.days %}{% set x = 30 + 28 * loop.index0 %}
{% set h_ok = 140 * d.answered / top %}{% set h_no = 140 * d.unanswered / top %}
<rect class="ok" x="{{ x }}" y="{{ 150 - h_ok }}" width="20" height="{{ h_ok }}">
<title>{{ d.day }}: {{ d.answered }} answered</title></rect>
<rect class="no" x="{{ x }}" y="{{ 150 - h_ok - h_no }}" width="20" height="{{ h_no }}">
<title>{{ d.day }}: {{ d.unanswered }} unanswered</title></rect>
<text x="{{ x + 10 }}" y="168" font-size="9" text-anchor="middle">{{ d.day[5:] }}</text>
{% endfor %}</svg>
<p><small><svg width="10" height="10"><rect class="ok" width="10" height="10"/></svg> answered
<svg width="10" height="10"><rect class="no" width="10" height="10"/></svg>
unanswered (fallback, “你想问的是…”)</small></p>
<h2>Questions not answered surely</h2>
<p><small>Add the example to the intent it came closest to (or to a new intent).</small></p>
<table><tr><th>count</th><th>example (masked)</th><th>how it ended</th>
<th>closest intent <small>(channel named)</small></th></tr>
{% for u in r.unanswered %}<tr><td class="n">{{ u.count }}</td><td>{{ u.example }}</td>
<td>{% for k, v in u.outcomes|dictsort %}{{ k }} {{ v }} {% endfor %}</td>
<td>{{ u.closest_intent or "-" }}
{% if u.topup_channel %}<small>({{ u.topup_channel }})</small>{% endif %}</td></tr>
{% endfor %}</table>
<h2>Answers per intent</h2>
<p><small>Typed questions answered and intent buttons tapped.</small></p>
<table>{% for intent, count in r.answers_per_intent.items() %}
<tr><td class="n">{{ count }}</td><td>{{ intent }}</td></tr>{% endfor %}</table>
{% if r.questions_per_topup_channel or r.uncovered_operators %}<h2>Channels and operators named</h2>
<table>{% for channel, count in r.questions_per_topup_channel.items() %}
<tr><td class="n">{{ count }}</td><td>{{ channel }}</td></tr>{% endfor %}
{% for operator, count in r.uncovered_operators.items() %}
<tr><td class="n">{{ count }}</td><td>{{ operator }} <small>(not covered)</small></td></tr>{% endfor %}
</table>{% endif %}
<h2>Scam verdicts per day</h2>
<table><tr><th>day</th><th>高 high</th><th>中 medium</th><th>低 low</th></tr>
{% for v in r.verdicts %}<tr><td>{{ v.day }}</td><td class="n">{{ v.high }}</td>
<td class="n">{{ v.medium }}</td><td class="n">{{ v.low }}</td></tr>
{% endfor %}</table>
<h2>保号 reminders per operator</h2>
<p><small>Active and stopped (the chat could not be reached) now; sent, late and
“我充好了” tapped after one, in these days.</small></p>
<table><tr><th>operator</th><th>active</th><th>sent</th><th>late</th><th>我充好了 after one</th>
<th>stopped</th></tr>
{% for m in r.reminders %}<tr><td>{{ m.operator }}</td><td class="n">{{ m.active }}</td>
<td class="n">{{ m.sent }}</td><td class="n">{{ m.late }}</td><td class="n">{{ m.done }}</td>
<td class="n">{{ m.stopped }}</td></tr>
{% endfor %}</table>
{% if r.verdict_flags %}<p><small>Flags raised:
{% for flag, count in r.verdict_flags.items() %}{{ flag }} {{ count }}{{ ", " if not loop.last }}{% endfor %}
</small></p>{% endif %}
{% if r.guard_warnings %}<h2>Group guard warnings</h2>
<p><small>Warnings per group (its keyed hash); the messages are not kept.</small></p>
<table>{% for group, count in r.guard_warnings.items() %}
<tr><td class="n">{{ count }}</td><td>{{ group }}</td></tr>{% endfor %}</table>{% endif %}
</body></html>
"""
)


def as_html(report: Report) -> str:
    return PAGE.render(r=report)


def render(report: Report, form: str) -> str:
    return {"table": as_table, "csv": as_csv, "json": as_json, "html": as_html}[form](printable(report))
