"""Homophones and pinyin, by principle rather than by a list: words are compared by their sound.

Chinese typing is by pinyin, so most typos sound like the word meant: 冲值, 充直, 话废, 保耗. And
some users type the pinyin itself: chongzhi, "bao hao", huafei. Both are read here by comparing
the toneless pinyin with the domain's own words (the lexicon's words and the intents' keywords):
  - a run of characters that jieba could not make a word of (each came out alone) is replaced by
    the domain word that sounds the same and shares at least one character with it; a real word
    (花费, 长沙) is never touched, since jieba keeps it whole;
  - a run of Latin letters that spells the pinyin of a domain word, an operator's name or any
    word of two syllables or more in the YAML examples becomes that word ("zhe ge shi pianzi ma").
The table is built with pypinyin once per vocabulary and cached on disk: pypinyin costs 0.11 s to
import, more than a fifth of the start-up budget, so a start with a warm cache never imports it.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.core.understanding.disk_cache import cached_file

FORMAT = "2"  # bump when the table's recipe changes
LONGEST = 4  # characters; longer domain words are rare and typos in them rarer
LATIN_RUN = re.compile(r"[a-z]+(?: [a-z]+)*")
# A particle that differs is grammar, not a typo: 身份证号吗 asks a question, it is not 号码.
PARTICLES = frozenset("吗呢吧啊呀哦嘛么的")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _cjk_words(words: Iterable[str]) -> list[str]:
    return sorted({w for w in words if 2 <= len(w) <= LONGEST and all(_is_cjk(ch) for ch in w)})


def _build_table(words: list[str], spelled: list[str]) -> dict[str, object]:
    from pypinyin import Style, lazy_pinyin
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    by_sound: dict[str, str] = {}
    latin: dict[str, str] = {}
    for word in words:
        syllables = lazy_pinyin(word, style=Style.NORMAL)
        by_sound.setdefault(" ".join(syllables), word)
    # Domain words first: where two words sound the same, the domain's own wins.
    for word in [*words, *spelled]:
        latin.setdefault("".join(lazy_pinyin(word, style=Style.NORMAL)), word)
    wanted = {s for key in by_sound for s in key.split()}
    # Every common character's first reading, but only for the syllables a domain word uses:
    # a character that sounds like none of them can never be part of a homophone typo.
    chars = {}
    for code, readings in pinyin_dict.items():
        ch = chr(code)
        if _is_cjk(ch):
            syllable = to_normal(readings.split(",")[0])
            if syllable in wanted:
                chars[ch] = syllable
    syllables = sorted({to_normal(r) for readings in pinyin_dict.values() for r in readings.split(",")})
    return {"by_sound": by_sound, "latin": latin, "chars": chars, "syllables": syllables}


class SoundAlike:
    def __init__(
        self,
        domain_words: Iterable[str],
        cache_dir: Path | None = None,
        spelled: Callable[[], Iterable[str]] = tuple,
        key: str = "",
    ) -> None:
        """`domain_words` are mended and spelled; the words `spelled` returns (called only when the
        table is built; `key` must change when they do) are only recognised in pinyin."""
        words = _cjk_words(domain_words)
        digest = hashlib.sha256("\n".join([FORMAT, key, *words]).encode()).hexdigest()[:16]

        def build() -> bytes:
            return marshal.dumps(_build_table(words, _cjk_words(spelled())))

        path = cached_file(cache_dir, f"pinyin-{digest}.marshal", build)
        self.table = path.name  # names this table in other cache keys
        table = marshal.loads(path.read_bytes())
        self._by_sound: dict[str, str] = table["by_sound"]
        self._latin: dict[str, str] = table["latin"]
        self._chars: dict[str, str] = table["chars"]
        self._syllables = frozenset(table["syllables"])
        # The syllables a domain word starts with: a run of lone characters is tried only from one.
        self._starts = frozenset(sound.split(" ", 1)[0] for sound in self._by_sound)

    def latin(self, text: str) -> str:
        """chongzhi, "bao hao" → the domain word they spell; other Latin words stay as they are."""
        return LATIN_RUN.sub(self._spelled, text)

    def _spelled(self, match: re.Match[str]) -> str:
        tokens = match.group(0).split(" ")
        out = []
        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + LONGEST), i, -1):
                word = self._latin.get("".join(tokens[i:j]))
                if word is not None:
                    out.append(word)
                    i = j
                    break
            else:
                out.append(tokens[i])
                i += 1
        return " ".join(out)

    def is_pinyin(self, word: str) -> bool:
        """Whether a Latin word is toneless pinyin, one syllable or several (ka, haoma, feilvbin)."""
        if not word.isascii() or not word.isalpha():
            return False
        # ends[i]: the word's first i letters split into syllables (at most 6 letters each).
        ends = [True] + [False] * len(word)
        for i in range(1, len(word) + 1):
            ends[i] = any(ends[j] and word[j:i] in self._syllables for j in range(max(0, i - 6), i))
        return ends[-1]

    @staticmethod
    def _typo(typed: str, meant: str) -> bool:
        """Sounding alike is not enough: one character must be right (化肥 is not 话费), and a
        particle that differs is grammar, not a typo (身份证号吗 is not 号码)."""
        pairs = list(zip(typed, meant, strict=True))
        return any(a == b for a, b in pairs) and not any(a != b and a in PARTICLES for a, b in pairs)

    def repair(self, words: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """Runs of lone characters that sound like a domain word become that word.

        Returns the new words and the (typed, meant) pairs, so the text can be mended the same way.
        """
        chars = self._chars
        out: list[str] = []
        fixed: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            # Most words are not even a candidate: longer, or no domain word starts with their sound.
            if len(words[i]) != 1 or chars.get(words[i]) not in self._starts:
                out.append(words[i])
                i += 1
                continue
            # The run of lone characters with a known sound from here (a window can only lie
            # inside it), read once: the longest window first, each a slice of the run's sounds.
            end, limit = i + 1, min(len(words), i + LONGEST)
            while end < limit and len(words[end]) == 1 and words[end] in chars:
                end += 1
            sounds = [chars[ch] for ch in words[i:end]]
            for length in range(end - i, 1, -1):
                meant = self._by_sound.get(" ".join(sounds[:length]))
                typed = "".join(words[i : i + length])
                if meant is not None and meant != typed and self._typo(typed, meant):
                    out.append(meant)
                    fixed.append((typed, meant))
                    i += length
                    break
            else:
                out.append(words[i])
                i += 1
        return out, fixed
