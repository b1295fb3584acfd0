"""The characters a YAML pattern's match can begin with, when its source says so plainly.

A question is tested against every intent's patterns, and most patterns open with a group of plain
words ("(让我|要我|叫我).{0,8}…"): a match must begin with the first character of one of them. When
none of those characters is in the question, the search is skipped, with the same result.
"""

from __future__ import annotations

SPECIAL = frozenset("\\.^$*+?{}[]()|")
# What makes the opening group or character optional or repeated: then it says nothing.
OPTIONAL = ("?", "*", "{0", "{,")


def first_characters(source: str) -> frozenset[str] | None:
    """The possible first characters of a match, or None when the source does not show them plainly
    (a top-level |, a look-around, a character class, an optional opening)."""
    body = source.removeprefix("^")
    if _top_level_alternation(body):
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


def _top_level_alternation(source: str) -> bool:
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
