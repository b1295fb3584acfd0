"""The phrase and pattern signals of the scam-risk check, found in as few passes over the text as possible.

Every message is scanned, so the cost per message matters more than the cost of building:
- all phrases form one regex shaped as a trie ("代(?:充|缴)"), where a position that starts
  no phrase costs one look-up;
- patterns that begin with literal words ("(发|告诉|提供)…验证码") are joined into one more
  regex, one branch per first character followed by its pattern's rest
  ("发(?:|送)(?P<w0>…)|告诉(?P<w1>…)"): as every branch begins with a literal, re skips at C
  speed to where one may begin, where an alternation of whole patterns would be tried branch
  by branch at every position;
- the few patterns that begin otherwise ("[1-9]…折") run on their own.
Only optional groups and the YAML's own bounded repeats: linear in the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping

from bot.content.model import RiskSignal
from bot.core.understanding.pattern_source import alternates_at_top

Trie = dict[str, "Trie"]
# A pattern that begins with a group of plain words: "(发|告诉|提供)rest" or "(?:a|b)rest".
LEADING_WORDS = re.compile(r"\((?:\?:)?(?P<words>[^()\[\]{}\\|?*+.^$]+(?:\|[^()\[\]{}\\|?*+.^$]+)*)\)")
# A rest that cannot stand without the leading group: it refers to a group ("\1", "(?P=w)",
# "(?(1)…)") or repeats what went before ("?…"). Found by reading, not by compiling each branch on
# its own, which cost the scanner's start more than compiling them all together.
LEANING_REST = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|^[?*+]|^\{[0-9]")
# How far before a phrase a "不要"/"请勿"/"do not" still cancels it (within its clause).
NOT_AFTER_WINDOW = 10
# Where a clause ends, and what makes it a question.
CLAUSE_ENDS = "，,。.！!？?；;\n"
QUESTION = re.compile(
    r"吗|么|嘛|呢|是否|是不是|有没有|会不会|要不要|需不需要|用不用|能不能|可不可以|如何|怎样|哪里|哪儿|多少|[?？]"
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
        self._by_group: dict[str, RiskSignal] = {}
        self._apart = []
        # The branches of every pattern, under the character they begin with: where re would try
        # each of some 300 branches at a position, it tries each first character once, then only
        # the branches that begin with it (in the patterns' order, so the same branch wins).
        led: dict[str, list[str]] = {}
        for signal in signals:
            for pattern in signal.patterns:
                branches = self._led_by_words(pattern.pattern, len(self._by_group))
                if branches is None:
                    self._apart.append((pattern, signal))
                    continue
                for group, char, branch in branches:
                    self._by_group[group] = signal
                    led.setdefault(char, []).append(branch)
        # The characters met most often first, as in the phrases' trie (the order changes no match).
        rank = common or {}
        firsts = sorted(led, key=lambda char: -rank.get(char, 0))
        self._led = (
            re.compile("|".join(f"{re.escape(char)}(?:{'|'.join(led[char])})" for char in firsts))
            if led
            else None
        )

    @staticmethod
    def _led_by_words(source: str, first: int) -> list[tuple[str, str, str]] | None:
        """(group name, first character, "(?:ord)(?P<group>rest)") per first character of the
        leading words; None if led otherwise."""
        match = LEADING_WORDS.match(source)
        if match is None or alternates_at_top(source[match.end() :]):
            return None
        rest = source[match.end() :]
        if LEANING_REST.search(rest) is not None:
            return None
        # Words that begin alike share a branch ("发(?:|给|送)rest"): every branch still begins with
        # a literal, and the rest is written (and compiled) once per first character, not per word.
        tails: dict[str, list[str]] = {}
        for word in match.group("words").split("|"):
            tails.setdefault(word[0], []).append(re.escape(word[1:]))
        return [
            (f"w{number}", char, f"(?:{'|'.join(ends)})(?P<w{number}>{rest})")
            for number, (char, ends) in enumerate(tails.items(), start=first)
        ]

    def find(self, text: str) -> list[tuple[RiskSignal, str, float]]:
        """Each (signal, evidence, share of its weight) found; a cancelled match does not count.

        Plain loops and a list: this runs on every message, and most find nothing.
        """
        matches: list[tuple[RiskSignal, re.Match[str]]] = []
        if self._phrases is not None:
            for match in self._phrases.finditer(text):
                if _whole_word(text, match.start(), match.end()):
                    for signal in self._by_phrase[match.group(0)]:
                        matches.append((signal, match))
        if self._led is not None:
            for match in self._led.finditer(text):
                matches.append((self._by_group[str(match.lastgroup)], match))
        for pattern, signal in self._apart:
            if pattern.search(text) is not None:
                for match in pattern.finditer(text):
                    matches.append((signal, match))
        if not matches:
            return []  # most messages
        questions = Questions(text)
        # Where the first word that reports someone's offer ends ("有人卖…"): found once, not per match.
        reported = min(
            (found + len(word) for word in self._reporters if (found := text.find(word)) >= 0),
            default=len(text) + 1,
        )
        return [
            (signal, match.group(0).strip(), self._share(match, signal, questions, reported))
            for signal, match in matches
            if not cancelled(text, match.start(), signal)
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

    def _share(self, match: re.Match[str], signal: RiskSignal, questions: Questions, reported: int) -> float:
        """A question about a thing is not an offer of it ("慢充是什么意思"), unless it reports one
        ("有人卖8折代充，靠谱吗"): then the phrase counts only for a share of its weight."""
        share = self._question_share if signal.question_share is None else signal.question_share
        if share == 1.0 or not questions.around(match.start(), match.end()):
            return 1.0
        return 1.0 if reported <= match.start() else share
