"""What a YAML pattern's source says plainly about where its matches begin.

Most patterns open with a group of plain words ("(让我|要我|叫我).{0,8}…"), so a match must begin
with one of them. The matcher skips the search of a question holding none of their first
characters; the scam check joins such patterns into one regex led by those words
(bot/core/risk/phrases.py). Both must know when a source alternates at the top ("(a|b)x|y").
"""

from __future__ import annotations

SPECIAL = frozenset("\\.^$*+?{}[]()|")
# What makes the opening group or character optional or repeated: then it says nothing.
OPTIONAL = ("?", "*", "{0", "{,")


def first_characters(source: str) -> frozenset[str] | None:
    """The possible first characters of a match, or None when the source does not show them plainly
    (a top-level |, a look-around, a character class, an optional opening)."""
    body = source.removeprefix("^")
    if alternates_at_top(body):
        return None
    if body.startswith("(?:"):
        head, rest = body[3:], None
    elif body.startswith("(") and not body.startswith("(?"):
        head, rest = body[1:], None
    else:
        head, rest = "", body
    if rest is not None:  # a plain first character, not made optional by what follows it
        if not rest or rest[0] in SPECIAL or rest[1:].startswith(OPTIONAL):
            return None
        return frozenset(rest[0])
    close = head.find(")")
    if close <= 0 or head[close + 1 :].startswith(OPTIONAL):
        return None
    words = head[:close].split("|")
    if any(not word or not SPECIAL.isdisjoint(word) for word in words):
        return None
    return frozenset(word[0] for word in words)


def alternates_at_top(source: str) -> bool:
    """Whether "x|y" alternates outside every group: then "(a|b)x|y" is not led by a or b."""
    depth, escaped, in_class = 0, False, False
    for ch in source:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False
