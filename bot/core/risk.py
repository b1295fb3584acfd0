"""The scam-risk check: any text in, a RiskReport out (level, score, and each red flag with its evidence).

Pure and channel-agnostic, like the matcher: the rules, weights and reasons come from
intents/_risk.yaml; adapters only render the report. Cheap enough to run on every message:
one normalization, the phrases and patterns in few passes (bot/core/phrases.py), and the link
checks (bot/core/risk_links.py, bot/core/lookalike.py) only when there is a link.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import opencc

from bot.content.model import Content, RiskRules, RiskSignal
from bot.core.lookalike import OfficialSites, skeleton
from bot.core.normalize import CONTROLS
from bot.core.phrases import PhraseFinder
from bot.core.risk_links import (
    find_call_numbers,
    find_handles,
    find_links,
    show_handle,
    show_host,
    show_phone,
    telegram_name,
)

Level = Literal["high", "medium", "low"]
# Longer input is cut before and after NFKC (which can make one character eighteen): a pasted
# article shows its nature well before this, and every step stays linear below it.
MAX_CHARS = 10_000
EVIDENCE_PER_FLAG = 2
# Spaces inside Chinese words are a way round filters ("代 充", "慢\u200b充").
CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")
# "100只要70", "充100到账100只要85", "₱100 load for ₱80": a price under the face value.
PRICE = re.compile(
    r"(?P<face>[1-9](?<![0-9.].)[0-9]{1,4})(?:\.[0-9]{1,2})?[^0-9\n]{0,8}?"
    r"(?:只要|只需|仅需|仅要|只收|只卖|售价|卖|实付|算|收你| for | lang |=|→|->)[^0-9\n]{0,3}?"
    r"(?P<paid>[1-9][0-9]{0,4})(?![0-9])"
)
# What each judgement of a link is called in intents/_risk.yaml.
VERDICT_DETECTORS = {
    "official": "official_link",
    "unofficial": "unofficial_link",
    "lookalike": "lookalike_domain",
    "homoglyph": "homoglyph_domain",
}


@dataclass(frozen=True)
class Flag:
    id: str
    reason: str
    evidence: str
    weight: float

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason, "evidence": self.evidence}


@dataclass(frozen=True)
class RiskReport:
    level: Level
    score: float
    flags: tuple[Flag, ...]
    operator: str | None = None  # the operator whose site or number the message imitates or names

    @property
    def risky(self) -> bool:
        return self.level != "low"

    def as_json(self, text: str) -> dict[str, object]:
        return {
            "text": text,
            "level": self.level,
            "score": round(self.score, 2),
            "flags": [f.as_json() for f in self.flags],
        }


NOTHING = RiskReport("low", 0.0, ())


@dataclass
class _Found:
    """What one scan found for one signal: its evidence (shown) and the values for its reason."""

    evidence: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    share: float = 0.0  # of the signal's weight: less when only asked about (bot/core/phrases.py)

    def add(self, evidence: str, **values: str) -> None:
        if evidence not in self.evidence and len(self.evidence) < EVIDENCE_PER_FLAG:
            self.evidence.append(evidence)
            for key, value in values.items():
                self.values.setdefault(key, value)


class Scanner:
    def __init__(self, rules: RiskRules, allowlist: tuple[str, ...], owner_labels: dict[str, str]) -> None:
        self.rules = rules
        self._t2s = opencc.OpenCC("t2s")
        self._sites = OfficialSites(allowlist, rules.official_sites, rules.official_numbers, rules.site_words)
        self._labels = owner_labels  # operator id -> how a reason names it
        self._by_detector: dict[str, list[RiskSignal]] = {}
        for signal in rules.signals:
            for detector in signal.detectors:
                self._by_detector.setdefault(detector, []).append(signal)
        self._phrases = PhraseFinder(rules.signals, self.prepare, rules.question_share, rules.reporters)
        self._number_token = _number_token(rules.official_numbers)

    def prepare(self, text: str) -> str:
        """Controls out, NFKC (full width → half width), lower case, 繁→简, no spaces inside Chinese."""
        text = CONTROLS.sub(" ", text[:MAX_CHARS])
        text = unicodedata.normalize("NFKC", text)[:MAX_CHARS].lower()
        if text.isascii():
            return text
        text = self._t2s.convert(text)
        return CJK_GAP.sub("", text) if " " in text else text

    def scan(self, text: str) -> RiskReport:
        prepared = self.prepare(text)
        hits = [
            (signal, evidence, 1.0, values)
            for detector, evidence, values in self._detect(prepared)
            for signal in self._by_detector.get(detector, ())
        ]
        hits += [(signal, evidence, share, {}) for signal, evidence, share in self._phrases.find(prepared)]
        if not hits:
            return NOTHING  # most messages
        # One flag per signal, and per owner for links: "10086.cn" and "10010.com" are two owners.
        found: dict[tuple[str, str], _Found] = {}
        signals: dict[str, RiskSignal] = {}
        for signal, evidence, share, values in hits:
            signals[signal.id] = signal
            what = found.setdefault((signal.id, values.get("owner", "")), _Found())
            what.add(evidence, **values)
            what.share = max(what.share, share)
        return self._report(signals, found)

    def _report(self, signals: dict[str, RiskSignal], found: dict[tuple[str, str], _Found]) -> RiskReport:
        flags = []
        operator = None
        for (signal_id, _), what in found.items():
            signal = signals[signal_id]
            if what.share == 0:
                continue  # only asked about, and the rules say that does not count at all
            evidence = "、".join(what.evidence)
            values = {"evidence": evidence, "official": "", "owner": "", **what.values}
            owner = values["owner"]
            if owner in self._labels:
                # The operator a look-alike imitates; an official link only shows where to go.
                if signal.weight > 0:
                    operator = operator or owner
                values["owner"] = self._labels[owner]
            reason = signal.reason.format_map(values)
            flags.append(Flag(signal_id, reason, evidence, signal.weight * what.share))
        flags.sort(key=lambda f: -f.weight)
        score = float(sum(f.weight for f in flags))
        if flags and flags[0].weight >= self.rules.high:
            # A signal that alone makes a message 高 keeps it 高: naming the real site as well
            # (a look-alike link beside 10086.cn) is what a good fake does.
            score = max(score, flags[0].weight)
        level: Level = "low"
        if score >= self.rules.high:
            level = "high"
        elif score >= self.rules.medium:
            level = "medium"
        return RiskReport(level, score, tuple(flags), operator)

    # ---- the built-in detectors: (detector, evidence as shown, values for the reason) ----------

    def _detect(self, text: str) -> Iterator[tuple[str, str, dict[str, str]]]:
        known = self.rules
        for link in find_links(text):
            name = telegram_name(link)
            if name is not None:
                shown = show_handle(name)
                if name.lstrip("+") in known.known_handles:
                    yield "known_contact", shown, {}
                yield "telegram_handle", shown, {}
                continue
            shown = show_host(link.host)
            registered = self._sites.registrable(link.host)
            if registered in known.known_domains:
                yield "known_contact", shown, {}
                continue
            if registered in known.shorteners:
                yield "short_link", shown, {}
            verdict = self._sites.judge(link.host)
            values = {"official": verdict.official or "", "owner": verdict.owner or ""}
            yield VERDICT_DETECTORS[verdict.kind], shown, values
        for handle in find_handles(text):
            shown = handle.shown()
            if handle.name in known.known_handles:
                yield "known_contact", shown, {}
            yield ("telegram_handle" if handle.app == "telegram" else "chat_id"), shown, {}
        if self._number_token is not None:
            for match in self._number_token.finditer(text):
                if match.group(0).isdigit():
                    continue  # the number itself, or another one: nothing passes for anything
                number = self._sites.lookalike_number(match.group(0))
                if number is not None:
                    yield "lookalike_number", match.group(0), {"official": number[0], "owner": number[1]}
        for digits in find_call_numbers(text):
            # An operator's own hotline is what the bot itself recommends.
            if digits not in known.official_numbers and len(digits) > 5:
                yield "callback_number", show_phone(digits), {}
        for match in PRICE.finditer(text):
            face, paid = int(match.group("face")), int(match.group("paid"))
            if face * 0.3 <= paid < face:
                yield "price_cut", f"{face}只要{paid}", {}


def _number_token(numbers: dict[str, str]) -> re.Pattern[str] | None:
    """Whole tokens that may pass for a hotline (l0086, 1oo86 for 10086): its length, its first character.

    Starting with a character class (not a look-around) lets re skip quickly to where a candidate
    can begin; whether it has a letter in it is checked on the few candidates.
    """
    if not numbers:
        return None
    firsts = {skeleton(number[0]) for number in numbers}
    starts = "".join(re.escape(c) for c in "0123456789abcdefghijklmnopqrstuvwxyz|!$" if skeleton(c) in firsts)
    shortest = min(len(n) for n in numbers) - 1
    longest = max(len(n) for n in numbers) - 1
    return re.compile(rf"[{starts}](?<![0-9a-z].)[0-9a-z|!$]{{{shortest},{longest}}}(?![0-9a-z|!$])")


def build_scanner(content: Content) -> Scanner:
    """The scanner for this content: its rules, its allowlist, its operators' names."""
    if content.risk is None:
        raise ValueError("the content has no scam-risk rules (intents/_risk.yaml)")
    labels = {op.id: op.label for op in content.operators.values()}
    return Scanner(content.risk.rules, content.allowlist, labels)
