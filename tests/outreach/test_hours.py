"""Tests for outreach.hours: OpenStreetMap opening hours, one time or many."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from outreach.hours import (
    describe_hours,
    is_open,
    open_matrix,
    parse_hours,
    representative_time,
)

# January 2024: Monday 8th ... Sunday 14th, Monday 15th.
MON, TUE, WED, FRI, SAT, SUN = 8, 9, 10, 12, 13, 14


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, minute)


# Real opening_hours strings as mapped in OpenStreetMap, with clock checks.
CASES = [
    ("Mo-Fr 08:00-17:30", _at(WED, 17, 29), True),
    ("Mo-Fr 08:00-17:30", _at(WED, 17, 30), False),
    ("Mo-Fr 08:00-17:30", _at(SAT, 12), False),
    ("Mo-Sa 10:00-18:00; Su 11:00-17:00", _at(SUN, 10, 30), False),
    ("Mo-Sa 10:00-18:00; Su 11:00-17:00", _at(SUN, 11), True),
    ("Mo-Fr 07:00-12:00,13:00-18:00", _at(TUE, 12, 30), False),
    ("Mo-Fr 07:00-12:00,13:00-18:00", _at(TUE, 13, 0), True),
    ("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", _at(SAT, 2, 30), True),
    ("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", _at(FRI, 2, 30), False),
    ("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", _at(FRI, 0, 30), True),
    ("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", _at(MON, 0, 30), False),
    ("Mo-Fr 20:00-26:00", _at(SAT, 1), True),
    ("Mo-Fr 20:00-26:00", _at(SUN, 1), False),
    ("Tu-Su 10:00-18:00; Mo off", _at(MON, 12), False),
    ("Tu-Su 10:00-18:00; Mo off", _at(SUN, 12), True),
    ("Mo,We,Fr 09:00-12:00", _at(TUE, 10), False),
    ("Mo,We,Fr 09:00-12:00", _at(FRI, 10), True),
    ("Fr-Mo 18:00-22:00", _at(SUN, 19), True),
    ("Fr-Mo 18:00-22:00", _at(WED, 19), False),
    ("Mo-Fr 08:00-18:00, Sa 09:00-13:00", _at(SAT, 10), True),
    ("Mo-Fr 08:00-18:00, Sa 09:00-13:00", _at(SUN, 10), False),
    ("Mo-Fr 10:00-20:00; We 12:00-14:00 off", _at(WED, 13), False),
    ("Mo-Fr 10:00-20:00; We 12:00-14:00 off", _at(WED, 11), True),
    ("Mo-Su 00:00-24:00", _at(SUN, 23, 59), True),
    ("24/7", _at(SAT, 3), True),
    ("Sa", _at(SAT, 3), True),
    ("Sa", _at(FRI, 3), False),
    ("off", _at(WED, 12), False),
    ("mo-fr 09:00-17:00", _at(MON, 9), True),
    ("Tu,Th 16:00-20:00; Sa 10:00-14:00", _at(TUE, 19, 30), True),
    ("Sa 10:00-12:00; Sa off", _at(SAT, 11), False),
]

UNPARSEABLE = [
    "",
    "sunrise-sunset",
    'Mo-Fr 09:00-17:00 "by appointment"',
    "Jan-Mar Mo-Fr 10:00-16:00",
    "Mo-Fr 10:00+",
    'Mo-Fr 08:00-12:00 || "on request"',
    "Mo-Fr 25:00-26:00",
    "Mo-Fr 09:70-12:00",
    "Mo-Fr: 09:00-17:00",
    "by appointment",
]


@pytest.mark.parametrize(("hours", "when", "expected"), CASES)
def test_real_osm_strings_match_the_clock(hours, when, expected):
    """Each real opening_hours string is open exactly when the clock says."""
    assert is_open(hours, when) is expected


@pytest.mark.parametrize("hours", UNPARSEABLE)
def test_unparseable_strings_are_none_not_guesses(hours):
    """Syntax outside the supported subset gives None, never True or False."""
    assert is_open(hours, _at(WED, 12)) is None
    assert parse_hours(hours) is None


def test_public_holiday_rule_applies_only_on_given_dates():
    """PH off closes a listed holiday; without a PH rule the weekday rule holds."""
    holiday = [date(2024, 1, MON)]
    assert is_open("Mo-Fr 09:00-17:00; PH off", _at(MON, 10)) is True
    assert (
        is_open("Mo-Fr 09:00-17:00; PH off", _at(MON, 10), public_holidays=holiday)
        is False
    )
    assert is_open("Mo-Fr 09:00-17:00", _at(MON, 10), public_holidays=holiday)
    assert is_open("PH 10:00-12:00", _at(SUN, 11), public_holidays=[date(2024, 1, SUN)])


def test_open_matrix_agrees_with_is_open_every_quarter_hour():
    """The vectorised lookup equals the scalar one over a whole week."""
    hours = [case[0] for case in CASES] + ["", "sunset-sunrise"]
    when = pd.Series(pd.date_range("2024-01-08", periods=7 * 96, freq="15min"))
    holidays = [date(2024, 1, 10)]
    got, known = open_matrix(hours, when, public_holidays=holidays)
    assert got.shape == (len(when), len(hours))
    assert list(known) == [True] * len(CASES) + [False, False]
    for j, text in enumerate(hours):
        expected = [is_open(text, t, public_holidays=holidays) for t in when]
        assert list(got[:, j]) == [bool(e) for e in expected], text


def test_open_matrix_nat_is_closed():
    """A missing time is never open."""
    got, _ = open_matrix(["24/7"], pd.Series([pd.NaT, pd.Timestamp("2024-01-08")]))
    assert list(got[:, 0]) == [False, True]


def test_describe_hours_counts_each_kind():
    """Known, missing and unparseable hours are counted, not dropped."""
    counts = describe_hours(["Mo-Fr 09:00-17:00", "", None, "sunrise-sunset"])
    assert counts == {"known": 1, "missing": 2, "unparseable": 1}


def test_representative_time_of_bands():
    """Peak day and band map to a weekday in an ordinary week and the band time."""
    assert representative_time("Fri", "evening") == datetime(2024, 1, 12, 19, 30)
    assert representative_time("Mon", "late night") == datetime(2024, 1, 8, 22, 30)
    assert representative_time("unknown", "evening") is None
    assert representative_time("Sat", "unknown") is None


def test_parsed_week_is_read_only():
    """Cached weeks cannot be changed by a caller."""
    week = parse_hours("24/7")
    assert week is not None
    assert week.shape == (8, 1440)
    assert week.all()
    with pytest.raises(ValueError, match="read-only"):
        week[0, 0] = False
    assert np.array_equal(parse_hours("24/7"), week)
