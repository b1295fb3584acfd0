"""Loads intents/ and responses/ into Content, collecting every problem with its file, line and fix."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bot.content.errors import ContentError, Problem
from bot.content.model import (
    Act,
    Channel,
    Content,
    Detail,
    Entity,
    Fact,
    Intent,
    Lexicon,
    More,
    Operator,
    Place,
    Response,
    SituationRules,
    Template,
    Ui,
    UncoveredOperator,
    Weighted,
    Where,
)
from bot.content.risk import load_risk
from bot.content.yaml_file import YamlFile, load_file, required_file
from bot.content.yamlsource import Node

E = TypeVar("E", bound=Entity)
INTENT_ID = re.compile(r"^[a-z][a-z0-9_]*$")
MIN_EXAMPLES = 30
# More examples than this in one intent (the largest has under 100), or in all of them, is a
# paste gone wrong: the model learns from every one at each start.
MAX_EXAMPLES = 1000
MAX_ALL_EXAMPLES = 20_000
# The kinds of follow-up _ui.yaml may list words for (bot/core/replying/follow_up.py says what each does).
FOLLOW_UP_KINDS = ("why", "next", "price", "marks")


def _weighted_map(file: YamlFile, node: Node, key: str, what: str) -> list[Weighted]:
    value = node.get(key)
    if value is None:
        return []
    mapping = file.mapping(value, node.line_of(key), f"'{key}' of {what}")
    if mapping is None:
        return []
    out = []
    for phrase, weight in mapping.items():
        number = file.number(weight, mapping.line_of(phrase), f"the weight of '{phrase}'")
        if number is not None:
            out.append(Weighted(phrase, number, file.where(mapping.line_of(phrase))))
    return out


def _patterns(file: YamlFile, node: Node, key: str, what: str) -> list[Weighted]:
    out = []
    for item, line in file.items(node, key, what, "'- regex: ...'"):
        entry = file.mapping(item, line, f"an entry of '{key}'")
        if entry is None or not file.keys(entry, {"regex", "weight"}, {"unless"}, f"an entry of '{key}'"):
            continue
        compiled = file.regex(str(entry["regex"]), entry.line_of("regex"))
        unless = file.regex(str(entry["unless"]), entry.line_of("unless")) if "unless" in entry else None
        weight = file.number(entry["weight"], entry.line_of("weight"), "the weight")
        if compiled is not None and weight is not None and ("unless" not in entry or unless is not None):
            out.append(Weighted(str(entry["regex"]), weight, file.where(line), compiled, unless))
    return out


def _intent(path: Path, problems: list[Problem]) -> Intent | None:
    file, node = load_file(path, problems)
    if node is None:
        return None
    what = f"intent file {path.name}"
    if not file.keys(node, {"intent", "description", "examples"}, {"keywords", "patterns"}, what):
        return None
    intent_id = file.text(node, "intent", what)
    description = file.text(node, "description", what)
    if intent_id is None or description is None:
        return None
    if not INTENT_ID.match(intent_id):
        file.problem(
            node.line_of("intent"), f"intent id '{intent_id}' is not lower_snake_case", "use a-z, 0-9, _"
        )
        return None
    if path.stem != intent_id:
        file.problem(
            node.line_of("intent"),
            f"intent '{intent_id}' lives in {path.name}",
            f"rename the file to {intent_id}.yaml",
        )
    examples = file.texts(node, "examples", what)
    if len(examples) > MAX_EXAMPLES:
        file.problem(
            node.line_of("examples"),
            f"intent '{intent_id}' has {len(examples)} examples, more than {MAX_EXAMPLES}",
            f"keep the {MAX_EXAMPLES} most varied examples; more slow every start and teach little",
        )
        return None
    if len(examples) < MIN_EXAMPLES:
        file.problem(
            node.line_of("examples"),
            f"intent '{intent_id}' has {len(examples)} examples, fewer than {MIN_EXAMPLES}",
            f"add varied examples until there are at least {MIN_EXAMPLES}",
        )
    return Intent(
        id=intent_id,
        description=description,
        examples=tuple(text for text, _ in examples),
        example_where=tuple(file.where(line) for _, line in examples),
        keywords=tuple(_weighted_map(file, node, "keywords", what)),
        patterns=tuple(_patterns(file, node, "patterns", what)),
        where=file.where(node.line),
    )


def _entities(
    path: Path,
    problems: list[Problem],
    kind: type[E],
    table_key: str,
    noun: str,
    beside: frozenset[str] = frozenset(),
) -> dict[str, E]:
    """Operators or channels: the same shape (label, names, hints, look-alikes) under one top key;
    `beside` are the other top keys the file may hold (read by their own loaders)."""
    file, node = load_file(path, problems)
    if node is None or not file.keys(node, {table_key}, set(beside), path.name):
        return {}
    return _entity_table(file, node, kind, table_key, noun)


def _entity_table(
    file: YamlFile, node: Node, kind: type[E], table_key: str, noun: str, extra: frozenset[str] = frozenset()
) -> dict[str, E]:
    """`extra`: keys an entry may hold beyond an entity's, read by the caller (an act's verbs)."""
    table = file.mapping(node[table_key], node.line_of(table_key), f"'{table_key}'")
    if table is None:
        return {}
    out: dict[str, E] = {}
    for entity_id, body in table.items():
        what = f"{noun} '{entity_id}'"
        entry = file.mapping(body, table.line_of(entity_id), what)
        optional = {"hints", "lookalikes", "outranks", "places", *extra}
        if entry is None or not file.keys(entry, {"label", "names"}, optional, what):
            continue
        if not INTENT_ID.match(entity_id):
            line = table.line_of(entity_id)
            file.problem(line, f"{noun} id '{entity_id}' is not lower_snake_case", "use a-z, 0-9, _")
            continue
        label = file.text(entry, "label", what)
        names = file.texts(entry, "names", what)
        if not names:
            file.problem(entry.line_of("names"), f"{what} has no names", "list the names people use for it")
        if label is not None:
            out[entity_id] = kind(
                entity_id,
                label,
                tuple(n for n, _ in names),
                tuple(n for n, _ in file.texts(entry, "hints", what)),
                tuple(n for n, _ in file.texts(entry, "lookalikes", what)),
                file.where(entry.line),
                tuple(n for n, _ in file.texts(entry, "outranks", what)),
                tuple(n for n, _ in file.texts(entry, "places", what)),
            )
    for entity in out.values():
        for other in entity.outranks:
            if other not in out:
                line = table[entity.id].line_of("outranks")
                message = f"{noun} '{entity.id}' outranks unknown {noun} '{other}'"
                file.problem(line, message, f"use one of: {', '.join(out)}")
    return out


def _drop_regexes(file: YamlFile, node: Node, key: str) -> tuple[Weighted, ...]:
    """Regexes with a (?P<drop>...) group: the part of the text they match is left out."""
    out = []
    for text, line in file.texts(node, key, file.path.name):
        compiled = file.regex(text, line)
        if compiled is not None and "drop" not in compiled.groupindex:
            file.problem(
                line,
                f"an entry of '{key}' has no (?P<drop>...) group",
                "wrap the part to ignore in (?P<drop>...)",
            )
        elif compiled is not None:
            out.append(Weighted(text, 0.0, file.where(line), compiled))
    return tuple(out)


def _words(file: YamlFile, node: Node, key: str, what: str) -> tuple[str, ...]:
    """A required, non-empty list of words."""
    words = tuple(w for w, _ in file.texts(node, key, what))
    if not words and key in node:
        file.problem(node.line_of(key), f"'{key}' of {what} is empty", f"list the words of '{key}'")
    return words


def _situation(path: Path, problems: list[Problem]) -> SituationRules | None:
    """intents/_situation.yaml: what a message tells of the user's situation (see its comments)."""
    file, node = load_file(path, problems)
    if node is None or not file.keys(node, {"done", "lacks", "means", "number", "people"}, set(), path.name):
        return None
    sections = ("done", "lacks", "people")
    parts = {key: file.mapping(node[key], node.line_of(key), f"'{key}'") for key in sections}
    done, lacks, people = parts["done"], parts["lacks"], parts["people"]
    if done is None or lacks is None or people is None:
        return None
    optional = {"hypotheticals", "pay_again"}
    ok = file.keys(done, {"marks", "asks", "negations", "scam_words", "acts"}, optional, "'done'")
    ok = file.keys(lacks, {"refusals", "things"}, {"broken"}, "'lacks'") and ok
    ok = file.keys(people, {"owner_marks", "who"}, set(), "'people'") and ok
    if not ok:
        return None
    acts = _entity_table(file, done, Act, "acts", "act", frozenset({"verbs", "needs", "instead_of"}))
    table = done["acts"]

    def words_of(key: str) -> dict[str, tuple[str, ...]]:
        """Each act's `verbs`, `needs` or `instead_of`, for the acts that list them."""
        return {
            act_id: tuple(w for w, _ in file.texts(table[act_id], key, f"act '{act_id}'"))
            for act_id in acts
            if isinstance(table, Node) and isinstance(table.get(act_id), Node) and key in table[act_id]
        }

    instead_of = words_of("instead_of")
    for act_id, others in instead_of.items():
        for other in others:
            if other not in acts:
                line = table[act_id].line_of("instead_of") if isinstance(table[act_id], Node) else table.line
                known = ", ".join(acts)
                wrong = f"act '{act_id}': instead_of names '{other}', not an act"
                file.problem(line, wrong, f"use one of: {known}")

    return SituationRules(
        acts=acts,
        act_verbs=words_of("verbs"),
        act_needs=words_of("needs"),
        act_instead_of=instead_of,
        done_marks=_words(file, done, "marks", "'done'"),
        asks=_words(file, done, "asks", "'done'"),
        hypotheticals=_words(file, done, "hypotheticals", "'done'") if "hypotheticals" in done else (),
        pay_again=_words(file, done, "pay_again", "'done'") if "pay_again" in done else (),
        negations=_words(file, done, "negations", "'done'"),
        scam_words=_words(file, done, "scam_words", "'done'"),
        refusals=_words(file, lacks, "refusals", "'lacks'"),
        broken=_words(file, lacks, "broken", "'lacks'") if "broken" in lacks else (),
        lacks=_entity_table(file, lacks, Entity, "things", "thing"),
        means=_entity_table(file, node, Entity, "means", "means"),
        number=_entity_table(file, node, Entity, "number", "number state"),
        people=_entity_table(file, people, Entity, "who", "person"),
        owner_marks=_words(file, people, "owner_marks", "'people'"),
        where=file.where(node.line),
    )


# _operators.yaml: the covered operators, and beside them the uncovered ones and the corrections.
OPERATOR_EXTRAS = frozenset({"not_covered", "corrections"})


def _operator_extras(
    path: Path, problems: list[Problem], covered: dict[str, Operator]
) -> tuple[dict[str, UncoveredOperator], tuple[Weighted, ...]]:
    file, node = load_file(path, problems)
    if node is None:
        return {}, ()
    uncovered: dict[str, UncoveredOperator] = {}
    if "not_covered" in node:
        uncovered = _entity_table(file, node, UncoveredOperator, "not_covered", "uncovered operator")
        for op_id in uncovered.keys() & covered.keys():
            line = node["not_covered"].line_of(op_id)
            file.problem(
                line, f"'{op_id}' is both covered and not covered", "keep it in one of the two lists"
            )
    return uncovered, _drop_regexes(file, node, "corrections")


def _lexicon(path: Path, problems: list[Problem]) -> Lexicon:
    file, node = load_file(path, problems)
    empty = Lexicon({}, (), (), file.where(0))
    if node is None or not file.keys(
        node, set(), {"replacements", "negations", "words", "unrelated", "card_words"}, path.name
    ):
        return empty
    replacements: dict[str, str] = {}
    table = node.get("replacements")
    if table is not None and (mapping := file.mapping(table, node.line_of("replacements"), "'replacements'")):
        for wrong, right in mapping.items():
            if isinstance(right, str) and right.strip():
                replacements[wrong] = right.strip()
            else:
                file.problem(
                    mapping.line_of(wrong),
                    f"'{wrong}' is replaced by nothing",
                    "write the word it stands for",
                )
    negations = []
    for text, line in file.texts(node, "negations", path.name):
        compiled = file.regex(text, line)
        if compiled is not None and "drop" not in compiled.groupindex:
            file.problem(
                line, "a negation has no (?P<drop>...) group", "wrap the part to ignore in (?P<drop>...)"
            )
        elif compiled is not None:
            negations.append(Weighted(text, 0.0, file.where(line), compiled))
    words = tuple(word for word, _ in file.texts(node, "words", path.name))
    unrelated = tuple(word for word, _ in file.texts(node, "unrelated", path.name))
    card_words = tuple(word for word, _ in file.texts(node, "card_words", path.name))
    return Lexicon(replacements, tuple(negations), words, file.where(node.line), unrelated, card_words)


def _is_date(text: str) -> bool:
    """YYYY-MM-DD and a day that exists: `check --stale` counts days from it."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _fact(file: YamlFile, node: Any, line: int, name: str) -> Fact | None:
    entry = file.mapping(node, line, f"fact '{name}'")
    if entry is None or not file.keys(entry, {"value", "source", "reviewed"}, set(), f"fact '{name}'"):
        return None
    value = file.text(entry, "value", f"fact '{name}'")
    source = file.text(entry, "source", f"fact '{name}'")
    reviewed = file.text(entry, "reviewed", f"fact '{name}'")
    if source and not source.startswith(("https://", "http://")):
        file.problem(
            entry.line_of("source"), f"the source of '{name}' is not a URL", "give the official page's URL"
        )
    if reviewed and not _is_date(reviewed):
        file.problem(
            entry.line_of("reviewed"), f"'reviewed' of '{name}' is not a date", "write it as YYYY-MM-DD"
        )
    if value is None or source is None or reviewed is None:
        return None
    return Fact(value, source, reviewed, file.where(line))


def _facts(path: Path, problems: list[Problem]) -> dict[str, dict[str, Fact]]:
    file, node = load_file(path, problems)
    if node is None:
        return {}
    out: dict[str, dict[str, Fact]] = {}
    for scope, body in node.items():
        table = file.mapping(body, node.line_of(scope), f"facts of '{scope}'")
        if table is None:
            continue
        out[scope] = {}
        for name, fact_node in table.items():
            fact = _fact(file, fact_node, table.line_of(name), name)
            if fact is not None:
                out[scope][name] = fact
    return out


def _template(file: YamlFile, node: Node, key: str) -> Template:
    # Block scalars ('text: |') start on the line after the key.
    return Template(str(node[key]), file.where(node.line_of(key) + 1))


def _facet_variants(
    file: YamlFile, node: Node, key: str
) -> tuple[dict[str, dict[str, Template]], dict[str, Where]]:
    """`channels:` or `places:`, each `{<channel or place>: {<operator> or default: |...}}`; the names
    are checked against the entities once everything is loaded (bot/core/replying/answers.py), where
    unknown ones are reported."""
    if key not in node:
        return {}, {}
    table = file.mapping(node[key], node.line_of(key), f"'{key}'")
    if table is None:
        return {}, {}
    out: dict[str, dict[str, Template]] = {}
    where: dict[str, Where] = {}
    for channel in table:
        entry = file.mapping(table[channel], table.line_of(channel), f"'{key}' variant '{channel}'")
        if entry is not None:
            out[channel] = {key: _template(file, entry, key) for key in entry}
            where[channel] = file.where(table.line_of(channel))
    return out, where


def _more(file: YamlFile, node: Node, what: str) -> More | None:
    if "more" not in node:
        return None
    entry = file.mapping(node["more"], node.line_of("more"), "'more'")
    if entry is None or not file.keys(entry, {"title", "text"}, set(), f"'more' of {what}"):
        return None
    title = file.text(entry, "title", "'more'")
    return More(title, _template(file, entry, "text")) if title else None


def _response(path: Path, problems: list[Problem]) -> Response | None:
    file, node = load_file(path, problems)
    if node is None:
        return None
    what = f"response file {path.name}"
    optional = {
        "needs_operator",
        "text",
        "variants",
        "buttons",
        "channels",
        "places",
        "details",
        "situations",
        "channel_answers_from",
        "more",
    }
    if not file.keys(node, {"intent", "title"}, optional, what):
        return None
    intent, title = file.text(node, "intent", what), file.text(node, "title", what)
    needs_operator = node.get("needs_operator", False)
    if not isinstance(needs_operator, bool):
        file.problem(
            node.line_of("needs_operator"), "'needs_operator' must be true or false", "write true or false"
        )
        needs_operator = False
    variants: dict[str, Template] = {}
    if "variants" in node and (
        table := file.mapping(node["variants"], node.line_of("variants"), "'variants'")
    ):
        variants = {op: _template(file, table, op) for op in table}
    text = _template(file, node, "text") if "text" in node else None
    if text is None and not variants:
        file.problem(node.line, f"{what} has neither 'text' nor 'variants'", "add a 'text: |' block")
    buttons = file.texts(node, "buttons", what)
    channels, channel_where = _facet_variants(file, node, "channels")
    places, place_where = _facet_variants(file, node, "places")
    details, detail_where = _facet_variants(file, node, "details")
    situations, situation_where = _facet_variants(file, node, "situations")
    answers_from = file.text(node, "channel_answers_from", what) if "channel_answers_from" in node else None
    more = _more(file, node, what)
    if intent is None or title is None:
        return None
    return Response(
        intent=intent,
        title=title,
        title_where=file.where(node.line_of("title")),
        needs_operator=needs_operator,
        text=text,
        variants=variants,
        buttons=tuple(b for b, _ in buttons),
        button_where=tuple(file.where(line) for _, line in buttons),
        where=file.where(node.line),
        channels=channels,
        channel_where=channel_where,
        places=places,
        place_where=place_where,
        details=details,
        detail_where=detail_where,
        situations=situations,
        situation_where=situation_where,
        channel_answers_from=answers_from,
        more=more,
    )


def _allowlist(path: Path, problems: list[Problem]) -> tuple[str, ...]:
    file, node = load_file(path, problems)
    if node is None or not file.keys(node, {"domains"}, set(), path.name):
        return ()
    domains = []
    for domain, line in file.texts(node, "domains", path.name):
        if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
            domains.append(domain)
        else:
            file.problem(
                line,
                f"'{domain}' is not a bare domain",
                "write it like 'smart.com.ph' (no https://, no path)",
            )
    return tuple(domains)


def _ui(path: Path, problems: list[Problem]) -> Ui:
    file, node = load_file(path, problems)
    if node is None or not file.keys(node, {"menu", "texts"}, {"follow_ups"}, path.name):
        return Ui((), (), {}, file.where(0))
    menu = file.texts(node, "menu", path.name)
    texts = {}
    if table := file.mapping(node["texts"], node.line_of("texts"), "'texts'"):
        texts = {name: _template(file, table, name) for name in table}
    return Ui(
        tuple(m for m, _ in menu),
        tuple(file.where(line) for _, line in menu),
        texts,
        file.where(node.line),
        _follow_ups(file, node),
    )


def _follow_ups(file: YamlFile, node: Node) -> dict[str, tuple[str, ...]]:
    """`follow_ups:` of _ui.yaml, `{<kind>: [words]}`: the words that make a short message a
    follow-up of the last answer ("为什么", "那…呢")."""
    if "follow_ups" not in node:
        return {}
    table = file.mapping(node["follow_ups"], node.line_of("follow_ups"), "'follow_ups'")
    if table is None or not file.keys(table, set(), set(FOLLOW_UP_KINDS), "'follow_ups'"):
        return {}
    return {kind: tuple(w for w, _ in file.texts(table, kind, f"follow_ups.{kind}")) for kind in table}


def load_content(root: Path, risk: bool = True) -> Content:
    """Reads root/intents and root/responses; raises ContentError listing every problem found.

    Without `risk`, the scam check's two files are not read (for `classify`, which never scans)."""
    problems: list[Problem] = []
    intents_dir, responses_dir = root / "intents", root / "responses"
    for folder in (intents_dir, responses_dir):
        if not folder.is_dir():
            raise ContentError(
                [Problem(folder, 0, "the folder is missing", "run the bot from the project folder")]
            )

    intents: dict[str, Intent] = {}
    for path in sorted(intents_dir.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        intent = _intent(path, problems)
        if intent is None:
            continue
        if intent.id in intents:
            problems.append(
                Problem(
                    path,
                    intent.where.line,
                    f"intent '{intent.id}' is defined twice",
                    f"merge it with {intents[intent.id].where.path.name}",
                )
            )
        intents[intent.id] = intent

    if (count := sum(len(intent.examples) for intent in intents.values())) > MAX_ALL_EXAMPLES:
        problems.append(
            Problem(
                intents_dir,
                0,
                f"the intents have {count} examples in all, more than {MAX_ALL_EXAMPLES}",
                "keep the most varied examples of each intent; more slow every start and teach little",
            )
        )

    responses: dict[str, Response] = {}
    for path in sorted(responses_dir.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        response = _response(path, problems)
        if response is None:
            continue
        if response.intent in responses:  # one would silently win over the other
            first = responses[response.intent].where
            problems.append(
                Problem(
                    path,
                    response.where.line,
                    f"a second answer for intent '{response.intent}' "
                    f"(the first is {first.path.name}:{first.line})",
                    f"merge the two into responses/{response.intent}.yaml",
                )
            )
            continue
        responses[response.intent] = response

    shared = {
        "operators": intents_dir / "_operators.yaml",
        "channels": intents_dir / "_channels.yaml",
        "places": intents_dir / "_places.yaml",
        "details": intents_dir / "_details.yaml",
        "situation": intents_dir / "_situation.yaml",
        "lexicon": intents_dir / "_lexicon.yaml",
        "facts": responses_dir / "_facts.yaml",
        "allowlist": responses_dir / "_allowlist.yaml",
        "ui": responses_dir / "_ui.yaml",
    }
    present = {name: required_file(path, problems) for name, path in shared.items()}
    operators = (
        _entities(shared["operators"], problems, Operator, "operators", "operator", OPERATOR_EXTRAS)
        if present["operators"]
        else {}
    )
    uncovered, corrections = (
        _operator_extras(shared["operators"], problems, operators) if present["operators"] else ({}, ())
    )
    content = Content(
        intents=intents,
        operators=operators,
        uncovered=uncovered,
        corrections=corrections,
        channels=_entities(shared["channels"], problems, Channel, "channels", "channel")
        if present["channels"]
        else {},
        places=_entities(shared["places"], problems, Place, "places", "place") if present["places"] else {},
        details=_entities(shared["details"], problems, Detail, "details", "detail")
        if present["details"]
        else {},
        lexicon=_lexicon(shared["lexicon"], problems)
        if present["lexicon"]
        else Lexicon({}, (), (), Where(root, 0)),
        facts=_facts(shared["facts"], problems) if present["facts"] else {},
        responses=responses,
        allowlist=_allowlist(shared["allowlist"], problems) if present["allowlist"] else (),
        ui=_ui(shared["ui"], problems) if present["ui"] else Ui((), (), {}, Where(root, 0)),
        root=root,
        situation=_situation(shared["situation"], problems) if present["situation"] else None,
    )
    if risk:
        # The scam-risk check: its rules sit beside the intents, its texts beside the answers.
        rules = load_risk(
            intents_dir / "_risk.yaml",
            responses_dir / "_risk.yaml",
            problems,
            content.allowlist,
            set(content.operators),
            set(content.intents),
        )
        content = dataclasses.replace(content, risk=rules)
    if problems:
        raise ContentError(problems)
    return content
