"""Personal data out of a question before anything keeps it (the store, a report, a log line).

Masked, in this order (each as a placeholder that says what stood there):
  e-mail addresses; Chinese ID numbers (18 characters); bank card numbers (13-19 digits, spaces
  or dashes between, that pass the Luhn check; any other such run is masked as digits); phone
  numbers of any country (Google's libphonenumber, read as Chinese, then Philippine, then
  international numbers); passport numbers (one or two letters and 7-8 digits);
  and then every other run of four or more digits (verification codes, card PINs, 卡密, account
  numbers), typed with spaces or dashes between them ("4 8 2 9 1 3", "482-913") or in Chinese
  numerals (四八二九一三, 肆捌贰…), except the service numbers the answers themselves print
  (10086, 1510, 12321…).
The text is NFKC-normalized first, so full-width digits (１３８…) are digits, and the digits of
every other script (Arabic-Indic ٤٨٢, Devanagari ४८२…) are read as the digits they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

EMAIL = "[邮箱]"
ID_NUMBER = "[身份证号]"
BANK_CARD = "[银行卡号]"
PHONE = "[电话]"
PASSPORT = "[证件号]"
DIGITS = "[数字]"

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII
)  # starts only where a name can: linear
_ID = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9xX](?![0-9a-zA-Z])")
# Digits with the spaces or dashes people type into card numbers.
_CARD = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
_PASSPORT = re.compile(r"(?<![a-zA-Z0-9])[a-zA-Z]{1,2}[0-9]{7,8}(?![0-9])")
# Digits one by one, as a code is read out: 〇/零 and 幺 (said for 1 in numbers) too. Not 两 or 十:
# 三三两两 and 一五一十 are words.
_NUMERALS = "〇零幺一二三四五六七八九壹贰貳叁叄肆伍陆陸柒捌玖"
_NUMERAL_VALUES = str.maketrans(_NUMERALS, "001123456789122334566789")
_D = f"[0-9{_NUMERALS}]"
# Four or more in a row, or in groups of one to three with a space or dash between ("482 913");
# a longer group stands apart ("10086 2次" keeps 10086).
_DIGIT_RUN = re.compile(rf"{_D}{{4,}}|(?<!{_D}){_D}{{1,3}}(?:[ -]{_D}{{1,3}})+(?!{_D})")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
PHONE_REGIONS = ("CN", "PH")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class Masker:
    def __init__(self, service_numbers: Iterable[str] = ()) -> None:
        # The numbers the bot's own answers print are not anyone's secret, and a report that
        # shows "10086是真的吗" tells the operator more than "[数字]是真的吗".
        self._keep = frozenset(service_numbers)

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        if not text.isascii():
            text = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), text)
        text = _EMAIL.sub(EMAIL, text)
        text = _ID.sub(ID_NUMBER, text)
        text = _CARD.sub(lambda m: BANK_CARD if luhn_valid(re.sub("[ -]", "", m.group())) else DIGITS, text)
        text = self._phones(text)
        text = _PASSPORT.sub(PASSPORT, text)
        return _DIGIT_RUN.sub(self._digits, text)

    def _digits(self, match: re.Match[str]) -> str:
        value = re.sub("[ -]", "", match.group()).translate(_NUMERAL_VALUES)
        if len(value) < 4 or value in self._keep:  # "1 2 3" is no code; 一〇〇八六 is 10086
            return match.group()
        return DIGITS

    def _phones(self, text: str) -> str:
        import phonenumbers  # on the first question recorded, not at every start (13 ms)

        for region in PHONE_REGIONS:
            spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, region)]
            for start, end in reversed(spans):
                if text[start:end] not in self._keep:
                    text = text[:start] + PHONE + text[end:]
        return text


def service_numbers(texts: Iterable[str]) -> set[str]:
    """Every run of digits in the given texts (the rendered answers): numbers the bot itself prints."""
    return {run for text in texts for run in re.findall(r"[0-9]+", unicodedata.normalize("NFKC", text))}
