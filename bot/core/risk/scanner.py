"""The scam-risk check: any text in, a RiskReport out (level, score, and each red flag with its evidence).

Pure and channel-agnostic, like the matcher: the rules, weights and reasons come from
intents/_risk.yaml; adapters only render the report. Cheap enough to run on every message:
one normalization, the phrases and patterns in few passes (bot/core/risk/phrases.py), and the link
checks (bot/core/risk/links.py, bot/core/risk/lookalike.py) only when there is a link.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import opencc

from bot.content.model import Content, RiskRules, RiskSignal
from bot.content.patterns import Regex
from bot.core.risk.links import (
    find_call_numbers,
    find_handles,
    find_links,
    show_handle,
    show_host,
    show_phone,
    shown,
    telegram_name,
)
from bot.core.risk.lookalike import OfficialSites, skeleton
from bot.core.risk.phrases import PhraseFinder, trie_pattern
from bot.core.understanding.normalize import CONTROLS

if TYPE_CHECKING:  # the learned part imports this module (its prepare is in the model's digest)
    from bot.core.risk.learned import RiskModel

Level = Literal["high", "medium", "low"]
LEVELS = ("high", "medium", "low")
# Longer input is cut before and after NFKC (which can make one character eighteen): a pasted
# article shows its nature well before this, and every step stays linear below it.
MAX_CHARS = 10_000
EVIDENCE_PER_FLAG = 2
EVIDENCE_JOIN = "、"  # between the pieces of one flag's evidence
# Spaces inside Chinese words are a way round filters ("代 充", "慢\u200b充").
CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")
# So are emoji and symbols between letters ("T🔸G", "加📱薇", "代充🉐️话费"): they go. A pointing
# hand or arrow stands for the colon it replaces ("TG 👉 name").
SYMBOLS = re.compile(
    r"[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\ufe0f\u200d\U0001f000-\U0001faff]+"
)
POINTERS = frozenset("👉👈➡→⇒☞▶")
# And letters spelled one by one: "s m a r t _ c z", "h f 5 2 0", "v x".
SPACED = re.compile(r"[a-z0-9_](?<![a-z0-9_].)(?: [a-z0-9_](?![a-z0-9_]))+")
# Links spelled out: "10086 点 cn 斜杠 jf", "10086 .c n", "site dot com".
SPELLED_DOT = re.compile(r"(?<=[a-z0-9]) ?(?:点|\(dot\)|\[dot\]| dot | \.) ?(?=[a-z]{2,6}(?![a-z]))")
# "v x" is a word written apart; "h f 5 2 0" (four or more) is a name.
SPELLED_NAME = 4
SPELLED_LINK = "."  # noted when a link was spelled out
SPELLED_SLASH = re.compile(r"(?<=[a-z0-9]) ?(?:斜杠|斜线) ?(?=[a-z0-9])")
# "100只要70", "充100到账100只要85", "₱100 load for ₱80": a price under the face value.
PRICE = re.compile(
    r"(?P<face>[1-9](?<![0-9.].)[0-9]{1,4})(?:\.[0-9]{1,2})?[^0-9\n]{0,8}?"
    r"(?:只要|只需|仅需|仅要|只收|只卖|售价|到手价|卖|实付|算|收你| for | lang |=|→|->)[^0-9\n]{0,3}?"
    r"(?P<paid>[1-9][0-9]{0,4})(?![0-9])"
)
# The price before the face value: "85元充100", "98.5块充100话费" (元 and 块 only: a peso price is
# written face first). "95元充了100" tells of a top-up made, not an offer.
PAID_FIRST = re.compile(
    r"(?P<paid>[1-9](?<![0-9.].)[0-9]{0,4}(?:\.[0-9]{1,2})?) ?(?:元|块钱|块)(?:就能|就可以|可以|能|即可)?"
    r"(?:充|买)(?:值)? ?(?P<face>[1-9][0-9]{1,4})(?![0-9.])"
)
# A discount written as 折 (8折, 8.5折, 85折, 九五折, 九九折) or as % off: 九九折 is 99 % of the face
# value, not 90 %. 一波三折, 三折叠, 三折页 and 折腾 are no discount.
DISCOUNT = re.compile(
    r"(?P<digits>[0-9](?<![0-9.].)(?:\.[0-9]|[0-9])?)折"
    r"|(?P<words>(?<!一波)[一二三四五六七八九][一二三四五六七八九]?)折(?![叠纸腾磨返页])"
    r"|(?P<off>[1-9](?<![0-9].)[0-9]?) ?% ?(?:off|cheaper|discount|less)"
)
# "pay P700, get P1000", "bumili ng P100 load, makakuha ng P300": the price paid, then what it buys.
PAY_GET = re.compile(
    r"(?:pay|buy|bumili ng|magbayad ng|bayad) ?(?:php|p|₱)? ?(?P<paid>[1-9][0-9]{0,4})[^0-9\n]{0,12}?"
    r"(?:get|receive|makakuha ng|makuha ang|makatanggap ng) ?(?:php|p|₱)? ?(?P<face>[1-9][0-9]{0,4})"
)
DIGIT = re.compile("[0-9]")
# Links written defanged ("smart-reg[.]com", "hxxps://…"), as warnings and forwards often show them.
DEFANGED = (("[.]", "."), ("(.)", "."), ("hxxp", "http"))
NUMERALS = {c: n for n, c in enumerate("〇一二三四五六七八九")}
# At or above this share of the face value a discount is an app's own small offer (支付宝 九九折,
# 98.5 元充 100), not the price of laundered credit (8折, 100 只要 85).
SMALL_DISCOUNT = 0.97
# The key under which a detector says where it found what may be asked about ("start:end").
ASKED = "_asked"
# How a letter that passes for a digit is shown in a reason (the text was lower-cased).
SHOWN_LETTER = {"o": "O", "i": "I", "s": "S"}
# Where a message's sender is named: "【10086】…", "Smart Advisory: …".
SENDER_CHARS = 24
# A site's name this long or longer in an account's name passes for the site ("maya" is too common).
OFFICIAL_NAME_CHARS = 5
# The red flag of the learned part (bot/core/risk/learned.py): its reason is responses/_risk.yaml's learned.
LEARNED = "learned"
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
    # The message tells of being scammed ("我被骗了，转了500"): the chat answers with help, not a verdict.
    victim: bool = False
    # The operators it is about when it names none ("话费": the Chinese carriers), a scope of the advice.
    scope: str | None = None
    # It tells of a number being taken over now (a code given away, and no signal since): high,
    # and the reply is what to do at once.
    takeover: bool = False

    @property
    def risky(self) -> bool:
        return self.level != "low"

    @property
    def wants_help(self) -> bool:
        """A victim's report or question, not an offer: what happened matters more than a verdict."""
        return self.victim and self.level != "high"

    @property
    def official_only(self) -> bool:
        """Nothing suspicious, and something official named (96110, my.smart.com.ph): said plainly."""
        return not self.risky and not self.problems and bool(self.notes)

    @property
    def problems(self) -> tuple[Flag, ...]:
        """The red flags: what counts toward the level."""
        return tuple(f for f in self.flags if f.weight > 0)

    @property
    def notes(self) -> tuple[Flag, ...]:
        """What in the message is official (its link, a hotline, the operator's app): not a problem."""
        return tuple(f for f in self.flags if f.weight <= 0)

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
    share: float = 0.0  # of the signal's weight: less when only asked about (bot/core/risk/phrases.py)

    def add(self, evidence: str, **values: str) -> None:
        if evidence not in self.evidence and len(self.evidence) < EVIDENCE_PER_FLAG:
            self.evidence.append(evidence)
            for key, value in values.items():
                self.values.setdefault(key, value)


class Scanner:
    def __init__(
        self,
        rules: RiskRules,
        allowlist: tuple[str, ...],
        owner_labels: dict[str, str],
        questions: Iterable[str] = (),
        learned: RiskModel | None = None,
    ) -> None:
        self.rules = rules
        self.learned = learned
        self._t2s = opencc.OpenCC("t2s")
        self._sites = OfficialSites(allowlist, rules.official_sites, rules.official_numbers, rules.site_words)
        self._labels = owner_labels  # operator id -> how a reason names it
        self._by_detector: dict[str, list[RiskSignal]] = {}
        for signal in rules.signals:
            for detector in signal.detectors:
                self._by_detector.setdefault(detector, []).append(signal)
        # How often each character occurs in ordinary questions (the intents' examples): the
        # phrase finder tries the common ones first (bot/core/risk/phrases.py, trie_pattern).
        common = Counter(char for question in questions for char in self.prepare(question))
        self._phrases = PhraseFinder(
            rules.signals, self.prepare, rules.question_share, rules.reporters, common
        )
        self._number_token = _number_token(rules.official_numbers)
        # Numbers a verdict may show whole: the operators' own, and those the rules call official
        # (13800100186, China Mobile's line from abroad, is a phrase of weight 0).
        self._keep = frozenset(rules.official_numbers).union(
            *(re.findall("[0-9]+", phrase) for s in rules.signals if s.weight <= 0 for phrase in s.phrases)
        )
        # An operator's names as a sender writes them: its label without the part in brackets
        # ("Smart（菲律宾）" → smart) and the name of its official site (smart, 10086).
        self._sender_names: dict[str, set[str]] = {}
        for owner, label in owner_labels.items():
            self._sender_names.setdefault(owner, set()).add(self.prepare(label).split("(")[0].strip())
        for domain, owner in rules.official_sites.items():
            if owner in owner_labels:
                self._sender_names.setdefault(owner, set()).add(domain.split(".")[0])
        # What in a private account's name passes for an operator: its hotline or its site's name.
        self._official_names = {number: owner for number, owner in rules.official_numbers.items()}
        for domain, owner in rules.official_sites.items():
            name = domain.split(".")[0]
            if len(name) >= OFFICIAL_NAME_CHARS and name.isascii():
                self._official_names.setdefault(name, owner)

    # Compiled on the first message with a red flag, not at start: most messages have none.
    @functools.cached_property
    def _victims(self) -> re.Pattern[str] | None:
        return re.compile(trie_pattern(map(self.prepare, self.rules.victims))) if self.rules.victims else None

    @functools.cached_property
    def _gave(self) -> Regex | None:
        gave = self.rules.takeover_gave
        return Regex("|".join(f"(?:{p.pattern})" for p in gave)) if gave else None

    @functools.cached_property
    def _warning(self) -> re.Pattern[str] | None:
        words = self.rules.warnings
        return re.compile(trie_pattern(map(self.prepare, words))) if words else None

    @functools.cached_property
    def _talk(self) -> re.Pattern[str] | None:
        return re.compile(trie_pattern(map(self.prepare, self.rules.talk))) if self.rules.talk else None

    def prepare(self, text: str) -> str:
        """Controls out, NFKC (full width → half width), lower case, 繁→简, no spaces inside Chinese,
        emoji out, and names and links spelled out ("s m a r t", "10086 点 cn") joined again."""
        return self._prepare(text)[0]

    def _prepare(self, text: str) -> tuple[str, list[str]]:
        """The prepared text, and what was spelled out in it to get past filters."""
        text = text[:MAX_CHARS]
        if not text.isprintable():  # a control or format character (isprintable is a quicker test)
            text = CONTROLS.sub(" ", text)
        text = unicodedata.normalize("NFKC", text)[:MAX_CHARS].lower()
        if "[." in text or "(." in text or "hxxp" in text:
            for defanged, plain in DEFANGED:
                text = text.replace(defanged, plain)
        if not text.isascii():
            if SYMBOLS.search(text) is not None:  # rare: no need to rebuild most texts
                text = SYMBOLS.sub(_symbols, text)
            text = self._t2s.convert(text)
        spelled: list[str] = []
        # A link spelled out needs no space ("smart点com点ph-reload点top").
        if "点" in text or "dot" in text or " ." in text:
            text, dots = SPELLED_DOT.subn(".", text)
            if dots:
                spelled.append(SPELLED_LINK)
        if " " not in text:
            return text, spelled
        if "  " in text:
            text = re.sub(" {2,}", " ", text)
        text = SPACED.sub(lambda match: _joined(match, spelled), text)
        for name in spelled:
            # "@ s m a r t l o a d": the name spelled apart after an @ is a handle again.
            text = text.replace("@ " + name, "@" + name)
        if "斜" in text:
            text = SPELLED_SLASH.sub("/", text)
        return (text if text.isascii() else CJK_GAP.sub("", text)), spelled

    def scan(self, text: str) -> RiskReport:
        prepared, spelled = self._prepare(text)
        detected = [
            (signal, evidence, values)
            for detector, evidence, values in self._detect(prepared, spelled)
            for signal in self._by_detector.get(detector, ())
        ]
        # Where a finding may be asked about is read only for a message with a finding.
        share_at = self._phrases.asked(prepared) if detected else None
        hits = [
            (signal, evidence, _asked(share_at, signal, values) if share_at else 1.0, values)
            for signal, evidence, values in detected
        ]
        phrases = self._phrases.find(prepared)
        takeover = self._takeover(prepared)
        chances = self.learned.chances(prepared) if self.learned is not None else None
        if not hits and not phrases and not takeover and (chances is None or chances[0] < self.learned_alone):
            return NOTHING  # most messages
        victim = self._victims is not None and self._victims.search(prepared) is not None
        # Talk about a scam, or a victim's story, names its words without offering anything, as
        # long as it gives nothing to click, add or call (a price it quotes is no way to reach anyone).
        reachable = any(signal.weight > 0 and ASKED not in values for signal, _, _, values in hits)
        hits += [(signal, _unlinked(evidence), share, {}) for signal, evidence, share in phrases]
        warning = not reachable and self._warning is not None and self._warning.search(prepared) is not None
        talk = warning or (
            (victim or (self._talk is not None and self._talk.search(prepared) is not None)) and not reachable
        )
        if talk:
            # A warning to others ("大家小心", "it's a scam") quotes the tricks it warns of.
            cap = self.rules.warning_share if warning else self.rules.question_share
            hits = [(signal, evidence, min(share, cap), values) for signal, evidence, share, values in hits]
        # One flag per signal, and per owner for links: "10086.cn" and "10010.com" are two owners.
        found: dict[tuple[str, str], _Found] = {}
        signals: dict[str, RiskSignal] = {}
        for signal, evidence, share, values in hits:
            signals[signal.id] = signal
            what = found.setdefault((signal.id, values.get("owner", "")), _Found())
            what.add(evidence, **values)
            what.share = max(what.share, share)
        # Every piece of evidence is masked here, whoever found it: a phrase's match may hold a
        # handle or a number whole ("send to @scam_helper99 your otp").
        names = [handle.name for handle in find_handles(prepared)]
        # Talk and warnings quote a whole script (a name and its ask): no combination counts there.
        report = self._report(signals, found, lambda piece: shown(piece, names, self._keep), combine=not talk)
        if chances is not None and not talk:
            report = self._weigh(report, chances[0])
        if talk and report.level == "high":
            report = replace(report, level="medium")
        if takeover:
            report = replace(report, level="high", takeover=True)
        scope = next((s for s, words in self.rules.scopes.items() if any(w in prepared for w in words)), None)
        if scope is not None:
            report = replace(report, scope=scope)
        return replace(report, victim=victim) if victim else report

    @property
    def learned_alone(self) -> float:
        return self.learned.alone_at if self.learned is not None else 2.0

    def _weigh(self, report: RiskReport, high: float) -> RiskReport:
        """The learned part beside the rules (bot/core/risk/learned.py): a message it is sure enough
        reads like a scam is 高, its red flag last (the rules' reasons, which say what was found,
        come first). Sure enough is high_at beside a rule's red flag, alone_at without one. A level
        a signal caps (a seller at face value: 中 at most) stays capped; the caller leaves out a
        warning to others and a victim's story. It never lowers what the rules found: it learned
        the questions people ask as harmless, and a question that reports an ask is rated for the
        ask (measured: lowering a 高 it read as harmless cost tested 高s, a fake 反诈中心 app among them)."""
        assert self.learned is not None
        if report.level == "high" or report.score >= self.rules.high:
            return report
        if high < (self.learned.high_at if report.problems else self.learned.alone_at):
            return report
        flag = Flag(LEARNED, self.learned.reason, "", self.rules.high - report.score)
        return replace(report, level="high", score=self.rules.high, flags=(*report.flags, flag))

    def _takeover(self, prepared: str) -> bool:
        """A code or QR given away, and a sign the number is being taken over (no signal, eSIM)."""
        if "码" not in prepared and "code" not in prepared and "otp" not in prepared and "qr" not in prepared:
            return False  # nothing was given: most messages
        return (
            self._gave is not None
            and self._gave.search(prepared) is not None
            and any(sign in prepared for sign in self.rules.takeover_signs)
        )

    def _report(
        self,
        signals: dict[str, RiskSignal],
        found: dict[tuple[str, str], _Found],
        show: Callable[[str], str],
        combine: bool = True,
    ) -> RiskReport:
        flags = []
        operator = None
        counted = {signal_id for (signal_id, _), what in found.items() if what.share > 0}
        for (signal_id, _), what in found.items():
            signal = signals[signal_id]
            if what.share == 0:
                continue  # only asked about, and the rules say that does not count at all
            if not counted.isdisjoint(signal.unless):
                continue  # beside what makes it harmless (a discount inside the operator's own app)
            evidence = EVIDENCE_JOIN.join(dict.fromkeys(map(show, what.evidence)))
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
        if combine and score < self.rules.high and len(flags) >= 2 and self.rules.combinations:
            flags, score = self._combined(flags, score)
        if flags and flags[0].weight >= self.rules.high:
            # A signal that alone makes a message 高 keeps it 高: naming the real site as well
            # (a look-alike link beside 10086.cn) is what a good fake does.
            score = max(score, flags[0].weight)
        level: Level = "low"
        if score >= self.rules.high:
            level = "high"
        elif score >= self.rules.medium:
            level = "medium"
        alone_high = bool(flags) and flags[0].weight >= self.rules.high
        for flag in flags:
            cap = signals[flag.id].at_most if flag.id in signals else None  # not a combination's
            if cap is not None and not alone_high and LEVELS.index(cap) > LEVELS.index(level):
                level = "medium" if cap == "medium" else "low"
        return RiskReport(level, score, tuple(flags), operator)

    def _combined(self, flags: list[Flag], score: float) -> tuple[list[Flag], float]:
        """Two signals that are each 中 but together the whole trick (a name and an ask): the
        first combination that holds leads the reasons and makes the message 高."""
        evidence = {flag.id: flag.evidence for flag in flags if flag.weight > 0}
        for combination in self.rules.combinations:
            members = [next((s for s in group if s in evidence), None) for group in combination.groups]
            if None in members:
                continue
            pieces = EVIDENCE_JOIN.join(dict.fromkeys(evidence[m] for m in members if m is not None))
            reason = combination.reason.format_map({"evidence": pieces})
            # Its weight makes up what the others lack: the score is the level's threshold.
            return [Flag(combination.id, reason, pieces, self.rules.high - score), *flags], self.rules.high
        return flags, score

    def _official_line(self, digits: str) -> bool:
        """An operator's hotline, or a line the rules call official with its country code
        (+86 13800100186): what the bot itself recommends calling."""
        return digits in self.rules.official_numbers or any(
            digits.endswith(number) for number in self._keep if len(number) > 5
        )

    def _sender(self, text: str) -> str:
        """The operator a message opens as ("【中国移动】…", "【10086】…", "Smart Advisory: …"), or ''."""
        head = text[:SENDER_CHARS]
        for number, owner in self.rules.official_numbers.items():
            if number in head:
                return owner
        for owner, names in self._sender_names.items():
            if any(name in head for name in names):
                return owner
        return ""

    # ---- the built-in detectors: (detector, evidence as shown, values for the reason) ----------

    def _detect(self, text: str, spelled: list[str]) -> Iterator[tuple[str, str, dict[str, str]]]:
        known = self.rules
        links, handles = find_links(text), find_handles(text)
        # Spelling apart matters when it hides a link or a contact ("1 2 3 4 5 上山打老虎" hides none).
        for joined in spelled:
            if joined == SPELLED_LINK:
                yield from (("spelled_out", show_host(link.host), {}) for link in links)
            elif any(joined in handle.name for handle in handles) or any(
                joined in link.host for link in links
            ):
                yield "spelled_out", f"{joined[:2]}…{joined[-2:]}", {}
        # A link or handle said again finds nothing new (its flag shows each once): judged once.
        seen: set[tuple[str, bool]] = set()
        for link in links:
            name = telegram_name(link)
            if (key := (name or link.host, link.ip)) in seen:
                continue
            seen.add(key)
            if name is not None:
                shown = show_handle(name)
                if name.lstrip("+") in known.known_handles:
                    yield "known_contact", shown, {}
                yield "telegram_handle", shown, {}
                yield from self._official_named(name, shown)
                continue
            shown = show_host(link.host)
            if link.ip:
                yield "ip_link", shown, {}
                continue
            registered = self._sites.registrable(link.host)
            if registered in known.known_domains:
                yield "known_contact", shown, {}
                continue
            if registered in known.shorteners:
                yield "short_link", shown, {}
            verdict = self._sites.judge(link.host)
            values = {"official": verdict.official or "", "owner": verdict.owner or ""}
            yield VERDICT_DETECTORS[verdict.kind], shown, values
        for handle in handles:
            shown = handle.shown()
            if (key := (f"{handle.app}:{handle.name}:{handle.phone}", False)) in seen:
                continue
            seen.add(key)
            if handle.name in known.known_handles:
                yield "known_contact", shown, {}
            yield ("telegram_handle" if handle.app == "telegram" else "chat_id"), shown, {}
            if not handle.phone:
                yield from self._official_named(handle.name, shown)
        if self._number_token is not None:
            for match in self._number_token.finditer(text):
                if match.group(0).isdigit():
                    continue  # the number itself, or another one: nothing passes for anything
                number = self._sites.lookalike_number(match.group(0))
                if number is not None:
                    swap = _swap(match.group(0), number[0])
                    yield (
                        "lookalike_number",
                        match.group(0),
                        {"official": number[0], "owner": number[1], "swap": swap},
                    )
        if DIGIT.search(text) is not None:  # a number to call, a price: most messages have no digit
            yield from self._numbers(text)
        if "折" in text or "%" in text:
            for match in DISCOUNT.finditer(text):
                share = _share_paid(match)
                if 0 < share < 1:
                    cut = "small_discount" if share >= SMALL_DISCOUNT else "price_cut"
                    # Asked about ("8折充话费靠谱吗"), a price counts as a phrase in a question does.
                    yield cut, match.group(0), {ASKED: f"{match.start()}:{match.end()}"}

    def _numbers(self, text: str) -> Iterator[tuple[str, str, dict[str, str]]]:
        """A number to call back, and a price against its face value."""
        sender = None
        for digits in find_call_numbers(text):
            # An operator's own hotline is what the bot itself recommends.
            if len(digits) > 5 and not self._official_line(digits):
                sender = sender if sender is not None else self._sender(text)
                if sender:
                    # Sent as the operator, yet the number to call is not the operator's.
                    yield "operator_callback", show_phone(digits), {"owner": sender}
                else:
                    yield "callback_number", show_phone(digits), {}
        for match in PRICE.finditer(text):
            face, paid = int(match.group("face")), int(match.group("paid"))
            if paid == face:
                # "面值300，售价300", "100P收100P": sold at face value, by someone.
                yield "face_value", match.group(0), {ASKED: f"{match.start()}:{match.end()}"}
            elif face * 0.3 <= paid < face:
                cut = "small_discount" if paid >= face * SMALL_DISCOUNT else "price_cut"
                yield cut, f"{face}只要{paid}", {ASKED: f"{match.start()}:{match.end()}"}
        if "get" in text or "makakuha" in text or "receive" in text or "makatanggap" in text:
            for match in PAY_GET.finditer(text):
                face, paid = int(match.group("face")), int(match.group("paid"))
                if paid >= 10 and face * 0.3 <= paid < face:  # "buy 1 get 2" counts items, not pesos
                    cut = "small_discount" if paid >= face * SMALL_DISCOUNT else "price_cut"
                    yield cut, f"{face}只要{paid}", {ASKED: f"{match.start()}:{match.end()}"}
        if "元" in text or "块" in text:
            for match in PAID_FIRST.finditer(text):
                ratio = float(match.group("paid")) / int(match.group("face"))
                if 0.3 <= ratio < 1:
                    cut = "small_discount" if ratio >= SMALL_DISCOUNT else "price_cut"
                    yield cut, match.group(0), {ASKED: f"{match.start()}:{match.end()}"}

    def _official_named(self, name: str, shown: str) -> Iterator[tuple[str, str, dict[str, str]]]:
        """A private account named after an operator (tk_10086kf, smart_service_ph)."""
        for official, owner in self._official_names.items():
            if official in name:
                yield "official_named_contact", shown, {"owner": owner}
                return


def _asked(
    share_at: Callable[[int, int, RiskSignal], float], signal: RiskSignal, values: dict[str, str]
) -> float:
    """The share of a detector's finding: in full, unless it may be asked about (a price)."""
    where = values.get(ASKED)
    if where is None:
        return 1.0
    start, end = map(int, where.split(":"))
    return share_at(start, end, signal)


def _share_paid(match: re.Match[str]) -> float:
    """The share of the face value paid: 8折 0.8, 8.5折 and 85折 0.85, 九九折 0.99, 20% off 0.8."""
    if off := match.group("off"):
        return 1 - int(off) / 100
    digits = match.group("digits") or "".join(str(NUMERALS[c]) for c in match.group("words"))
    if "." in digits:
        return float(digits) / 10
    return int(digits) / (10 if len(digits) == 1 else 100)


def _swap(token: str, number: str) -> str:
    """What passes for what in a look-alike number: 1OO86 → 字母 O 冒充数字 0."""
    swaps = dict.fromkeys(
        f"字母 {SHOWN_LETTER.get(c, c)} 冒充数字 {n}" for c, n in zip(token, number, strict=False) if c != n
    )
    return "，".join(swaps) or "字符形近"


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


def _unlinked(evidence: str) -> str:
    """A pattern's evidence that spans a link ("点击 cmcc-smrz.top 完成实名核验") shows the link
    defanged, as a link's own flag does: nothing of the message is shown in a form to tap."""
    if "." not in evidence:
        return evidence  # no link: most evidence
    for link in find_links(evidence):
        evidence = evidence.replace(link.host + link.path, show_host(link.host))
    return evidence.replace("https://", "").replace("http://", "")


def _symbols(match: re.Match[str]) -> str:
    return ":" if POINTERS.intersection(match.group(0)) else ""


def _joined(match: re.Match[str], spelled: list[str]) -> str:
    """ "s m a r t _ c z" → smart_cz; a name of four or more characters is noted."""
    joined = match.group(0).replace(" ", "")
    if len(joined) >= SPELLED_NAME:
        spelled.append(joined)
    return joined


def harmless_questions(content: Content) -> list[str]:
    """The questions the learned part learns as harmless: the intents' examples, but for the
    intents whose examples quote or tell scams (intents/_risk_examples.yaml not_harmless)."""
    if content.risk is None or content.risk.learned is None:
        return []
    skip = content.risk.learned.not_harmless
    intents = [intent for intent in content.intents.values() if intent.id not in skip]
    return [example for intent in intents for example in intent.examples]


def build_scanner(content: Content, cache_dir: Path | None = None) -> Scanner:
    """The scanner for this content: its rules, its allowlist, its operators' names, and the
    learned part when the content has its examples (trained once, then read from cache_dir)."""
    if content.risk is None:
        raise ValueError("the content has no scam-risk rules (intents/_risk.yaml)")
    labels = {op.id: op.label for op in content.operators.values()}
    examples = (example for intent in content.intents.values() for example in intent.examples)
    scanner = Scanner(content.risk.rules, content.allowlist, labels, examples)
    if content.risk.learned is not None:
        from bot.core.risk.learned import learned_model

        reason = content.risk.texts.learned
        questions = harmless_questions(content)
        scanner.learned = learned_model(content.risk.learned, scanner.prepare, reason, questions, cache_dir)
    return scanner
