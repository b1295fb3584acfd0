"""Days as people type them, read against a fixed today (2026-12-07, a Monday): a table."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.understanding.dates import cn_number, months_back, read_date

TODAY = date(2026, 12, 7)

# text, kind, the day read (or the first option when ambiguous), approximate
CASES: list[tuple[str, str, date | None, bool]] = [
    # written out in full
    ("2026-12-07", "day", date(2026, 12, 7), False),
    ("2026/12/7", "day", date(2026, 12, 7), False),
    ("2026.11.30", "day", date(2026, 11, 30), False),
    ("2025年3月8日", "day", date(2025, 3, 8), False),
    ("２０２６－１０－０１", "day", date(2026, 10, 1), False),  # full width, from a Chinese keyboard
    ("上次是2026年9月15号充的", "day", date(2026, 9, 15), False),
    ("25/12/2025", "day", date(2025, 12, 25), False),
    ("12/25/2025", "day", date(2025, 12, 25), False),
    # month and day, no year: the last such day up to today
    ("12月7日", "day", date(2026, 12, 7), False),
    ("12月7号", "day", date(2026, 12, 7), False),
    ("12月8日", "day", date(2025, 12, 8), False),
    ("十月一日", "day", date(2026, 10, 1), False),
    ("十一月二十三号", "day", date(2026, 11, 23), False),
    ("3月", "day", date(2026, 3, 1), True),
    ("去年12月", "day", date(2025, 12, 1), True),
    ("去年十二月", "day", date(2025, 12, 1), True),
    ("去年5月20号", "day", date(2025, 5, 20), False),
    ("2月29日", "day", date(2024, 2, 29), False),  # the last 29 February
    # x/y: month/day or day/month
    ("12/7", "ambiguous", date(2026, 12, 7), False),  # 7 December and 12 July have both been
    ("7/12", "ambiguous", date(2026, 12, 7), False),
    ("12/8", "day", date(2026, 8, 12), False),  # 8 December is still to come: 12 August
    ("25/11", "day", date(2026, 11, 25), False),
    ("11/25", "day", date(2026, 11, 25), False),
    ("3/3", "day", date(2026, 3, 3), False),
    # relative
    ("今天", "day", TODAY, False),
    ("今天刚充", "day", TODAY, False),
    ("昨天", "day", date(2026, 12, 6), False),
    ("前天", "day", date(2026, 12, 5), False),
    ("大前天", "day", date(2026, 12, 4), False),
    ("三天前", "day", date(2026, 12, 4), False),
    ("3天前", "day", date(2026, 12, 4), False),
    ("十天以前", "day", date(2026, 11, 27), False),
    ("上周", "day", date(2026, 11, 30), True),
    ("上个星期", "day", date(2026, 11, 30), True),
    ("两周前", "day", date(2026, 11, 23), True),
    ("上个月", "day", date(2026, 11, 7), True),
    ("上个月15号", "day", date(2026, 11, 15), False),
    ("上月1日", "day", date(2026, 11, 1), False),
    ("这个月3号", "day", date(2026, 12, 3), False),
    ("15号", "day", date(2026, 11, 15), False),  # this month's 15th is still to come
    ("5号", "day", date(2026, 12, 5), False),
    ("两个月前", "day", date(2026, 10, 7), True),
    ("半个月前", "day", date(2026, 11, 22), True),
    ("去年", "day", date(2025, 12, 7), True),
    # traditional
    ("上個月15號", "day", date(2026, 11, 15), False),
    ("兩個月前", "day", date(2026, 10, 7), True),
    ("上週", "day", date(2026, 11, 30), True),
    ("十二月七號", "day", date(2026, 12, 7), False),
    ("尋日", "day", date(2026, 12, 6), False),
    # English
    ("Dec 7", "day", date(2026, 12, 7), False),
    ("December 7th", "day", date(2026, 12, 7), False),
    ("7 December", "day", date(2026, 12, 7), False),
    ("the 3rd of November", "day", date(2026, 11, 3), False),
    ("Dec 25, 2025", "day", date(2025, 12, 25), False),
    ("Jan 5", "day", date(2026, 1, 5), False),
    ("December 2025", "day", date(2025, 12, 1), True),
    ("last month", "day", date(2026, 11, 7), True),
    ("yesterday", "day", date(2026, 12, 6), False),
    ("Today", "day", TODAY, False),
    ("a week ago", "day", date(2026, 11, 30), True),
    ("3 days ago", "day", date(2026, 12, 4), False),
    ("two months ago", "day", date(2026, 10, 7), True),
    ("last week", "day", date(2026, 11, 30), True),
    # not known
    ("不记得", "unknown", None, False),
    ("不記得了", "unknown", None, False),
    ("忘了", "unknown", None, False),
    ("不知道", "unknown", None, False),
    ("记不清了", "unknown", None, False),
    ("I don't know", "unknown", None, False),
    ("dont remember", "unknown", None, False),
    ("no idea", "unknown", None, False),
    # cannot be
    ("2026-02-30", "impossible", None, False),
    ("2月30日", "impossible", None, False),
    ("2025年13月1日", "impossible", None, False),
    ("31/4/2026", "impossible", None, False),
    ("上个月31号", "impossible", None, False),  # November has 30 days
    ("13/45", "impossible", None, False),
    # still to come (a last top-up cannot be)
    ("2026-12-25", "future", date(2026, 12, 25), False),
    ("2027年1月1日", "future", date(2027, 1, 1), False),
    ("今年12月20号", "future", date(2026, 12, 20), False),
    # no date at all
    ("", "none", None, False),
    ("smart", "none", None, False),
    ("你好", "none", None, False),
    ("我的卡快过期了", "none", None, False),
    ("hello there", "none", None, False),
    ("maybe", "none", None, False),
    ("充了100块", "none", None, False),
]


@pytest.mark.parametrize(("text", "kind", "day", "approximate"), CASES)
def test_a_day_as_people_type_it(text: str, kind: str, day: date | None, approximate: bool) -> None:
    reading = read_date(text, TODAY)
    assert reading.kind == kind, reading
    if kind == "ambiguous":
        assert reading.options[0] == day and len(reading.options) == 2
    elif kind == "impossible":
        assert reading.day is None and reading.said
    else:
        assert reading.day == day
        assert reading.approximate == approximate


def test_the_table_holds_fifty_ways_in_three_scripts() -> None:
    assert len(CASES) >= 50
    assert any("個" in t or "號" in t or "週" in t for t, *_ in CASES)
    assert sum(t.isascii() and t != "" for t, *_ in CASES) >= 15


def test_an_ambiguous_day_offers_both_readings_most_recent_first() -> None:
    reading = read_date("7/12", TODAY)
    assert reading.options == (date(2026, 12, 7), date(2026, 7, 12))


def test_today_comes_from_the_caller() -> None:
    assert read_date("昨天", date(2024, 3, 1)).day == date(2024, 2, 29)
    assert read_date("12/8", date(2027, 1, 5)).kind == "ambiguous"  # both readings in 2026


def test_chinese_numerals_and_month_arithmetic() -> None:
    assert [cn_number(t) for t in ("七", "十", "十五", "二十三", "两", "三十一", "百")] == [
        7,
        10,
        15,
        23,
        2,
        31,
        None,
    ]
    assert months_back(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_back(date(2026, 1, 15), 2) == date(2025, 11, 15)
