"""Step 4's material: every answer rendered from responses/*.yaml with Jinja2 when the bot loads.

Answers carry no per-user variables, so each (intent, operator, channel) is rendered once at load.
That makes a missing variable or a link off the allowlist a load error naming the file and
line, never a broken message at run time, and makes answering a dictionary look-up.
"""

from __future__ import annotations

import difflib
import re
import traceback
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.sandbox import SecurityError

from bot.content.errors import ContentError, Problem
from bot.content.model import Content, Entity, Fact, Response, Template, Where
from bot.core.replying.sandbox import WHAT_ANSWERS_USE, AnswerEnvironment, refusals
from bot.core.understanding.links import find_links

# Any @name in an answer is a handle (not only the 4-32 letters Telegram allows): the bot
# never sends people to a Telegram account. An e-mail's @ follows a letter and is not one.
HANDLE = re.compile(r"(?<![a-z0-9_.])@[a-z0-9_]{3,}", re.I)
# Templates put a space around a fact ("在 {{ op.app }} 里"); after a fact that ends in a
# full-width bracket the space only shows as a gap ("…名称） 里"), so it goes.
BRACKET_SPACE = re.compile(r"(?<=[）」』”]) (?=[\u4e00-\u9fff])")

# An answer's key: (intent, operator or None, channel or None).
Key = tuple[str, str | None, str | None]
# In a channel variant, the answer for every operator without an entry of its own.
DEFAULT = "default"

# What a user can type with a slash, in every adapter; each has a description in _ui.yaml.
COMMANDS = ("start", "menu", "help", "operator", "reset", "check", "privacy", "forget", "remind", "reminders")
# The texts of the conversation itself (_ui.yaml), each with sample values of the variables it
# may use; the samples render every text once at load, so a wrong name fails then.
UI_TEXTS: dict[str, dict[str, str]] = {
    "ask_operator": {},
    "clarify": {},
    "not_covered": {"operator": "Globe"},
    "numbers_not_needed": {},
    "other_operators": {"operators": "中国电信"},
    "change_operator": {},
    "operator_chosen": {"operator": "Smart"},
    "place_noted": {"place": "在菲律宾以外"},
    "operator_forgotten": {},
    "stale_button": {},
    "not_text": {},
    "empty": {},
    "rate_limited": {},
    "error": {},
    "privacy": {"days": "30"},
    "forgotten": {},
    "check_how": {},
    "verdict_why": {},
    "verdict_why_end": {},
    "verdict_why_none": {},
    "verdict_next": {"topic": "被骗了怎么办"},
    "why_answer": {"topic": "保号"},
    "follow_up_price": {"topic": "保号"},
    "follow_up_next": {"topic": "保号"},
    "follow_up_unclear": {"topic": "保号"},
    "follow_up_again": {"topic": "保号"},
    "follow_up_same_place": {"topic": "保号", "place": "在菲律宾以外"},
    "still_which_operator": {"topic": "保号"},
    "second_question": {"topic": "保号"},
    # 保号提醒 (bot/core/replying/reminders.py, the adapters' reminder messages and lists)
    "remind_button": {},
    "remind_which_card": {},
    "remind_name": {"operator": "Smart"},
    "remind_no_number": {},
    "remind_bad_name": {"most": "20"},
    "remind_last": {"card": "菲律宾卡"},
    "remind_last_today": {},
    "remind_last_unknown_button": {},
    "remind_last_unknown": {"today": "2026-12-07"},
    "remind_last_not_known": {},
    "remind_date_unreadable": {},
    "remind_date_impossible": {"said": "2026-02-30"},
    "remind_date_future": {"day": "2026-12-25"},
    "remind_date_which": {"said": "7/12"},
    "remind_rule": {
        "operator": "Smart",
        "rule": "· 充值的 load 有效期为充值起一年（来源：dti[.]gov[.]ph，核对于 2026-11-24）",
        "last": "2026-12-07",
        "due": "2027-12-07",
    },
    "remind_fact": {"fact": "余额归零后 120 天", "source": "smart.com.ph", "reviewed": "2026-11-25"},
    "remind_rule_button": {"due": "2027-12-07"},
    "remind_no_rule": {"operator": "中国移动"},
    "remind_every_button": {"months": "3"},
    "remind_confirm": {
        "card": "菲律宾卡",
        "operator": "Smart",
        "last": "2026-12-07",
        "due": "2027-12-07",
        "dates": "2027-11-07、2027-11-30、2027-12-06",
        "hour": "10",
    },
    "remind_no_dates": {},
    "remind_hour_button": {"hour": "10"},
    "remind_save": {},
    "remind_quit": {},
    "remind_night": {},
    "remind_saved": {},
    "remind_not_set": {},
    "remind_due": {"card": "菲律宾卡", "operator": "Smart", "due": "2027-12-07", "days": "7"},
    "remind_due_past": {"card": "菲律宾卡", "operator": "Smart", "due": "2027-12-07"},
    "remind_late": {"planned": "2027-11-30 10:00"},
    "remind_done_button": {},
    "remind_later_button": {},
    "remind_stop_button": {},
    "remind_done": {"today": "2026-12-07", "due": "2027-12-07"},
    "remind_later": {"day": "2026-12-14"},
    "remind_stopped": {"card": "菲律宾卡"},
    "remind_list": {},
    "remind_list_empty": {},
    "remind_list_item": {"card": "菲律宾卡", "operator": "Smart", "due": "2027-12-07", "hour": "10"},
    "remind_list_stopped": {"card": "菲律宾卡", "operator": "Smart", "due": "2027-12-07"},
    "remind_cancel_button": {"card": "菲律宾卡"},
    "remind_cancelled": {"card": "菲律宾卡"},
    "remind_gone": {},
    "remind_terminal_due": {},
    "not_confirmed_ask": {"op": "smart", "place": "outside_philippines"},
    "other_reading": {"topic": "保号"},
    "left_out": {"things": "GCash"},
    "for_someone": {"person": "家人", "place": "在菲律宾"},
    "means_not_confirmed": {"means": "PayPal", "op": ""},
    "victim_lead": {},
    "victim_after_cn": {"reported": ""},
    "victim_after_ph": {},
    "victim_abroad_cn": {},
    "victim_paid_from_china": {},
    "victim_pay_again": {},
    "victim_then_verdict": {"level": "高"},
    **{f"command_{name}": {} for name in COMMANDS},
}


def host_allowed(host: str, allowlist: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in allowlist)


def off_allowlist(text: str, allowlist: tuple[str, ...]) -> list[str]:
    """Links and handles in text that the bot may not offer.

    Read after NFKC, as a browser would: evil-topup．xyz (a full-width dot) is evil-topup.xyz.
    """
    text = unicodedata.normalize("NFKC", text)
    links = find_links(text, tlds=None)
    bad = [link.text for link in links if link.kind != "handle" and not host_allowed(link.host, allowlist)]
    return bad + [m.group(0) for m in HANDLE.finditer(text)]


def _line_naming(template: Template, error: str) -> int:
    """The line of the template that uses the unknown name Jinja complains about."""
    match = re.search(r"attribute '(\w+)'|'(\w+)' is undefined", error)
    name = next((g for g in match.groups() if g), None) if match else None
    for offset, line in enumerate(template.source.splitlines()):
        if name and name in line:
            return template.where.line + offset
    return template.where.line


def _running_line(exc: BaseException) -> int:
    """The template's line that was running when it failed (Jinja names its frames <template>)."""
    lines = [
        frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"
    ]
    return (lines[-1] or 1) if lines else 1


@dataclass(frozen=True)
class OperatorChoice:
    id: str
    label: str


class Answers:
    def __init__(self, content: Content) -> None:
        self._content = content
        # Sandboxed, and every template read before it runs (sandbox.py): a template is the
        # operator's YAML, rendered inside the bot's process.
        self._env = AnswerEnvironment()
        # One compiled template per source: most answers are one text rendered for every operator,
        # channel and place, and compiling is most of the start-up's rendering time.
        self._compiled: dict[str, jinja2.Template] = {}
        problems: list[Problem] = []
        self._check_facts(problems)
        self._check_titles(problems)
        shared = {name: fact for name, fact in content.facts.get("shared", {}).items()}
        views = {op_id: self._operator_view(op_id) for op_id in content.operators}
        base = {"shared": shared, "operators": views}
        self._rendered: dict[Key, str] = {}
        self._templates: dict[Key, Template] = {}
        self._more: dict[str, str] = {}
        self._base, self._views = base, views
        # (intent, operator, "place:<id>" or "detail:<id>"): the variant for that place or detail
        self._by_facet: dict[Key, str] = {}
        # A detail is answered where it is written even when the question was read as another
        # topic ("Smart卡掉了怎么补卡" may be read as 停机复机 or 客服): detail id -> that intent.
        self._detail_home = {d: r.intent for r in reversed(content.responses.values()) for d in r.details}
        for response in content.responses.values():
            if not response.needs_operator and response.text is not None:
                self._render_into(problems, (response.intent, None, None), response.text, base)
            for op_id, view in views.items():
                template = response.variants.get(op_id, response.text)
                if template is not None:
                    context = {**base, "op": view}
                    self._render_into(problems, (response.intent, op_id, None), template, context)
            self._render_facet(problems, response, base, views, "channel")
            self._render_facet(problems, response, base, views, "place")
            self._render_facet(problems, response, base, views, "detail")
            self._render_facet(problems, response, base, views, "situation")
            if response.more is not None:
                more = self._compile(problems, response.more.text)
                if more is not None and (text := self._check(problems, response.more.text, more, base)):
                    self._more[response.intent] = BRACKET_SPACE.sub("", text)
            for op_id in response.variants:
                if op_id not in content.operators:
                    problems.append(
                        Problem(
                            response.where.path,
                            response.variants[op_id].where.line - 1,
                            f"variant for unknown operator '{op_id}'",
                            f"use one of: {', '.join(content.operators)}",
                        )
                    )
            if response.needs_operator and response.text is None:
                for op_id in content.operators.keys() - response.variants.keys():
                    problems.append(
                        Problem(
                            response.where.path,
                            response.where.line,
                            f"no answer for operator '{op_id}'",
                            f"add a 'text:' for all operators or a variant '{op_id}:'",
                        )
                    )
        self._ui: dict[str, jinja2.Template] = {}
        missing = UI_TEXTS.keys() - content.ui.texts.keys()
        for name, template in content.ui.texts.items():
            if name not in UI_TEXTS:
                close = difflib.get_close_matches(name, sorted(missing), n=1)
                missing -= set(close)
                fix = f"did you mean '{close[0]}'?" if close else f"the texts are: {', '.join(UI_TEXTS)}"
                problems.append(
                    Problem(template.where.path, template.where.line - 1, f"unknown text '{name}'", fix)
                )
                continue
            compiled = self._compile(problems, template)
            if compiled is not None:
                self._ui[name] = compiled
                self._check(problems, template, compiled, {**base, **UI_TEXTS[name]})
        for name in sorted(missing):
            problems.append(
                Problem(
                    content.ui.where.path,
                    content.ui.where.line,
                    f"the text '{name}' is missing",
                    f"add '{name}: |' under texts",
                )
            )
        if problems:
            # A template rendered for each operator fails once per operator: say it once.
            raise ContentError(list(dict.fromkeys(problems)))

    def _render_facet(
        self,
        problems: list[Problem],
        response: Response,
        base: dict[str, Any],
        views: dict[str, dict[str, Any]],
        kind: str,
    ) -> None:
        """Each channel (place, detail) variant for each operator: its own entry, else `default`.

        An answer that needs no operator also gets the `default` rendered without one.
        """
        situations = self._content.situation.ids() if self._content.situation else {}
        facets: dict[str, tuple[dict[str, dict[str, Template]], dict[str, Where], Mapping[str, Entity]]] = {
            "channel": (response.channels, response.channel_where, self._content.channels),
            "place": (response.places, response.place_where, self._content.places),
            "detail": (response.details, response.detail_where, self._content.details),
            "situation": (response.situations, response.situation_where, situations),
        }
        table_of, where_of, known = facets[kind]
        # Channel variants sit beside the operator answers (their key's last part is the channel);
        # places and details have their own table, their key's last part "place:<id>".
        into, prefix = (None, "") if kind == "channel" else (self._by_facet, f"{kind}:")
        for facet, table in table_of.items():
            where = where_of[facet]
            if facet not in known:
                close = difflib.get_close_matches(facet, sorted(known), n=1)
                fix = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(known)}"
                problems.append(Problem(where.path, where.line, f"variant for unknown {kind} '{facet}'", fix))
                continue
            for key, template in table.items():
                if key != DEFAULT and key not in self._content.operators:
                    problems.append(
                        Problem(
                            template.where.path,
                            template.where.line - 1,
                            f"{kind} variant '{facet}' names unknown operator '{key}'",
                            f"use 'default' or one of: {', '.join(self._content.operators)}",
                        )
                    )
            key = prefix + facet
            if not response.needs_operator and DEFAULT in table:
                self._render_into(problems, (response.intent, None, key), table[DEFAULT], base, into)
            for op_id, view in views.items():
                chosen = table.get(op_id, table.get(DEFAULT))
                if chosen is not None:
                    context = {**base, "op": view}
                    self._render_into(problems, (response.intent, op_id, key), chosen, context, into)

    def _check_facts(self, problems: list[Problem]) -> None:
        for scope in self._content.facts:
            if scope != "shared" and scope not in self._content.operators:
                fact = next(iter(self._content.facts[scope].values()), None)
                line = fact.where.line - 1 if fact else 0
                path = fact.where.path if fact else self._content.ui.where.path
                problems.append(
                    Problem(
                        path,
                        line,
                        f"facts for unknown operator '{scope}'",
                        f"use 'shared' or one of: {', '.join(self._content.operators)}",
                    )
                )
        for op_id, op in self._content.operators.items():
            if op_id not in self._content.facts:
                problems.append(
                    Problem(
                        op.where.path,
                        op.where.line,
                        f"operator '{op_id}' has no facts",
                        f"add a '{op_id}:' section to responses/_facts.yaml",
                    )
                )

    def _where_written(self, template: Template, link: str) -> Where:
        """The line that holds a link: in the template, else in the fact that put it there."""
        host = re.sub(r"^https?://", "", link, flags=re.I).split("/")[0]
        for needle in (link, host):
            for offset, line in enumerate(template.source.splitlines()):
                if needle in unicodedata.normalize("NFKC", line):
                    return Where(template.where.path, template.where.line + offset)
            for facts in self._content.facts.values():
                for fact in facts.values():
                    if needle in unicodedata.normalize("NFKC", fact.value):
                        return fact.where
        return template.where

    def _check_titles(self, problems: list[Problem]) -> None:
        """A title is a button's label: a link or handle there would be one the user can tap."""
        for response in self._content.responses.values():
            for bad in off_allowlist(response.title, ()):
                problems.append(
                    Problem(
                        response.title_where.path,
                        response.title_where.line,
                        f"the title holds the link or handle '{bad}'",
                        "a title is a button's label: words only (links go in the text, from the allowlist)",
                    )
                )

    def _operator_view(self, op_id: str) -> dict[str, Any]:
        return {
            "id": op_id,
            "label": self._content.operators[op_id].label,
            **self._content.facts.get(op_id, {}),
        }

    def _compile(self, problems: list[Problem], template: Template) -> jinja2.Template | None:
        if (known := self._compiled.get(template.source)) is not None:
            return known
        try:
            tree = self._env.parse(template.source)
            refused = [
                Problem(template.where.path, template.where.line + line - 1, message, fix)
                for line, message, fix in refusals(tree)
            ]
            if refused:
                problems.extend(refused)
                return None
            compiled = self._compiled[template.source] = self._env.from_string(tree)
            return compiled
        except jinja2.TemplateSyntaxError as exc:
            line = template.where.line + (exc.lineno or 1) - 1
            problems.append(
                Problem(
                    template.where.path,
                    line,
                    f"template error: {exc.message}",
                    "close every {{ }} and {% %} and check the names inside",
                )
            )
            return None

    def _check(
        self, problems: list[Problem], template: Template, compiled: jinja2.Template, context: dict[str, Any]
    ) -> str | None:
        try:
            text = self._env.render(compiled, context).strip()
        except jinja2.UndefinedError as exc:
            problems.append(
                Problem(
                    template.where.path,
                    _line_naming(template, str(exc)),
                    f"template uses an unknown name: {exc}",
                    "use a fact defined in responses/_facts.yaml (op.<name> or shared.<name>)",
                )
            )
            return None
        except SecurityError as exc:  # refused by the sandbox or its budget (sandbox.py) while it ran
            problems.append(
                Problem(
                    template.where.path,
                    template.where.line + (getattr(exc, "line", None) or _running_line(exc)) - 1,
                    f"template refused: {exc}",
                    f"{WHAT_ANSWERS_USE}; write the text out",
                )
            )
            return None
        except Exception as exc:  # any other template runtime error is the operator's to fix
            problems.append(
                Problem(
                    template.where.path,
                    template.where.line,
                    f"template fails: {exc}",
                    "simplify the template expression",
                )
            )
            return None
        for bad in off_allowlist(text, self._content.allowlist):
            where = self._where_written(template, bad)
            problems.append(
                Problem(
                    where.path,
                    where.line,
                    f"the answer links to '{bad}', which is not on the allowlist",
                    "link only to domains in responses/_allowlist.yaml (and never to a handle)",
                )
            )
        if not text:
            problems.append(
                Problem(template.where.path, template.where.line, "the answer is empty", "write the answer")
            )
        return text

    def _render_into(
        self,
        problems: list[Problem],
        key: Key,
        template: Template,
        context: dict[str, Any],
        into: dict[Key, str] | None = None,
    ) -> None:
        compiled = self._compile(problems, template)
        if compiled is not None and (text := self._check(problems, template, compiled, context)):
            (self._rendered if into is None else into)[key] = BRACKET_SPACE.sub("", text)
            self._templates[key] = template

    def render(self, template: Template, operator: str | None) -> str:
        """Another module's template (the scam-risk texts) with the facts, checked like an answer."""
        problems: list[Problem] = []
        context = {**self._base, "op": self._views[operator]} if operator else self._base
        compiled = self._compile(problems, template)
        text = self._check(problems, template, compiled, context) if compiled is not None else None
        if problems or text is None:
            raise ContentError(problems)
        return BRACKET_SPACE.sub("", text)

    # ---- what the conversation asks for -------------------------------------------------------

    def has(self, intent: str) -> bool:
        return intent in self._content.responses

    def needs_operator(self, intent: str) -> bool:
        return self._content.responses[intent].needs_operator

    def text(
        self,
        intent: str,
        operator: str | None,
        channel: str | None = None,
        place: str | None = None,
        detail: str | None = None,
    ) -> str:
        """The most specific answer there is: for the narrower question asked (detail), else for
        the channel named, else for the place the user is in, else for the operator, else the
        general one. A channel's answer says where it works ("在日本的便利店" gets: Smart cards
        are sold in the Philippines, and the routes from abroad)."""
        rendered = self._rendered
        if detail is not None:
            home = self._detail_home.get(detail)
            for candidate in (intent, home) if home else (intent,):
                if found := self._facet(candidate, operator, f"detail:{detail}"):
                    return found
        owner = self.channel_owner(intent, channel)
        if owner is not None and (found := rendered.get((owner, operator, channel))):
            return found
        if place is not None and (found := self._facet(intent, operator, f"place:{place}")):
            return found
        return rendered.get((intent, operator, None)) or rendered[(intent, None, None)]

    def _facet(self, intent: str, operator: str | None, key: str) -> str | None:
        """A place's or detail's variant: the intent's own, else the one channel_answers_from names."""
        source = self._content.responses[intent].channel_answers_from
        for owner in (intent, source) if source else (intent,):
            if found := self._by_facet.get((owner, operator, key)) or self._by_facet.get((owner, None, key)):
                return found
        return None

    def channel_owner(self, intent: str, channel: str | None) -> str | None:
        """The intent whose variant answers a question about this channel: its own, or the one
        named by channel_answers_from; None when the general answer stands."""
        if channel is None:
            return None
        response = self._content.responses[intent]
        if channel in response.channels:
            return intent
        source = response.channel_answers_from
        return source if source and channel in self._content.responses[source].channels else None

    def every_text(self) -> Iterator[tuple[Key, str, Template]]:
        """Every rendered answer with the template it came from (for checks and tests); a place's
        or detail's variant has "place:<id>" or "detail:<id>" as its key's last part."""
        for key, text in (*self._rendered.items(), *self._by_facet.items()):
            yield key, text, self._templates[key]

    def more(self, intent: str) -> str | None:
        """The second part of a long answer, shown behind a button, if it has one."""
        return self._more.get(intent)

    def more_title(self, intent: str) -> str | None:
        more = self._content.responses[intent].more
        return more.title if more else None

    @property
    def details(self) -> dict[str, str]:
        """Each detail's id and label."""
        return {d.id: d.label for d in self._content.details.values()}

    @property
    def facts(self) -> dict[str, dict[str, Fact]]:
        """Every fact the answers print, by scope ('shared' or an operator id) and name."""
        return self._content.facts

    @property
    def places(self) -> dict[str, str]:
        """Each place's id and label."""
        return {p.id: p.label for p in self._content.places.values()}

    @property
    def channels(self) -> dict[str, str]:
        """Each channel's id and label."""
        return {c.id: c.label for c in self._content.channels.values()}

    def title(self, intent: str) -> str:
        return self._content.responses[intent].title

    def buttons(self, intent: str) -> tuple[str, ...]:
        return self._content.responses[intent].buttons

    def ui(self, name: str, **variables: str) -> str:
        """One of the conversation's own texts; it may print facts ({{ shared.police_cn }})."""
        return self._ui[name].render({**self._base, **variables}).strip()

    def situation_text(self, intent: str, operator: str | None, situation: str) -> str | None:
        """The answer's variant for someone in that situation (`situations:`), if it has one."""
        return self._facet(intent, operator, f"situation:{situation}")

    @property
    def follow_ups(self) -> dict[str, tuple[str, ...]]:
        """The words of each kind of follow-up (_ui.yaml `follow_ups:`)."""
        return self._content.ui.follow_ups

    def has_detail(self, intent: str, operator: str | None, detail: str) -> bool:
        """The intent itself (not another that writes the detail) answers this narrower question."""
        key = f"detail:{detail}"
        return (intent, operator, key) in self._by_facet or (intent, None, key) in self._by_facet

    @property
    def commands(self) -> dict[str, str]:
        """Each command's one-line description."""
        return {name: self.ui(f"command_{name}") for name in COMMANDS}

    @property
    def texts(self) -> list[str]:
        """Every rendered answer (for the numbers they print, which are nobody's secret)."""
        return list(self._rendered.values())

    @property
    def menu(self) -> tuple[str, ...]:
        return self._content.ui.menu

    @property
    def operators(self) -> tuple[OperatorChoice, ...]:
        return tuple(OperatorChoice(op.id, op.label) for op in self._content.operators.values())

    def operator_label(self, op_id: str) -> str:
        return self._content.operators[op_id].label

    def fact(self, scope: str, name: str) -> Fact | None:
        """A checked fact with its source and review date (responses/_facts.yaml), or None."""
        return self._content.facts.get(scope, {}).get(name)

    @property
    def allowlist(self) -> tuple[str, ...]:
        return self._content.allowlist

    @property
    def official_numbers(self) -> tuple[str, ...]:
        """Every number the content itself gives (hotlines, codes): not the user's own when pasted."""
        texts = [f.value for facts in self._content.facts.values() for f in facts.values()]
        texts += [w for op in self._content.operators.values() for w in (*op.names, *op.hints)]
        return tuple(m.group(0) for text in texts for m in re.finditer(r"\+?\d[\d\s-]{3,}\d", text))

    def uncovered_label(self, op_id: str) -> str:
        """The label of an operator the bot does not cover (Globe, csl…)."""
        return self._content.uncovered[op_id].label
