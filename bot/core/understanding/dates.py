"""A day as people type it ("12月7日", "上个月15号", "三天前", "Dec 7", "不记得"), read against today.

Pure: today is passed in, never read from a clock here. The reading is for a day that has been
(the last top-up), so a date without a year is the last such day up to today, and a day still to
come is said back as one, not taken. What cannot be a day (2026-02-30) is said back too.

x/y without a year is month/day in China and the Philippines, but day/month elsewhere: when both
readings are days, the one that is not still to come this year is taken; when both have been
(7/12 in December), the reader asks which was meant.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Kind = Literal["day", "unknown", "impossible", "future", "ambiguous", "none"]


@dataclass(frozen=True)
class DateReading:
    """What a message says of a day that has been.

    day: the day read ("day"; for "future" and "impossible" None or the day that is still to come);
    approximate: the message named only a week or a month ("上周", "去年12月": its first day);
    options: the two days an ambiguous x/y may be ("ambiguous").
    """

    kind: Kind
    day: date | None = None
    approximate: bool = False
    options: tuple[date, ...] = ()
    said: str = ""  # the impossible date as written, for the question back (2026-02-30)


NONE = DateReading("none")
UNKNOWN = DateReading("unknown")

# Traditional and variant characters of the words below, read as their simplified forms.
VARIANTS = str.maketrans({"個": "个", "兩": "两", "週": "周", "號": "号", "禮": "礼", "記": "记", "們": "们"})
DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
NUMBER = r"(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"

DONT_KNOW = re.compile(
    r"不知道|不记得|记不得|记不清|不清楚|忘了|忘记了|没印象|想不起|唔记得|"
    r"\b(?:i\s*)?(?:do\s*n[o']?t|dunno|don't|dont)\s*(?:know|remember|recall)\b|\bno\s+idea\b|"
    r"\bdunno\b|\bnot\s+sure\b|\bforg[eo]t\b|\bidk\b|\bunknown\b|\bhindi\s+ko\s+alam\b"
)

EN_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            (),
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for name in names
}
EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a few": 3,
}
_MONTH = "|".join(sorted(EN_MONTHS, key=len, reverse=True))
_EN_NUMBER = r"\d{1,3}|" + "|".join(sorted(map(re.escape, EN_NUMBERS), key=len, reverse=True))

YMD = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?!\d)")
DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
YM = re.compile(r"(?<!\d)(\d{4})\s*年\s*(" + NUMBER + r")\s*月(?!\s*\d)")
CN_MD = re.compile(r"(?:(今年|去年|前年)\s*)?(" + NUMBER + r")\s*月\s*(?:(" + NUMBER + r")\s*[日号]?)?")
XY = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.]\s*(\d{1,2})(?![\d/.-])")
EN_MD = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}}))?")
EN_DM = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s*(\d{{4}}))?")
EN_M_YEAR = re.compile(rf"\b({_MONTH})\b\.?(?:\s+(\d{{4}})|\s+(last|this)\s+year)?")
CN_AGO = re.compile(r"(" + NUMBER + r"|半|几)\s*(个)?\s*(天|日|周|星期|礼拜|月)\s*(?:以前|之前|前)")
EN_AGO = re.compile(rf"\b({_EN_NUMBER})\s+(day|week|month|year)s?\s+(?:ago|before|back)\b")
# 上个月15号, 这个月3号, 本月3日, 15号 alone
CN_DAY_OF = re.compile(r"(上上个?月|上个?月|这个?月|本月)?\s*(" + NUMBER + r")\s*[号日](?!\s*月)")
LAST_MONTH = re.compile(r"上个?月|\blast\s+month\b|\ba\s+month\s+ago\b")
LAST_WEEK = re.compile(r"上个?(?:周|星期|礼拜)|\blast\s+week\b")
LAST_YEAR = re.compile(r"去年|\blast\s+year\b|\ba\s+year\s+ago\b")
WORDS_FOR_DAYS = (
    (re.compile(r"大前天|\bthree\s+days\s+ago\b"), 3),
    (re.compile(r"前天|\bday\s+before\s+yesterday\b"), 2),
    (re.compile(r"昨天|昨日|尋日|寻日|琴日|\byesterday\b"), 1),
    (re.compile(r"今天|今日|刚刚|刚才|刚充|\btoday\b|\bjust\s+now\b"), 0),
)


def cn_number(text: str) -> int | None:
    """1–99 in digits or Chinese numerals (七, 十五, 二十三, 两); None for anything else."""
    if text.isdecimal():
        return int(text)
    if text == "十":
        return 10
    tens, _, ones = text.partition("十")
    if "十" in text:
        high = DIGITS.get(tens) if tens else 1
        low = DIGITS.get(ones) if ones else 0
        return None if high is None or low is None else high * 10 + low
    return DIGITS.get(text) if len(text) == 1 else None


def months_back(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day when it has none)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _past_or_future(day: date, today: date, approximate: bool = False) -> DateReading:
    if day > today:
        return DateReading("future", day)
    return DateReading("day", day, approximate)


def _dated(year: int, month: int, day: int, today: date, said: str) -> DateReading:
    found = _day(year, month, day)
    if found is None:
        return DateReading("impossible", said=said)
    return _past_or_future(found, today)


def _last(month: int, day: int, today: date, said: str) -> DateReading:
    """Month and day without a year: this year's, or last year's when this year's is still to come."""
    if _day(2024, month, day) is None:  # 2024 has a 29 February: only days no year has are refused
        return DateReading("impossible", said=said)
    this_year = _day(today.year, month, day)
    if this_year is not None and this_year <= today:
        return DateReading("day", this_year)
    year = today.year - 1
    while (found := _day(year, month, day)) is None:  # 29 February: the last leap year
        year -= 1
    return DateReading("day", found)


def _month_only(year: int, month: int, today: date) -> DateReading:
    if not 1 <= month <= 12:
        return DateReading("impossible", said=f"{year}-{month}")
    return _past_or_future(date(year, month, 1), today, approximate=True)


def _either(first: int, second: int, today: date, said: str) -> DateReading:
    """x/y: month/day or day/month, whichever can be and has been; ask when both have."""
    pairs = ((first, second), (second, first))
    this_year = sorted({d for m, n in pairs if (d := _day(today.year, m, n)) is not None})
    if not this_year:  # no such day this year: 2/29 in a common year, or 2/30, 13/45
        month, day = (first, second) if 1 <= first <= 12 else (second, first)
        return _last(month, day, today, said) if 1 <= month <= 12 else DateReading("impossible", said=said)
    been = [d for d in this_year if d <= today]
    if len(been) == 1:
        return DateReading("day", been[0])
    if len(been) == 2:
        return DateReading("ambiguous", options=(been[1], been[0]))
    # Both still to come this year: the last such days, asked about when they differ.
    earlier = sorted({d for day in this_year if (d := _last(day.month, day.day, today, said).day)})
    if len(earlier) == 1:
        return DateReading("day", earlier[0])
    return DateReading("ambiguous", options=(earlier[1], earlier[0]))


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(VARIANTS)
    return re.sub(r"\s+", " ", text).strip().replace("’", "'")


def read_date(text: str, today: date) -> DateReading:
    """The day a message names, as of `today`; NONE when it names none."""
    text = _prepare(text)
    if not text:
        return NONE
    if DONT_KNOW.search(text):
        return UNKNOWN
    for reader in (_full_dates, _chinese, _english, _relative):
        if (reading := reader(text, today)) is not None:
            return reading
    return NONE


def _full_dates(text: str, today: date) -> DateReading | None:
    if m := YMD.search(text):
        return _dated(int(m[1]), int(m[2]), int(m[3]), today, m[0].strip())
    if m := DMY.search(text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        said = m[0]
        if first > 12:
            return _dated(year, second, first, today, said)
        if second > 12 or first == second:
            return _dated(year, first, second, today, said)
        options = sorted(d for d in (_day(year, first, second), _day(year, second, first)) if d is not None)
        been = [d for d in options if d <= today]
        if len(been) == 1:
            return DateReading("day", been[0])
        if not been:
            return DateReading("future", options[0])
        return DateReading("ambiguous", options=(been[1], been[0]))
    if m := YM.search(text):
        month = cn_number(m[2])
        return _month_only(int(m[1]), month or 0, today)
    return None


def _chinese(text: str, today: date) -> DateReading | None:
    if m := CN_MD.search(text):
        month, day = cn_number(m[2]), cn_number(m[3]) if m[3] else None
        if month is None:
            return None
        year_word = m[1]
        said = m[0].strip()
        if year_word in ("去年", "前年"):
            year = today.year - (1 if year_word == "去年" else 2)
            if day is None:
                return _month_only(year, month, today)
            return _dated(year, month, day, today, said)
        if day is None:
            if year_word == "今年" or not 1 <= month <= 12:
                return _month_only(today.year, month, today)
            year = today.year if date(today.year, month, 1) <= today else today.year - 1
            return _month_only(year, month, today)
        if year_word == "今年":
            return _dated(today.year, month, day, today, said)
        return _last(month, day, today, said) if 1 <= month <= 12 else DateReading("impossible", said=said)
    if m := CN_DAY_OF.search(text):
        which, day = m[1], cn_number(m[2])
        if day is None:
            return None
        back = 2 if which and which.startswith("上上") else 1 if which and which.startswith("上") else 0
        if not which and not 1 <= day <= 31:
            return None
        start = months_back(today.replace(day=1), back)
        found = _day(start.year, start.month, day)
        if found is None:
            return DateReading("impossible", said=m[0].strip())
        if not which and found > today:  # "15号" alone: the last 15th up to today
            previous = months_back(start, 1)
            found = _day(previous.year, previous.month, day) or found
        return _past_or_future(found, today)
    return None


def _english(text: str, today: date) -> DateReading | None:
    for pattern, month_group, day_group in ((EN_MD, 1, 2), (EN_DM, 2, 1)):
        if m := pattern.search(text):
            month, day = EN_MONTHS[m[month_group]], int(m[day_group])
            if m[3]:
                return _dated(int(m[3]), month, day, today, m[0])
            return _last(month, day, today, m[0])
    if (m := EN_M_YEAR.search(text)) and (m[2] or m[3] or m[1] != "may"):  # "may" is a word first
        month = EN_MONTHS[m[1]]
        if m[2]:
            return _month_only(int(m[2]), month, today)
        if m[3] == "last":
            return _month_only(today.year - 1, month, today)
        year = today.year if date(today.year, month, 1) <= today else today.year - 1
        return _month_only(year, month, today)
    return None


def _relative(text: str, today: date) -> DateReading | None:
    for pattern, days in WORDS_FOR_DAYS:
        if pattern.search(text):
            return DateReading("day", today - timedelta(days=days))
    if m := CN_AGO.search(text):
        unit = m[3]
        count = 0.5 if m[1] == "半" else 3 if m[1] == "几" else cn_number(m[1])
        if count is None:
            return None
        return _ago(count, {"天": "day", "日": "day", "月": "month"}.get(unit, "week"), today, m[1] == "几")
    if m := EN_AGO.search(text):
        count = int(m[1]) if m[1].isdecimal() else EN_NUMBERS[m[1]]
        return _ago(count, m[2], today, m[1] in ("a few", "a couple of"))
    if m := XY.search(text):
        return _either(int(m[1]), int(m[2]), today, m[0])
    if LAST_WEEK.search(text):
        return DateReading("day", today - timedelta(days=7), approximate=True)
    if LAST_MONTH.search(text):
        return DateReading("day", months_back(today, 1), approximate=True)
    if LAST_YEAR.search(text):
        return DateReading("day", months_back(today, 12), approximate=True)
    return None


def _ago(count: float, unit: str, today: date, vague: bool) -> DateReading:
    if unit == "day":
        return DateReading("day", today - timedelta(days=int(count)), vague)
    if unit == "week":
        return DateReading("day", today - timedelta(days=int(count * 7)), True)
    if unit == "year":
        return DateReading("day", months_back(today, int(count * 12)), True)
    if count == 0.5:
        return DateReading("day", today - timedelta(days=15), True)
    return DateReading("day", months_back(today, int(count)), True)
