"""Time bands and peak times from hand-made timestamps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hotspots.profiles import (
    _outreach_slot,
    peak_times,
    profile_shares,
    time_band,
    weekly_profiles,
)


def test_time_bands_follow_the_documented_hours():
    """After school is weekday 15-18; evening 18-22; late night 22-06."""
    when = pd.Series(
        pd.to_datetime(
            [
                "2026-12-07 15:30",  # Monday
                "2026-12-12 15:30",  # Saturday: not "after school"
                "2026-12-07 19:00",
                "2026-12-07 23:30",
                "2026-12-08 01:00",
                "2026-12-07 10:00",
            ]
        )
    )
    has_time = pd.Series([True] * 5 + [False])
    assert time_band(when, has_time).tolist() == [
        "after school",
        "daytime",
        "evening",
        "late night",
        "late night",
        pd.NA,
    ]


def test_after_midnight_counts_for_the_night_before():
    """01:00 on Saturday is Friday night; two close days are both named."""
    when = pd.Series(
        pd.to_datetime(
            [
                "2026-12-12 01:00",
                "2026-12-12 00:30",
                "2026-12-11 23:00",
                "2026-12-13 01:00",
            ]
        )
    )
    flags = pd.Series([True] * 4)
    table = peak_times(np.zeros(4, int), when, flags, flags, 1)
    assert table.loc[0, "peak_day"] == "Fri"
    assert table.loc[0, "peak_band"] == "late night"
    assert table.loc[0, "peak_times"] == "Fri late night"


def test_aoristic_window_spreads_one_record_over_its_hours():
    """A 20:00-23:59 missing episode adds 1/4 to each of four evening hours."""
    when = pd.Series(pd.to_datetime(["2026-12-11 20:00"]))  # a Friday
    end = pd.Series(pd.to_datetime(["2026-12-11 23:00"]))
    profile = weekly_profiles(np.zeros(1, int), when, pd.Series([True]), 1, end)
    assert profile.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(profile[0, 4, 20:24], 0.25)


def test_window_after_midnight_stays_with_the_night_before():
    """22:00 Fri to 02:00 Sat all counts as Friday night (late night mostly)."""
    when = pd.Series(pd.to_datetime(["2026-12-11 22:00"]))
    end = pd.Series(pd.to_datetime(["2026-12-12 02:00"]))
    flags = pd.Series([True])
    profile = weekly_profiles(np.zeros(1, int), when, flags, 1, end)
    assert profile[0, 4].sum() == pytest.approx(1.0)
    table = peak_times(np.zeros(1, int), when, flags, flags, 1, end)
    assert table.loc[0, "peak_band"] == "late night"


def test_long_windows_and_untimed_records_are_left_out_of_the_profile():
    """A three-week absence says nothing about the hour; nor does a date alone."""
    when = pd.Series(pd.to_datetime(["2026-12-01 10:00", "2026-12-02 00:00"]))
    end = pd.Series(pd.to_datetime(["2026-12-22 10:00", "NaT"]))
    profile = weekly_profiles(np.zeros(2, int), when, pd.Series([True, False]), 1, end)
    assert profile.sum() == 0


def test_profile_shares_hide_small_groups():
    """Profiles of groups below the minimum are not returned."""
    profiles = np.zeros((2, 7, 24))
    profiles[0, 4, 20] = 30
    profiles[0, 5, 21] = 10
    profiles[1, 0, 0] = 3
    shares = profile_shares(profiles, ["H01", "H02"], min_total=10)
    assert list(shares) == ["H01"]
    assert shares["H01"][4][20] == 75.0


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_outreach_slot_equals_pandas_day_and_hour(unit):
    """Day of week and hour from datetime arithmetic equal pandas' ``.dt`` values,
    including before 1970 and hours before 06:00 (the night before)."""
    rng = np.random.default_rng(6)
    seconds = rng.integers(-10 * 365 * 86400, 60 * 365 * 86400, 2000)
    when = pd.Series(pd.to_datetime(seconds, unit="s")).astype(f"datetime64[{unit}]")
    hour = when.dt.hour.to_numpy()
    day = np.mod(when.dt.day_of_week.to_numpy() - (hour < 6), 7)
    got_day, got_hour = _outreach_slot(when)
    np.testing.assert_array_equal(got_hour, hour)
    np.testing.assert_array_equal(got_day, day)


def test_peak_times_with_a_given_profile_equal_those_it_works_out():
    """Passing the groups' weekly profiles changes nothing but the work done."""
    rng = np.random.default_rng(9)
    when = pd.Series(pd.to_datetime(rng.integers(0, 400 * 86400, 300), unit="s"))
    group = rng.integers(0, 4, 300)
    flags = pd.Series(rng.random(300) < 0.8)
    profile = weekly_profiles(group, when, flags, 4)
    pd.testing.assert_frame_equal(
        peak_times(group, when, flags, flags, 4, profile=profile),
        peak_times(group, when, flags, flags, 4),
    )
