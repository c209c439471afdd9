"""Swansea school holidays and Welsh bank holidays, 2025-2027.

Outreach follows young people's time: on a school-holiday weekday they are out
in the day, so "after school" sessions move to the afternoon; and bank holidays
count as holiday work when the rota shares unsocial sessions fairly.

The school table is from Swansea Council's published term dates for 2025/26
(swansea.gov.uk/termdates2026: autumn half term 27-31 Oct 2025, Christmas
20 Dec 2025-4 Jan 2026, February 16-20 Feb, Easter 28 Mar-12 Apr, May 25-29
May, summer from 21 Jul 2026). Dates for early 2025 and for 2026/27 onwards are
the usual Welsh pattern and are **provisional**: check them against the
council's terms each year and edit `SCHOOL_HOLIDAYS`. Bank holidays are those
of England and Wales (gov.uk/bank-holidays), with substitute days; a Christmas
or Boxing Day falling on a weekend counts as well as its substitute.
"""

from __future__ import annotations

from datetime import date, timedelta

# (first day, last day, name), inclusive; weekends inside a holiday included.
SCHOOL_HOLIDAYS: tuple[tuple[date, date, str], ...] = (
    (date(2024, 12, 21), date(2025, 1, 5), "Christmas (provisional)"),
    (date(2025, 2, 24), date(2025, 2, 28), "February half term (provisional)"),
    (date(2025, 4, 12), date(2025, 4, 27), "Easter (provisional)"),
    (date(2025, 5, 26), date(2025, 5, 30), "May half term (provisional)"),
    (date(2025, 7, 19), date(2025, 8, 31), "summer (provisional)"),
    (date(2025, 10, 27), date(2025, 10, 31), "October half term"),
    (date(2025, 12, 20), date(2026, 1, 4), "Christmas"),
    (date(2026, 2, 16), date(2026, 2, 20), "February half term"),
    (date(2026, 3, 28), date(2026, 4, 12), "Easter"),
    (date(2026, 5, 25), date(2026, 5, 29), "May half term"),
    (date(2026, 7, 21), date(2026, 8, 31), "summer"),
    (date(2026, 10, 26), date(2026, 10, 30), "October half term (provisional)"),
    (date(2026, 12, 19), date(2027, 1, 4), "Christmas (provisional)"),
    (date(2027, 2, 15), date(2027, 2, 19), "February half term (provisional)"),
    (date(2027, 3, 27), date(2027, 4, 11), "Easter (provisional)"),
    (date(2027, 5, 31), date(2027, 6, 4), "May half term (provisional)"),
    (date(2027, 7, 20), date(2027, 8, 31), "summer (provisional)"),
    (date(2027, 10, 25), date(2027, 10, 29), "October half term (provisional)"),
    (date(2027, 12, 18), date(2027, 12, 31), "Christmas (provisional)"),
)

BANK_HOLIDAYS: frozenset[date] = frozenset(
    {
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 5),
        date(2025, 5, 26),
        date(2025, 8, 25),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 28),
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 25),
        date(2027, 12, 26),
        date(2027, 12, 27),
        date(2027, 12, 28),
    }
)
COVERED = (date(2025, 1, 1), date(2027, 12, 31))

_SCHOOL_DAYS = frozenset(
    first + timedelta(days=step)
    for first, last, _ in SCHOOL_HOLIDAYS
    for step in range((last - first).days + 1)
)


def is_school_holiday(day: date) -> bool:
    """Say whether ``day`` falls in a Swansea school holiday (weekends included)."""
    return day in _SCHOOL_DAYS


def is_bank_holiday(day: date) -> bool:
    """Say whether ``day`` is a bank holiday in Wales (or a substitute day)."""
    return day in BANK_HOLIDAYS


def in_tables(day: date) -> bool:
    """Say whether the holiday tables cover ``day`` (2025-2027)."""
    return COVERED[0] <= day <= COVERED[1]


def holiday_kind(day: date) -> str:
    """Return "bank holiday", "school holiday" or "" for ``day``.

    Dates outside the tables (see `in_tables`) count as ordinary days.
    """
    if is_bank_holiday(day):
        return "bank holiday"
    if is_school_holiday(day):
        return "school holiday"
    return ""
