"""Latin operator names typed one slip off: smat, smrat, smar, unciom → the name.

Chinese typos are mended by their sound (bot/core/understanding/pinyin.py); a Latin name is typed
on a keyboard, so its typos are keyboard slips: a letter left out, one too many, or two swapped. A
substitution is not mended: one letter changed turns smart into start, a word in its own right, and a name
shorter than five letters (tnt) is too close to too many words to be guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SHORTEST = 5  # letters in a name whose slips are mended
LATIN_WORD = re.compile(r"(?<![a-z])[a-z]{4,}(?![a-z])")


def _slips(name: str) -> set[str]:
    """Every way to type `name` with one letter left out, one doubled or two neighbours swapped.
    The first letter is kept: people rarely miss it, and mart or tart are words."""
    out = {name[:i] + name[i + 1 :] for i in range(1, len(name))}
    out |= {name[:i] + name[i] + name[i:] for i in range(1, len(name))}
    out |= {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(1, len(name) - 1)}
    out.discard(name)
    return out


class NameSpelling:
    def __init__(self, names: Iterable[str], words: Iterable[str] = ()) -> None:
        """`names`: the Latin names to mend towards; `words`: Latin words that are never a slip
        (every Latin word the content knows, so a real word is never "mended")."""
        keep = set(words)
        self._meant: dict[str, str] = {}
        for name in sorted(n for n in set(names) if n.isascii() and n.isalpha() and len(n) >= SHORTEST):
            for slip in _slips(name):
                if slip not in keep:
                    self._meant.setdefault(slip, name)

    def mend(self, text: str) -> str:
        """The text with each slip of a name replaced by the name (lower-case text expected)."""
        if not self._meant:
            return text
        return LATIN_WORD.sub(lambda m: self._meant.get(m.group(0), m.group(0)), text)
