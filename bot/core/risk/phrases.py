"""The phrase and pattern signals of the scam-risk check, found in as few passes over the text as possible.

Every message is scanned, so the cost per message matters more than the cost of building:
- all phrases form one regex shaped as a trie ("代(?:充|缴)"), where a position that starts
  no phrase costs one look-up;
- patterns that begin with plain words ("(发|告诉|提供)…验证码") are searched only in a text
  holding a first character of those words, and read as one regex joining them would be
  (the first in the YAML's order wins where two match at the same place);
- the few patterns that begin otherwise ("[1-9]…折") run on their own.
The patterns run on RE2 (bot/content/patterns.py): linear in the text, whatever they say.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from bot.content.model import RiskSignal
from bot.content.patterns import Encoded, Regex, RegexSet
from bot.core.risk.links import widened
from bot.core.understanding.pattern_source import alternates_at_top

Trie = dict[str, "Trie"]
# A pattern that begins with a group of plain words: "(发|告诉|提供)rest" or "(?:a|b)rest".
LEADING_WORDS = re.compile(
    r"\((?:\?:|(?P<before>\?P<before>))?(?P<words>[^()\[\]{}\\|?*+.^$]+(?:\|[^()\[\]{}\\|?*+.^$]+)*)\)"
)
# What RE2 has instead of look-arounds: a pattern may match what must come before or after it
# in groups of these names, and what it found (its evidence, where it starts and ends) is only
# what lies between: (?P<before>能|会|以)(帮|替)… is "帮我充" in "能帮我充"; …内(?P<after>$|[^有]|有($|[^效]))
# is "24小时内" in "24小时内停机", and nothing in "5分钟内有效".
CONTEXT = ("before", "after")
# How far before a phrase a "不要"/"请勿"/"do not" still cancels it (within its clause).
NOT_AFTER_WINDOW = 10
# Where a clause ends, and what makes it a question.
CLAUSE_ENDS = "，,。.！!？?；;\n"
QUESTION = re.compile(
    # "有多少收多少" (we buy as many as you have) is a buyer's promise, not a question.
    r"吗|么|嘛|呢|是否|是不是|有没有|会不会|要不要|需不需要|用不用|能不能|可不可以|如何|怎样|哪里|哪儿"
    r"|(?<![有收要])多少(?![收要])|[?？]"
    r"|\b(how|what|where|why|can i|do i|is it|should i"
    # Tagalog: ano (what), paano (how), bakit (why), saan (where), magkano (how much), … ba (yes/no)
    r"|ano|paano|bakit|saan|magkano|ibig sabihin|totoo ba|legit ba|pwede ba|okay lang ba|tama ba)\b"
)


# What joins a number into a link or an account name (with "-" after it: 10086-cz.com).
IN_A_NAME = frozenset("./@_")


def trie_pattern(words: Iterable[str], common: Mapping[str, int] | None = None) -> str:
    """One regex for many phrases, shaped as a trie, longest first at each position.

    At a position re tries a node's alternatives one by one until one's first character fits;
    `common` (how often each character occurs in ordinary questions) puts the characters met most
    often first, so the usual position is settled in a few steps, not a walk through all of them.
    The order changes nothing of what matches: a node's alternatives begin with different characters.
    """
    rank = common or {}
    root: Trie = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: Trie) -> str:
        chars = sorted((char for char in node if char), key=lambda char: (-rank.get(char, 0), char))
        alternatives = [re.escape(char) + branch(node[char]) for char in chars]
        if not alternatives:
            return ""
        body = "(?:" + "|".join(alternatives) + ")"
        return body + "?" if "" in node else body

    return branch(root)


def _whole_word(text: str, start: int, end: int) -> bool:
    """A phrase with a Latin edge matches whole words only: "tg", not the tg in "settings"; a number
    not inside a link or an account either ("10086", not the one in jf.10086.cn or tk_10086kf;
    "0755-96110" is a number with its area code)."""
    before = text[start - 1 : start] if start else ""
    after = text[end : end + 1]
    if before.isascii() and before.isalnum() and text[start].isascii() and text[start].isalnum():
        return False
    if text[start:end].isdigit() and (before in IN_A_NAME or (after in IN_A_NAME or after == "-")):
        return False
    return not (after.isascii() and after.isalnum() and text[end - 1].isascii() and text[end - 1].isalnum())


def cancelled(text: str, start: int, signal: RiskSignal) -> bool:
    """ "请勿泄露验证码" warns, it does not ask: a cancelling word just before the match."""
    if not signal.not_after:
        return False
    before = text[max(0, start - NOT_AFTER_WINDOW) : start]
    opening = max(before.rfind(mark) for mark in CLAUSE_ENDS) + 1
    return any(word in before[opening:] for word in signal.not_after)


CLAUSE_END = re.compile("[" + re.escape(CLAUSE_ENDS) + "]")


class Questions:
    """Which clauses of one text ask something, each clause searched once however many phrases it holds.

    Asking per match (look back and ahead for the clause's ends, then search it) costs the
    clause's length each time: a long clause full of phrases ("代充 " × 3,000) made it quadratic.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._ends = [match.start() for match in CLAUSE_END.finditer(text)]
        self._asks: dict[tuple[int, int], bool] = {}

    def around(self, start: int, end: int) -> bool:
        """Whether the clause around text[start:end] asks something ("慢充是什么意思", "USDT能充话费吗")."""
        before = bisect.bisect_left(self._ends, start) - 1
        after = bisect.bisect_left(self._ends, end)
        opening = self._ends[before] + 1 if before >= 0 else 0
        closing = self._ends[after] if after < len(self._ends) else len(self._text)
        asks = self._asks.get((opening, closing))
        if asks is None:
            asks = QUESTION.search(self._text, opening, closing + 1) is not None
            self._asks[opening, closing] = asks
        return asks


# A pattern of a signal, and where its "before" and "after" groups are (-1: none).
Pattern = tuple[Regex, RiskSignal, int, int]


def _led_by_words(source: str) -> bool:
    """Whether a pattern begins with a group of plain words (which it cannot match without)."""
    match = LEADING_WORDS.match(source)
    rest = source[match.end() :] if match is not None else ""
    # "(发|给)?…" or "(发|给)*…": the words may be left out, and a match begin anywhere.
    return not (match is None or alternates_at_top(rest) or rest.startswith(("?", "*", "{0")))


def _in_turn(text: str, patterns: list[Pattern]) -> Iterator[tuple[RiskSignal, int, int]]:
    """(signal, start, end) of what the patterns find, as one regex joining them in this order
    would: left to right, where several match at one place the first of them, and the next
    search after its end. Each is searched on its own, and again only when a match it had found
    was passed over (linear in the text): one RE2 regex joining them all made a DFA too large
    to be fast. What a pattern shows is between its "before" and "after" groups."""
    if not patterns:
        return
    encoded = Encoded(text)
    data = encoded.data
    found = [pattern.search_from(data, 0) for pattern, *_ in patterns]
    while True:
        best, first = -1, len(data) + 1
        for n, match in enumerate(found):
            if match is not None and match.start() < first:
                best, first = n, match.start()
        if best < 0:
            return
        match = found[best]
        assert match is not None
        _, signal, before, after = patterns[best]
        start, end = match.span()
        shown_start = match.end(before) if before >= 0 and match.start(before) >= 0 else start
        shown_end = match.start(after) if after >= 0 and match.start(after) >= 0 else end
        yield signal, encoded.char(shown_start), encoded.char(shown_end)
        position = end if end > start else encoded.after(start)
        for n, other in enumerate(found):
            if other is not None and other.start() < position:
                found[n] = patterns[n][0].search_from(data, position) if position <= len(data) else None


class PhraseFinder:
    def __init__(
        self,
        signals: Iterable[RiskSignal],
        prepare: Callable[[str], str],
        question_share: float = 1.0,
        reporters: tuple[str, ...] = (),
        common: Mapping[str, int] | None = None,
    ) -> None:
        signals = list(signals)
        self._question_share = question_share
        self._reporters = reporters
        self._by_phrase: dict[str, list[RiskSignal]] = {}
        for signal in signals:
            for phrase in signal.phrases:
                self._by_phrase.setdefault(prepare(phrase), []).append(signal)
        self._phrases = re.compile(trie_pattern(self._by_phrase, common)) if self._by_phrase else None
        # Each pattern with its signal and where its "before" and "after" groups are (-1: none).
        self._led: list[Pattern] = []
        self._apart: list[Pattern] = []
        for signal in signals:
            for pattern in signal.patterns:
                before, after = (pattern.groupindex.get(name, -1) for name in CONTEXT)
                (self._led if _led_by_words(pattern.pattern) else self._apart).append(
                    (pattern, signal, before, after)
                )
        # Most messages hold none of the words the patterns need: one call says which can match.
        self._pattern_set = RegexSet([pattern for pattern, *_ in (*self._led, *self._apart)])

    def find(self, text: str) -> list[tuple[RiskSignal, str, float]]:
        """Each (signal, evidence, share of its weight) found; a cancelled match does not count.
        The evidence is the match and the rest of a name or number it cuts into: the scanner
        masks it whole (bot/core/risk/links.py `shown`).

        Plain loops and a list: this runs on every message, and most find nothing.
        """
        matches: list[tuple[RiskSignal, int, int]] = []  # (signal, start, end) of what it found
        if self._phrases is not None:
            for match in self._phrases.finditer(text):
                if _whole_word(text, match.start(), match.end()):
                    for signal in self._by_phrase[match.group(0)]:
                        matches.append((signal, match.start(), match.end()))
        fired = self._pattern_set.matching(text) if self._led or self._apart else set()
        if fired:
            # The patterns led by words as one regex joining them would find (as they were once
            # joined: where two match at one place the first wins), each other pattern on its own.
            matches.extend(_in_turn(text, [p for n, p in enumerate(self._led) if n in fired]))
            for n, pattern in enumerate(self._apart, start=len(self._led)):
                if n in fired:
                    matches.extend(_in_turn(text, [pattern]))
        if not matches:
            return []  # most messages
        questions = Questions(text)
        # Where the first word that reports someone's offer ends ("有人卖…"): found once, not per match.
        reported = min(
            (found + len(word) for word in self._reporters if (found := text.find(word)) >= 0),
            default=len(text) + 1,
        )
        return [
            (signal, widened(text, start, end).strip(), self._share(start, end, signal, questions, reported))
            for signal, start, end in matches
            if not cancelled(text, start, signal)
        ]

    def asked(self, text: str) -> Callable[[int, int, RiskSignal], float]:
        """The share of a signal's weight for what a detector found at text[start:end], as for a
        phrase there. The clauses and the first reporter are found once per text, on first use:
        a text full of prices ("100只要70" × 200) must not search them per price."""
        found: list[tuple[Questions, int]] = []

        def share_at(start: int, end: int, signal: RiskSignal) -> float:
            share = self._question_share if signal.question_share is None else signal.question_share
            if share == 1.0:
                return 1.0
            if not found:
                reporters = (at for word in self._reporters if (at := text.find(word)) >= 0)
                found.append((Questions(text), min(reporters, default=len(text))))
            questions, reported = found[0]
            if not questions.around(start, end):
                return 1.0
            return 1.0 if reported < start else share

        return share_at

    def _share(self, start: int, end: int, signal: RiskSignal, questions: Questions, reported: int) -> float:
        """A question about a thing is not an offer of it ("慢充是什么意思"), unless it reports one
        ("有人卖8折代充，靠谱吗"): then the phrase counts only for a share of its weight."""
        share = self._question_share if signal.question_share is None else signal.question_share
        if share == 1.0 or not questions.around(start, end):
            return 1.0
        return 1.0 if reported <= start else share
