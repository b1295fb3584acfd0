"""Finds what the user should not have pasted: their phone number, a code, an ID or a card number.

Pure and small on purpose: the bot cannot look anything up, so the reply only has to say so
before it answers. Official numbers (10086, +86 13800100186…) are not the user's and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEPARATOR = r"[\s-]?"
PATTERNS = (
    # Mainland mobile: 1[3-9] and 9 more digits, +86 optional.
    re.compile(
        r"(?<![\d+])(?:\+?86"
        + _SEPARATOR
        + r")?1[3-9]\d"
        + _SEPARATOR
        + r"\d{4}"
        + _SEPARATOR
        + r"\d{4}(?!\d)"
    ),
    # Philippine mobile: 09xx or +63 9xx, then 7 digits.
    re.compile(
        r"(?<![\d+])(?:\+?63"
        + _SEPARATOR
        + r"|0)9\d{2}"
        + _SEPARATOR
        + r"\d{3}"
        + _SEPARATOR
        + r"\d{4}(?!\d)"
    ),
    # A 4–8 digit code right after the word for it.
    re.compile(r"(?:验证码|驗證碼|校验码|动态码|动态密码|code|otp|pin)\D{0,6}?(?<!\d)\d{4,8}(?!\d)", re.I),
    # An 18-character mainland ID number.
    re.compile(r"(?<!\d)\d{17}[\dxX](?!\w)"),
    # A bank card number: 14–19 digits, perhaps in groups of four.
    re.compile(r"(?<!\d)\d{4}(?:[\s-]?\d{2,4}){2,4}(?!\d)"),
)
CARD = PATTERNS[-1]
_DIGITS = re.compile(r"\D")
# An order or transaction number is the user's to quote to the seller, not a secret: the word for
# it just before the number, with up to four characters and any spaces between ("订单号： 6222…").
_ORDER = re.compile(r"(?:订单|單號|单号|流水号|交易号|order|ref)\S{0,4}$", re.I)
_ORDER_REACH = len("order") + 4  # how far before the spaces such a word can begin


def sensitive_numbers(text: str, official: Iterable[str] = ()) -> list[str]:
    """The numbers in the text that look like the user's own, each once; official numbers left out."""
    known = {digits for digits in (_DIGITS.sub("", number) for number in official) if len(digits) >= 5}
    found: list[str] = []
    taken: set[int] = set()
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            digits = _DIGITS.sub("", match.group(0))
            span = set(range(*match.span()))
            if span & taken or any(digits.endswith(k) for k in known):
                continue
            if pattern is CARD and (not 14 <= len(digits) <= 19 or _after_an_order_word(text, match.start())):
                continue
            taken |= span
            found.append(match.group(0))
    return found


def _after_an_order_word(text: str, start: int) -> bool:
    """Whether the word for an order number comes just before text[start]. Only the few characters
    before the spaces are read: searching the whole text before each card number made a long
    message of numbers quadratic (200,000 characters took 44 s). The spaces read belong to this
    number alone (the card number before it ends in a digit), so all are read once in all."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return _ORDER.search(text, max(0, end - _ORDER_REACH), end) is not None
