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


# A greeting that opens and a thanks that closes a message typed without punctuation ("你好我想问…",
# voice input's "…你能不能教我一下谢谢") are clauses of their own (after synonyms: 多谢, thanks,
# salamat are 谢谢; hi, 哈喽 are 你好).
OPENING_GREETINGS = frozenset({"你好", "您好", "大家好", "早上好", "晚上好", "嗨"})
CLOSING_THANKS = frozenset({"谢谢", "再见", "谢啦", "谢了"})
# What may follow the thanks and still close the message (谢谢你喔, 谢谢啦).
AFTER_THANKS = frozenset({"你", "您", "啦", "喔", "哦", "啊", "呀", "哈", "了", "po", "🙏"})
# Only around a question: "已经充进去了 谢谢" is thanks, "hi 机器人 早" a greeting.
QUESTION_WORDS = frozenset(
    {
        "怎么",
        "怎样",
        "如何",
        "什么",
        "哪里",
        "哪儿",
        "哪个",
        "多少",
        "多久",
        "几",
        "能不能",
        "可不可以",
        "可以",
        "能否",
        "是否",
        "有没有",
        "是不是",
        "请问",
        "想问",
        "问一下",
        "问下",
        "教",
        "要不要",
        "会不会",
        "为什么",
        "为啥",
        "咋",
        "how",
        "why",
        "which",
        "when",
        "what",
        "where",
        "can",
        "paano",
        "pano",
        "saan",
    }
)
QUESTION_ENDINGS = ("吗", "呢", "么", "?", "？")


def split(words: list[str]) -> list[list[str]]:
    """The words of each clause, in order, without the punctuation between them."""
    clauses: list[list[str]] = [[]]
    for word in words:
        if all(ch in BREAKS for ch in word):
            if clauses[-1]:
                clauses.append([])
        else:
            clauses[-1].append(word)
    return [part for clause in clauses if clause for part in _politeness_apart(clause)]


def _politeness_apart(clause: list[str]) -> list[list[str]]:
    """An opening greeting and a closing thanks apart from the words between them."""
    start, end = 0, len(clause)
    if clause[0] in OPENING_GREETINGS:
        start = 1
    thanks = max((i for i, w in enumerate(clause) if w in CLOSING_THANKS), default=-1)
    if thanks > start and all(w in AFTER_THANKS for w in clause[thanks + 1 :]):
        end = thanks
    middle = clause[start:end]
    if not middle or (start, end) == (0, len(clause)) or not asks(middle):
        return [clause]
    return [part for part in (clause[:start], clause[start:end], clause[end:]) if part]


def _asking(word: str) -> bool:
    return word in QUESTION_WORDS or word.endswith(QUESTION_ENDINGS)


def asks(clause: list[str]) -> bool:
    """The clause is phrased as a question (a question word, or 吗/呢/么 at a word's end)."""
    return any(map(_asking, clause))


def negated(clause: list[str]) -> bool:
    return bool(NEGATED_OPENING.match(join(clause)) or NEGATED_OPENING_LATIN.match(" ".join(clause)))
