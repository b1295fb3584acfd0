"""Loads the scam-risk rules (intents/_risk.yaml) and texts (responses/_risk.yaml), with file, line, fix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.errors import Problem
from bot.content.model import (
    GUARD_TEXTS,
    Risk,
    RiskCombination,
    RiskRules,
    RiskSignal,
    RiskTexts,
    Template,
    Where,
)
from bot.content.patterns import Regex
from bot.content.risk_examples import load_examples
from bot.content.yaml_file import YamlFile, load_file, required_file

EXAMPLES_FILE = "_risk_examples.yaml"
SIGNAL_ID = re.compile(r"^[a-z][a-z0-9_]*$")
LEVELS = ("high", "medium", "low")
# The first line of a reply on a message whose only findings are official (96110, my.smart.com.ph).
OFFICIAL_LEVEL = "official"
# The built-in detectors (bot/core/risk/scanner.py) and the placeholders each can fill in a reason.
DETECTORS: dict[str, frozenset[str]] = {
    "known_contact": frozenset({"evidence"}),
    "telegram_handle": frozenset({"evidence"}),
    "chat_id": frozenset({"evidence"}),
    "lookalike_domain": frozenset({"evidence", "official", "owner"}),
    "homoglyph_domain": frozenset({"evidence", "official", "owner"}),
    "lookalike_number": frozenset({"evidence", "official", "owner", "swap"}),
    "unofficial_link": frozenset({"evidence"}),
    "official_link": frozenset({"evidence", "owner"}),
    "price_cut": frozenset({"evidence"}),
    "small_discount": frozenset({"evidence"}),
    "face_value": frozenset({"evidence"}),
    "short_link": frozenset({"evidence"}),
    "callback_number": frozenset({"evidence"}),
    "operator_callback": frozenset({"evidence", "owner"}),
    "ip_link": frozenset({"evidence"}),
    "spelled_out": frozenset({"evidence"}),
    "official_named_contact": frozenset({"evidence", "owner"}),
}
PLACEHOLDER = re.compile(r"\{(\w*)\}")
NO_LEVEL = RiskRules(
    0.0, 0.0, (), {}, {}, {}, frozenset(), frozenset(), frozenset(), 1.0, (), Where(Path(), 0)
)


def _share(file: YamlFile, value: Any, line: int, what: str) -> float | None:
    number = file.number(value, line, what)
    if number is not None and not 0 <= number <= 1:
        file.problem(line, f"{what} is {number}, outside 0..1", "write a share such as 0.5 (0: not at all)")
        return None
    return number


def _reason(file: YamlFile, entry: Any, detectors: list[str], line: int) -> str | None:
    reason = file.text(entry, "reason", "a signal")
    if reason is None:
        return None
    allowed = frozenset({"evidence"}).union(*(DETECTORS.get(d, frozenset()) for d in detectors))
    for name in PLACEHOLDER.findall(reason):
        if name not in allowed:
            file.problem(
                line,
                f"the reason uses {{{name}}}, which this signal cannot fill",
                f"use only {', '.join('{' + a + '}' for a in sorted(allowed))}",
            )
            return None
    try:
        reason.format_map(dict.fromkeys(allowed, "x"))
    except (ValueError, KeyError, IndexError):
        file.problem(line, "the reason has a { or } that is not a placeholder", "write {{ or }} for a brace")
        return None
    return reason


def _signal(file: YamlFile, item: Any, line: int, seen: dict[str, int]) -> RiskSignal | None:
    what = "a signal"
    entry = file.mapping(item, line, what)
    optional = {"detectors", "phrases", "patterns", "not_after", "in_questions", "unless", "at_most"}
    if entry is None or not file.keys(entry, {"id", "weight", "reason"}, optional, what):
        return None
    signal_id = file.text(entry, "id", what)
    if signal_id is None:
        return None
    if not SIGNAL_ID.match(signal_id):
        file.problem(
            entry.line_of("id"), f"signal id '{signal_id}' is not lower_snake_case", "use a-z, 0-9, _"
        )
    if signal_id in seen:
        file.problem(
            entry.line_of("id"),
            f"signal '{signal_id}' is defined twice",
            f"merge it with line {seen[signal_id]}",
        )
    seen[signal_id] = entry.line_of("id")
    weight = file.number(entry["weight"], entry.line_of("weight"), f"the weight of '{signal_id}'")
    detectors = [d for d, _ in file.texts(entry, "detectors", what)]
    for detector in detectors:
        if detector not in DETECTORS:
            file.problem(
                entry.line_of("detectors"),
                f"unknown detector '{detector}'",
                f"use one of: {', '.join(DETECTORS)}",
            )
    phrases = [p.lower() for p, _ in file.texts(entry, "phrases", what)]
    patterns = []
    # On RE2 (bot/content/patterns.py): (a+)+ or (x|xx)+ cost linear time like any other pattern.
    for source, pattern_line in file.texts(entry, "patterns", what):
        compiled = file.regex(source, pattern_line)
        if compiled is not None:
            patterns.append(compiled)
    if not (detectors or phrases or patterns):
        file.problem(
            entry.line, f"signal '{signal_id}' finds nothing", "give it detectors, phrases or patterns"
        )
    reason = _reason(file, entry, detectors, entry.line_of("reason"))
    not_after = tuple(w.lower() for w, _ in file.texts(entry, "not_after", what))
    at_most = None
    if "at_most" in entry:
        at_most = entry["at_most"]
        if at_most not in ("medium", "low"):
            file.problem(
                entry.line_of("at_most"),
                f"'at_most' of '{signal_id}' is {at_most!r}",
                "write at_most: medium (or low): the highest level a message with this signal gets",
            )
            at_most = None
    unless = file.texts(entry, "unless", what)
    for other, unless_line in unless:
        if other == signal_id:
            file.problem(unless_line, f"signal '{signal_id}' is cancelled by itself", "name another signal")
    share = None
    if "in_questions" in entry:
        share = _share(file, entry["in_questions"], entry.line_of("in_questions"), "in_questions")
    if weight is None or reason is None:
        return None
    return RiskSignal(
        signal_id,
        weight,
        reason,
        tuple(detectors),
        tuple(phrases),
        tuple(patterns),
        not_after,
        share,
        file.where(entry.line),
        tuple(u for u, _ in unless),
        at_most,
    )


def _string_map(file: YamlFile, node: Any, key: str, what: str) -> dict[str, str]:
    value = node.get(key)
    if value is None:
        return {}
    table = file.mapping(value, node.line_of(key), f"'{key}'")
    if table is None:
        return {}
    out = {}
    for name, owner in table.items():
        if isinstance(owner, str) and owner.strip():
            out[name.lower()] = owner.strip()
        else:
            file.problem(table.line_of(name), f"'{name}' has no {what}", f"write the {what} after the colon")
    return out


def _sites(
    file: YamlFile, node: Any, allowlist: tuple[str, ...]
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    owners: dict[str, str] = {}
    words: dict[str, tuple[str, ...]] = {}
    if "official_sites" not in node:
        return owners, words
    table = file.mapping(node["official_sites"], node.line_of("official_sites"), "'official_sites'")
    if table is None:
        return owners, words
    for domain, body in table.items():
        line = table.line_of(domain)
        what = f"official site '{domain}'"
        entry = file.mapping(body, line, what)
        if entry is None or not file.keys(entry, {"owner"}, {"words"}, what):
            continue
        if domain.lower() not in allowlist:
            file.problem(
                line,
                f"'{domain}' is not on responses/_allowlist.yaml",
                "list only allowlisted domains here (add it to the allowlist first if it is official)",
            )
            continue
        owner = file.text(entry, "owner", what)
        if owner is not None:
            owners[domain.lower()] = owner
            words[domain.lower()] = tuple(w.lower() for w, _ in file.texts(entry, "words", what))
    return owners, words


@dataclass(frozen=True)
class _Questions:
    """The 'questions' section: how much a phrase counts in a question, in talk and in a warning."""

    share: float = 1.0
    reporters: tuple[str, ...] = ()
    talk: tuple[str, ...] = ()
    victims: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    warning_share: float = 1.0


def _questions(file: YamlFile, node: Any) -> _Questions:
    """The share a phrase counts for in a question, the words that report an offer, and those that
    make a message talk about scams, tell of being scammed or warn others."""
    questions = node.get("questions")
    if questions is None:
        return _Questions()  # without a 'questions' section a question counts in full
    table = file.mapping(questions, node.line_of("questions"), "'questions'")
    optional = {"talk", "victims", "warnings", "warning_share"}
    if table is None or not file.keys(table, {"share", "reporters"}, optional, "'questions'"):
        return _Questions()
    share = _share(file, table["share"], table.line_of("share"), "'share'")
    warning_share = None
    if "warning_share" in table:
        warning_share = _share(
            file, table["warning_share"], table.line_of("warning_share"), "'warning_share'"
        )
    warnings = tuple(w.lower() for w, _ in file.texts(table, "warnings", "'questions'"))
    if warnings and "warning_share" not in table:
        file.problem(
            table.line_of("warnings"),
            "'warnings' has no 'warning_share'",
            "add e.g. warning_share: 0.2 (how much a phrase counts in a warning to others)",
        )
    return _Questions(
        1.0 if share is None else share,
        tuple(w.lower() for w, _ in file.texts(table, "reporters", "'questions'")),
        tuple(w.lower() for w, _ in file.texts(table, "talk", "'questions'")),
        tuple(w.lower() for w, _ in file.texts(table, "victims", "'questions'")),
        warnings,
        1.0 if warning_share is None else warning_share,
    )


def load_rules(path: Path, problems: list[Problem], allowlist: tuple[str, ...]) -> RiskRules:
    file, node = load_file(path, problems)
    required = {"levels", "signals"}
    optional = {
        "official_sites",
        "official_numbers",
        "known_scam",
        "link_shorteners",
        "questions",
        "scopes",
        "takeover",
        "combinations",
    }
    if node is None or not file.keys(node, required, optional, path.name):
        return NO_LEVEL
    thresholds: dict[str, float] = {}
    levels = file.mapping(node["levels"], node.line_of("levels"), "'levels'")
    if levels is not None and file.keys(levels, {"high", "medium"}, set(), "'levels'"):
        for name in ("high", "medium"):
            number = file.number(levels[name], levels.line_of(name), f"the '{name}' threshold")
            if number is not None:
                thresholds[name] = number
        if len(thresholds) == 2 and not 0 < thresholds["medium"] < thresholds["high"]:
            file.problem(
                levels.line_of("medium"),
                f"'medium' ({thresholds['medium']}) must be above 0 and below 'high' ({thresholds['high']})",
                "use e.g. high: 1.0 and medium: 0.4",
            )
    sites, site_words = _sites(file, node, allowlist)
    numbers = _string_map(file, node, "official_numbers", "operator")
    handles: set[str] = set()
    domains: set[str] = set()
    if "known_scam" in node and (
        known := file.mapping(node["known_scam"], node.line_of("known_scam"), "'known_scam'")
    ):
        file.keys(known, set(), {"handles", "domains"}, "'known_scam'")
        for handle, line in file.texts(known, "handles", "'known_scam'"):
            if re.fullmatch(r"@?[A-Za-z0-9_]{3,32}", handle):
                handles.add(handle.lstrip("@").lower())
            else:
                file.problem(
                    line, f"'{handle}' is not a Telegram handle", "write it like esim1088 (no t.me/)"
                )
        for domain, line in file.texts(known, "domains", "'known_scam'"):
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain.lower()):
                file.problem(line, f"'{domain}' is not a bare domain", "write it like smart-com-ph.info")
            elif domain.lower() in allowlist:
                file.problem(line, f"'{domain}' is on the allowlist", "remove it from one of the two lists")
            else:
                domains.add(domain.lower())
    shorteners = set()
    for domain, line in file.texts(node, "link_shorteners", path.name):
        if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain.lower()):
            shorteners.add(domain.lower())
        else:
            file.problem(line, f"'{domain}' is not a bare domain", "write it like bit.ly")
    questions = _questions(file, node)
    seen: dict[str, int] = {}
    signals = []
    for item, line in file.items(node, "signals", path.name, "'- id: ...'"):
        signal = _signal(file, item, line, seen)
        if signal is not None:
            signals.append(signal)
    for signal in signals:
        for other in signal.unless:
            if other not in seen:
                file.problem(
                    signal.where.line,
                    f"signal '{signal.id}' names '{other}' under 'unless', which is no signal",
                    f"use one of: {', '.join(seen)}",
                )
    combinations = _combinations(file, node, seen)
    scopes = _scopes(file, node)
    gave, signs = _takeover(file, node)
    if len(thresholds) < 2:
        return NO_LEVEL
    return RiskRules(
        thresholds["high"],
        thresholds["medium"],
        tuple(signals),
        sites,
        site_words,
        numbers,
        frozenset(handles),
        frozenset(domains),
        frozenset(shorteners),
        questions.share,
        questions.reporters,
        file.where(node.line),
        questions.talk,
        questions.victims,
        scopes,
        gave,
        signs,
        questions.warnings,
        questions.warning_share,
        combinations,
    )


def _combinations(file: YamlFile, node: Any, signals: dict[str, int]) -> tuple[RiskCombination, ...]:
    """The 'combinations' section: groups of signals that together make a message 高."""
    out = []
    ids: set[str] = set()
    for item, line in file.items(node, "combinations", "'combinations'", "'- id: ...'"):
        what = "a combination"
        entry = file.mapping(item, line, what)
        if entry is None or not file.keys(entry, {"id", "all_of", "reason"}, set(), what):
            continue
        combination_id = file.text(entry, "id", what)
        reason = _reason(file, entry, [], entry.line_of("reason"))
        if combination_id is None or reason is None:
            continue
        if combination_id in signals or combination_id in ids:
            file.problem(
                entry.line_of("id"),
                f"'{combination_id}' is already the id of a signal or combination",
                "give the combination an id of its own",
            )
            continue
        ids.add(combination_id)
        groups = []
        for group, group_line in file.items(entry, "all_of", what, "'- [signal_a, signal_b]'"):
            names = group if isinstance(group, list) else None
            if not names or not all(isinstance(name, str) for name in names):
                file.problem(
                    group_line,
                    f"a group of '{combination_id}' is not a list of signal ids",
                    "write each group as - [signal_a, signal_b]: any one of them counts",
                )
                continue
            unknown = [name for name in names if name not in signals]
            if unknown:
                file.problem(
                    group_line,
                    f"'{combination_id}' names {', '.join(repr(n) for n in unknown)}, which is no signal",
                    f"use signal ids from 'signals', e.g. {', '.join(list(signals)[:6])}",
                )
                continue
            groups.append(tuple(names))
        if len(groups) < 2:
            file.problem(
                entry.line_of("all_of"),
                f"'{combination_id}' needs two groups or more under 'all_of'",
                "list one group per line: - [impersonation, police_claim] and - [asks_for_details]",
            )
            continue
        out.append(RiskCombination(combination_id, tuple(groups), reason, file.where(entry.line)))
    return tuple(out)


def _scopes(file: YamlFile, node: Any) -> dict[str, tuple[str, ...]]:
    """scope -> the words that put a message in it ('china': [话费, 三网])."""
    if "scopes" not in node:
        return {}
    table = file.mapping(node["scopes"], node.line_of("scopes"), "'scopes'")
    if table is None:
        return {}
    return {str(scope): tuple(w.lower() for w, _ in file.texts(table, scope, "'scopes'")) for scope in table}


def _takeover(file: YamlFile, node: Any) -> tuple[tuple[Regex, ...], tuple[str, ...]]:
    """What a code given away looks like (patterns), and the signs of a takeover under way."""
    if "takeover" not in node:
        return (), ()
    table = file.mapping(node["takeover"], node.line_of("takeover"), "'takeover'")
    if table is None or not file.keys(table, {"gave", "signs"}, set(), "'takeover'"):
        return (), ()
    patterns = []
    for source, line in file.texts(table, "gave", "'takeover'"):
        if (compiled := file.regex(source, line)) is not None:
            patterns.append(compiled)
    signs = tuple(w.lower() for w, _ in file.texts(table, "signs", "'takeover'"))
    return tuple(patterns), signs


def _template(file: YamlFile, node: Any, key: str) -> Template:
    # Block scalars ('report: |') start on the line after the key; plain ones on the key's line.
    value = str(node[key])
    return Template(value, file.where(node.line_of(key) + ("\n" in value)))


def load_texts(
    path: Path, problems: list[Problem], operators: set[str], scopes: frozenset[str] = frozenset()
) -> RiskTexts | None:
    file, node = load_file(path, problems)
    required = {"levels", "flags", "more", "advice", "report"}
    optional = {"buttons", "notes", "takeover", "guard", "learned"}
    if node is None or not file.keys(node, required, optional, path.name):
        return None
    levels = file.mapping(node["levels"], node.line_of("levels"), "'levels'")
    advice = file.mapping(node["advice"], node.line_of("advice"), "'advice'")
    if levels is None or advice is None:
        return None
    if not file.keys(levels, set(LEVELS), {OFFICIAL_LEVEL}, "'levels'"):
        return None
    for scope in advice:
        if scope != "default" and scope not in operators | scopes:
            file.problem(
                advice.line_of(scope),
                f"advice for unknown operator or scope '{scope}'",
                f"use 'default' or one of: {', '.join(sorted(operators | scopes))}",
            )
    takeover = {}
    if "takeover" in node and (
        table := file.mapping(node["takeover"], node.line_of("takeover"), "'takeover'")
    ):
        for scope in table:
            if scope != "default" and scope not in operators:
                file.problem(
                    table.line_of(scope),
                    f"takeover steps for unknown operator '{scope}'",
                    f"use 'default' or one of: {', '.join(sorted(operators))}",
                )
            takeover[scope] = _template(file, table, scope)
        if "default" not in table:
            file.problem(table.line, "'takeover' has no 'default'", "add 'default:' for no operator")
    if "default" not in advice:
        file.problem(
            advice.line, "'advice' has no 'default'", "add 'default:' for messages naming no operator"
        )
    guard = {}
    table = file.mapping(node["guard"], node.line_of("guard"), "'guard'") if "guard" in node else None
    if table is not None and file.keys(table, set(GUARD_TEXTS), set(), "'guard'"):
        guard = {name: _template(file, table, name) for name in GUARD_TEXTS}
    buttons = file.texts(node, "buttons", path.name)
    return RiskTexts(
        levels={name: _template(file, levels, name) for name in (*LEVELS, OFFICIAL_LEVEL) if name in levels},
        flags=_template(file, node, "flags"),
        more=_template(file, node, "more"),
        advice={scope: _template(file, advice, scope) for scope in advice},
        report=_template(file, node, "report"),
        buttons=tuple(b for b, _ in buttons),
        button_where=tuple(file.where(line) for _, line in buttons),
        where=file.where(node.line),
        notes=_template(file, node, "notes") if "notes" in node else None,
        takeover=takeover,
        guard=guard,
        learned=file.text(node, "learned", path.name) or "" if "learned" in node else "",
    )


def load_risk(
    rules_path: Path,
    texts_path: Path,
    problems: list[Problem],
    allowlist: tuple[str, ...],
    operators: set[str],
    intents: Iterable[str] = (),
) -> Risk | None:
    for path in (rules_path, texts_path):
        if not required_file(path, problems):
            return None
    rules = load_rules(rules_path, problems, allowlist)
    texts = load_texts(texts_path, problems, operators, frozenset(rules.scopes))
    # The learned part is optional: without its examples the rules decide alone.
    examples_path = rules_path.with_name(EXAMPLES_FILE)
    learned = load_examples(examples_path, problems, set(intents)) if examples_path.exists() else None
    if learned is not None and texts is not None and not texts.learned:
        problems.append(
            Problem(
                texts_path,
                texts.where.line,
                f"no 'learned:' text for the red flag of the learned part ({EXAMPLES_FILE})",
                "add 'learned: …', saying the message reads like known scams, judged from examples",
            )
        )
    for number, owner in rules.official_numbers.items():
        if owner not in operators:
            problems.append(
                Problem(
                    rules_path,
                    rules.where.line,
                    f"'{number}' belongs to unknown operator '{owner}'",
                    "fix the id",
                )
            )
    return Risk(rules, texts, learned) if texts is not None else None
