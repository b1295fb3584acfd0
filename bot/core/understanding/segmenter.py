"""Step 2 of the core: jieba word segmentation with the domain vocabulary kept whole.

jieba's full dictionary (349k words) takes about 0.8 s to load, most of the cold-start budget.
Almost all of its words never meet a question about top-ups, so the bot gives jieba a smaller
dictionary: the most frequent general words, every jieba word that contains one of our domain
words (so that 移动硬盘 or 电信诈骗 stay whole and are not read as an operator), and the domain
words themselves. It is built once per vocabulary and cached on disk.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from types import ModuleType

from bot.core.understanding.disk_cache import cached_file

GENERAL_WORDS = 40_000  # by frequency; about 95% of jieba's frequency mass
DOMAIN_FREQ = 200_000  # high enough to win over any split jieba would otherwise prefer
FORMAT = "1"  # bump when the dictionary recipe changes


def _import_jieba() -> ModuleType:
    # jieba 0.42 imports pkg_resources only to find its own files; that costs ~0.1 s and a
    # deprecation warning. Without it jieba falls back to plain file paths.
    saved = sys.modules.get("pkg_resources")
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if saved is None:
            del sys.modules["pkg_resources"]
        else:
            sys.modules["pkg_resources"] = saved
    jieba.setLogLevel(logging.WARNING)
    return jieba


jieba = _import_jieba()


def _build_dictionary(domain: list[str]) -> str:
    # Each line of jieba's dict.txt is "word frequency tag": one flat split of the whole file is
    # several times faster than splitting 349k lines one by one (this runs on a first start).
    tokens = (resources.files("jieba") / "dict.txt").read_text(encoding="utf-8").split()
    if len(tokens) % 3:
        raise ValueError("jieba's dict.txt is not 'word frequency tag' per line; bump FORMAT and adapt")
    words, freqs, tags = tokens[0::3], tokens[1::3], tokens[2::3]
    general = sorted(range(len(words)), key=lambda i: -int(freqs[i]))[:GENERAL_WORDS]
    long_domain = sorted({w for w in domain if len(w) >= 2}, key=len, reverse=True)
    containing: list[int] = []
    if long_domain:
        contains = re.compile("|".join(map(re.escape, long_domain)))
        containing = [i for i, word in enumerate(words) if len(word) > 2 and contains.search(word)]
    lines = {words[i]: f"{words[i]} {freqs[i]} {tags[i]}" for i in [*general, *containing]}
    for word in domain:
        # Spaces would break jieba's dictionary format; such phrases are matched as keywords instead.
        if word and " " not in word:
            lines[word] = f"{word} {DOMAIN_FREQ} n"
    return "\n".join(lines.values()) + "\n"


class Segmenter:
    """Cuts normalized text into words. Built once per process; never per message."""

    def __init__(self, domain_words: Iterable[str], cache_dir: Path | None = None) -> None:
        domain = sorted({w.strip() for w in domain_words if w.strip()})
        digest = hashlib.sha256("\n".join([FORMAT, jieba.__version__, *domain]).encode()).hexdigest()[:16]
        self.dictionary = cached_file(
            cache_dir, f"jieba-{digest}.txt", lambda: _build_dictionary(domain).encode("utf-8")
        )
        self._tokenizer = jieba.Tokenizer(str(self.dictionary))
        self._tokenizer.tmp_dir = str(self.dictionary.parent)
        # jieba would name its cache after the md5 of the dictionary's path; named after the
        # dictionary instead, old versions of it are cleared with the dictionary's (disk_cache.prune).
        self._tokenizer.cache_file = self.dictionary.with_suffix(".cache").name
        self._tokenizer.initialize()

    def cut(self, text: str) -> list[str]:
        # Without jieba's HMM, unknown words fall apart into characters, which the matcher's
        # character pairs cover anyway; the HMM would cost a tenth of the time per question.
        return [w for w in self._tokenizer.lcut(text, HMM=False) if w.strip()]
