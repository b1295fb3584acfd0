"""Step 1 of the core: turn whatever a user typed into one canonical simplified-Chinese form."""

from __future__ import annotations

import re
import unicodedata

import opencc

from bot.content.model import Lexicon
from bot.content.patterns import RegexSet
from bot.core.understanding.links import find_links
from bot.core.understanding.word_pattern import word_pattern

# What decides a long message is read: its opening and its end (a question asked after a pasted
# text), as two clauses; the middle is the scam check's to read, which reads 10,000 characters in
# linear time. Telegram allows 4,096 characters, and reading them all cost a question's reading
# 300 times over (segmenting, scoring every clause). The longest of the 3,194 labelled questions
# and examples is 184 characters: every one is read whole. The cut is taken again after NFKC,
# which can make one character many (㏘ is "p.m.", ﷺ eighteen).
READ_HEAD = 200
READ_TAIL = 100


def what_decides(text: str) -> str:
    """The text, or for a long one its first READ_HEAD and last READ_TAIL characters."""
    if len(text) <= READ_HEAD + READ_TAIL:
        return text
    return f"{text[:READ_HEAD]}。{text[-READ_TAIL:]}"


# Latin letters with marks: pinyin with its tones (chōngzhí), Tagalog or Spanish accents. The
# marks go (chongzhi), so the words are matched as people type them without.
MARKED_LATIN = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def _unmarked(match: re.Match[str]) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", match.group(0)) if not unicodedata.combining(ch))


# Placeholders jieba keeps whole (they are in the lexicon's words); intents use them in examples.
URL_TOKEN = "网址链接"
HANDLE_TOKEN = "tg账号"


# Control and format characters (escape codes, zero-width and bidi marks), surrogates and
# private-use characters: Unicode categories Cc, Cf, Cs and Co. Newlines are kept as spaces.
CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\uf8ff\U000e0001-\U000e007f\U000f0000-\U0010ffff]"
)


def tokenize_links(text: str) -> str:
    """Each link, domain and handle becomes one placeholder word; the words around it stay."""
    pieces, position = [], 0
    for link in find_links(text):
        # A Telegram link is a handle by another name; both are what the spam adverts sell through.
        token = URL_TOKEN if link.kind in ("url", "domain") else HANDLE_TOKEN
        pieces += [text[position : link.start], f" {token} "]
        position = link.end
    pieces.append(text[position:])
    return "".join(pieces)


class Normalizer:
    """NFKC (full width to half width), lower case, traditional to simplified, then typos and synonyms."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._t2s = opencc.OpenCC("t2s")
        self._negations = [n.regex for n in lexicon.negations if n.regex is not None]
        self._negation_set = RegexSet(self._negations)
        table = {self._script(wrong): self._script(right) for wrong, right in lexicon.replacements.items()}
        self._replacements = table
        self._pattern = word_pattern(table)

    def _script(self, text: str) -> str:
        return self._t2s.convert(unicodedata.normalize("NFKC", text).lower())

    def script(self, text: str) -> str:
        """Only the mechanical steps: controls out, NFKC, lower case, 繁→简, links and handles as tokens."""
        text = what_decides(self._script(CONTROLS.sub(" ", what_decides(text))))
        text = MARKED_LATIN.sub(_unmarked, text)
        return " ".join(tokenize_links(text).split())

    def replace(self, scripted: str) -> str:
        """Typos and synonyms → the words the intents use."""
        if self._pattern is None:
            return scripted
        return self._pattern.sub(lambda m: self._replacements[m.group(0)], scripted)

    def __call__(self, text: str) -> str:
        return self.replace(self.script(text))

    def drop_negated(self, text: str) -> tuple[str, list[str]]:
        """Removes what the user says they are *not* asking ("不是问怎么充，是问在哪充").

        The whole negating frame goes ("不是问…，是问"), so its words vote for nothing; the
        'drop' group is what is reported as ignored.
        """
        dropped: list[str] = []
        found = self._negation_set.matching(text)  # most questions: none, and nothing is searched
        for n, regex in enumerate(self._negations):
            match = regex.search(text) if n in found else None
            if match and (drop := match.group("drop")):
                dropped.append(drop)
                text = text[: match.start()] + " " + text[match.end() :]
                found = self._negation_set.matching(text)
        return text, dropped
