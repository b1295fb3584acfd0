"""Clauses: a greeting, a thanks, a negated aside and a second question each get their own place.

A message is often several things at once: "你好，请问Smart卡怎么充值？", "谢谢！再问下余额怎么查",
"我不是要保号，号已经停了", "怎么充值？还有怎么查余额？". Scoring the whole message alone lets the
greeting or the negated words vote; scoring each clause too lets the question win.
"""

from __future__ import annotations

import re

# What a clause is about when it is only politeness: never the answer when a question is there too.
SOCIAL = frozenset({"greeting", "thanks_bye"})
# Words that end a clause (jieba returns punctuation as its own words).
BREAKS = frozenset("，。！？；,.!?;~～…\n")
# A clause that opens by saying what the user is *not* asking is left out when another clause
# follows ("不是问保号，我的号已经停了"; "我不是要保号，号已经停了"). Only at the clause's start, and
# only when there is another clause, so "这不是诈骗吗" stays a question.
NEGATED_OPENING = re.compile(
    r"^(?:我|其实|其实我|但我|我也)?(?:并)?(?:不是|不想|不用|不需要)(?:问|要|想|说|在问)?"
)

# The same in English, on the words joined by spaces (jieba cuts don't into don ' t).
NEGATED_OPENING_LATIN = re.compile(
    r"^(?:i ?' ?m |i am )?(?:not|never) (?:asking|about)\b|^i (?:don ' t|do not|dont) (?:want|need|mean)\b"
)


def join(words: list[str]) -> str:
    """The words as text again: Chinese without spaces, Latin words with one between them."""
    out = ""
    for word in words:
        if out and out[-1].isascii() and out[-1].isalnum() and word[:1].isascii() and word[:1].isalnum():
            out += " "
        out += word
    return out


def split(words: list[str]) -> list[list[str]]:
    """The words of each clause, in order, without the punctuation between them."""
    clauses: list[list[str]] = [[]]
    for word in words:
        if all(ch in BREAKS for ch in word):
            if clauses[-1]:
                clauses.append([])
        else:
            clauses[-1].append(word)
    return [c for c in clauses if c]


def negated(clause: list[str]) -> bool:
    return bool(NEGATED_OPENING.match(join(clause)) or NEGATED_OPENING_LATIN.match(" ".join(clause)))
