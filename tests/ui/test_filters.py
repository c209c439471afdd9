"""Tests for ui.filters: incidents left out before any analysis."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import pytest

from geodata.errors import InputDataError
from ui.filters import IncidentFilter, filter_incidents


@pytest.fixture
def incidents() -> gpd.GeoDataFrame:
    """Five incidents: two days, two partners, one without a time, one at 01:00
    on a Saturday (late night of the Friday).
    """
    return gpd.GeoDataFrame(
        {
            "when": pd.to_datetime(
                [
                    "2026-11-02 16:00",  # Mon after school
                    "2026-11-02 19:00",  # Mon evening
                    "2026-11-07 01:00",  # Sat 01:00: late night
                    "2026-11-20 00:00",  # no time
                    "2026-11-21 13:00",  # Sat daytime
                ]
            ),
            "has_time": [True, True, True, False, True],
            "category": ["drugs", "violence", "drugs", "violence", "weapon"],
            "source": ["police", "police", "education", "police", "health"],
        },
        geometry=gpd.points_from_xy([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]),
        crs="EPSG:27700",
    )


def test_no_filter_keeps_everything(incidents):
    """The empty filter is inactive and keeps every row."""
    choice = IncidentFilter()
    assert not choice.active
    assert len(filter_incidents(incidents, choice)) == 5


def test_date_range_is_inclusive(incidents):
    """Both ends of the range are kept, whatever the time of day."""
    kept = filter_incidents(
        incidents, IncidentFilter(start=date(2026, 11, 7), end=date(2026, 11, 20))
    )
    assert kept["when"].dt.day.tolist() == [7, 20]


def test_categories_and_sources_combine(incidents):
    """Themes and partners both apply."""
    kept = filter_incidents(
        incidents, IncidentFilter(categories=("drugs", "violence"), sources=("police",))
    )
    assert kept["category"].tolist() == ["drugs", "violence", "violence"]


def test_time_band_drops_untimed_records(incidents):
    """A band keeps only timed incidents in it; 01:00 Saturday is late night."""
    late = filter_incidents(incidents, IncidentFilter(bands=("late night",)))
    assert late["when"].dt.hour.tolist() == [1]
    evening = filter_incidents(incidents, IncidentFilter(bands=("evening", "daytime")))
    assert evening["when"].dt.hour.tolist() == [19, 13]
    assert filter_incidents(incidents, IncidentFilter(bands=("evening",))).crs == (
        incidents.crs
    )


def test_bad_choices_are_refused():
    """A reversed range or an unknown band is a plain error."""
    with pytest.raises(InputDataError, match="first day 10/11/2026 is after the last"):
        IncidentFilter(start=date(2026, 11, 10), end=date(2026, 11, 1))
    with pytest.raises(InputDataError, match="time bands: night is not a band"):
        IncidentFilter(bands=("night",))
