"""What a YAML pattern's source says plainly about its shape.

The scam check reads the patterns that begin with a group of plain words ("(让我|要我|叫我).{0,8}…")
as one regex joining them would (bot/core/risk/phrases.py); it must know when a source alternates
at the top ("(a|b)x|y" is not led by a or b). Which patterns can match a question at all is RE2's
to say (bot/content/patterns.py: RegexSet).
"""

from __future__ import annotations


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
