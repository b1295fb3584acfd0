"""Each caveat at most once in a chat: a sentence of an answer that warns (不要…, ⚠️, 谨防) is left
out of a later answer in the same chat that would say it again.

A caveat is known by a short digest of its sentence, kept in the chat's state. Hedges (以官方为准,
未核实) are no caveats: they qualify the fact beside them and stay with it every time. The answer's
first line stays, and an answer that would be left with little else is given whole.
"""

from __future__ import annotations

import hashlib
import re

# What makes a sentence a caveat rather than a step or a fact: it warns.
WARNS = re.compile(r"⚠️|不要|别|千万|小心|谨防|请勿")
# A sentence this short is not worth a digest.
MIN_CAVEAT = 12
# An answer left shorter than this without its repeated caveats is given whole.
MIN_LEFT = 40
# The digests a chat keeps: the newest this many.
KEPT = 24
SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def digest(sentence: str) -> str:
    return hashlib.blake2s(sentence.strip().encode("utf-8"), digest_size=5).hexdigest()


def is_caveat(sentence: str) -> bool:
    return len(sentence.strip()) >= MIN_CAVEAT and WARNS.search(sentence) is not None


def once(text: str, said: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The text without caveats the chat was already shown, and the digests said after it."""
    lines = text.splitlines()
    kept: list[str] = []
    new: list[str] = []
    for i, line in enumerate(lines):
        sentences = [s for s in SENTENCE_END.split(line) if s]
        fresh = [s for s in sentences if i == 0 or not is_caveat(s) or digest(s) not in said]
        new += [digest(s) for s in fresh if is_caveat(s)]
        if fresh or not sentences:
            kept.append("".join(fresh))
    if len("".join(kept).strip()) < MIN_LEFT:
        return text, said  # little but caveats already said: the answer stands whole
    return "\n".join(kept), tuple(dict.fromkeys((*said, *new)))[-KEPT:]
