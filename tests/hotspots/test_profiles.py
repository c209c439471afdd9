"""Time bands and peak times from hand-made timestamps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hotspots.profiles import peak_times, time_band


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
