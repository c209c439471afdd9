"""Tests for the Swansea school-holiday and Welsh bank-holiday tables."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from outreach.term_dates import (
    BANK_HOLIDAYS,
    SCHOOL_HOLIDAYS,
    holiday_kind,
    in_tables,
    is_bank_holiday,
    is_school_holiday,
)


def test_published_2025_26_terms() -> None:
    """Swansea's published 2025/26 holidays are holidays; term days are not."""
    assert is_school_holiday(date(2025, 10, 27))
    assert is_school_holiday(date(2026, 2, 20))
    assert is_school_holiday(date(2026, 7, 21))
    assert not is_school_holiday(date(2026, 7, 20))  # last day of summer term
    assert not is_school_holiday(date(2026, 1, 5))  # spring term begins


def test_bank_holidays_and_kinds() -> None:
    """Boxing Day 2026 falls on a Saturday: the day and its substitute count."""
    assert is_bank_holiday(date(2026, 12, 26))
    assert is_bank_holiday(date(2026, 12, 28))
    assert not is_bank_holiday(date(2026, 3, 1))  # St David's Day is not one
    assert holiday_kind(date(2026, 12, 25)) == "bank holiday"
    assert holiday_kind(date(2026, 12, 22)) == "school holiday"
    assert holiday_kind(date(2026, 12, 8)) == ""


def test_tables_are_ordered_and_cover_2025_to_2027() -> None:
    """Holiday ranges do not overlap, run forwards and the tables span 2025-27."""
    for (_, last, _), (first, end, _) in itertools.pairwise(SCHOOL_HOLIDAYS):
        assert last < first <= end
    years = {day.year for day in BANK_HOLIDAYS}
    assert years == {2025, 2026, 2027}
    assert in_tables(date(2027, 12, 31))
    assert not in_tables(date(2028, 1, 1))
    assert all(first <= last for first, last, _ in SCHOOL_HOLIDAYS)
    assert all(last - first < timedelta(days=50) for first, last, _ in SCHOOL_HOLIDAYS)
