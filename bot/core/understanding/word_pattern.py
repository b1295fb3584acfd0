"""One regex for many words (names, hints, typos), built as a trie so a scan costs little per character.

A plain alternation of hundreds of words ("smart|中国移动|…") is linear in the text too, but each
position tries every word, and a leading lookbehind (the Latin word edge) stops the regex engine
from skipping positions whose character starts no word: 4,000 characters took 5 to 20 ms per
pattern, and one question runs about twenty such scans. The trie tries only the words that share
the characters read so far, and each branch starts with a literal, so the engine skips the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_END = ""  # the trie key that marks a whole word (no character is the empty string)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _branches(node: dict[str, Any], first: bool) -> str:
    """The regex of one trie node: every longer word first, the word ending here last, so the
    longest word wins at a position as in an alternation sorted longest first."""
    alternatives = []
    for ch in sorted(k for k in node if k != _END):
        piece = re.escape(ch)
        if first and _latin(ch):
            # "No letter or digit before the word", asked after its first character, so that every
            # branch opens with a literal (the engine then skips positions no word starts at).
            piece += f"(?<![a-z0-9]{piece})"
        alternatives.append(piece + _branches(node[ch], False))
    if _END in node:
        alternatives.append(node[_END])
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """A regex that finds the longest of the words at the first place one occurs; a Latin or digit
    edge matches only whole ("load", not "download"; "smart", not "smartphone"; 10086, not inside a
    longer number); Chinese has no word edges. None for no words."""
    root: dict[str, Any] = {}
    for word in set(words):
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        # What must follow the word's end: nothing that would continue a Latin word or number.
        node[_END] = r"(?![a-z0-9])" if _latin(word[-1:]) else ""
    if not root:
        return None
    return re.compile(_branches(root, True))
