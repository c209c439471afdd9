"""Tests for outreach.coverage: shares of incidents within a walk of services."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Point

from outreach import coverage
from outreach.coverage import (
    ALL_TIMES,
    ANY_TIME,
    PERIODS,
    coverage_table,
    incident_periods,
    nearest_minutes,
    reach_minutes,
    share_text,
)
from outreach.wording import gap_sentences

EASY_WALK = {"speed_m_per_min": 100.0, "circuity": 1.0}
WEDNESDAY_EVENING = pd.Timestamp("2024-01-10 19:00")
SATURDAY_EVENING = pd.Timestamp("2024-01-13 19:00")


def _incidents(rows: list[tuple[float, pd.Timestamp | None]]) -> gpd.GeoDataFrame:
    """Incidents on the x axis at the given distances, with times (None = untimed)."""
    when = [t if t is not None else pd.Timestamp("2024-01-01") for _, t in rows]
    return gpd.GeoDataFrame(
        {
            "when": pd.to_datetime(when),
            "has_time": [t is not None for _, t in rows],
            "category": "drugs",
            "source": "test",
        },
        geometry=[Point(x, 0) for x, _ in rows],
        crs="EPSG:27700",
    )


def _service(hours: str) -> gpd.GeoDataFrame:
    """One youth service at the origin with these opening hours."""
    return gpd.GeoDataFrame(
        {
            "name": ["Club"],
            "category": ["youth and diversionary"],
            "opening_hours": [hours],
        },
        geometry=[Point(0, 0)],
        crs="EPSG:27700",
    )


@pytest.fixture
def layout() -> gpd.GeoDataFrame:
    """10 incidents at 3, 8 and 20 minutes, on a Wednesday and a Saturday evening."""
    rows = []
    for when in (WEDNESDAY_EVENING, SATURDAY_EVENING):
        rows += [(300.0, when)] * 10 + [(800.0, when)] * 10 + [(2000.0, when)] * 10
    return _incidents(rows)


def _row(table: pd.DataFrame, band: str) -> pd.Series:
    rows = table[
        (table["category"] == "youth and diversionary") & (table["band"] == band)
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def test_shares_by_hand_with_opening_hours(layout):
    """Open weekday evenings only: Wednesday incidents covered, Saturday ones not."""
    table = coverage_table(layout, _service("Mo-Fr 18:00-21:00"), **EASY_WALK)
    anytime = _row(table, ANY_TIME)
    assert (
        anytime["within_5_min"],
        anytime["within_10_min"],
        anytime["within_15_min"],
    ) == (
        "33%",
        "67%",
        "67%",
    )
    assert anytime["within_10_min_share"] == pytest.approx(40 / 60)
    assert _row(table, ALL_TIMES)["within_10_min_share"] == pytest.approx(20 / 60)
    assert _row(table, "weekday evening")["within_5_min"] == "33%"
    assert _row(table, "weekend evening")["within_15_min"] == "0%"
    assert _row(table, "late night")["within_15_min"] == "no incidents"
    assert set(table["band"]) == {ANY_TIME, ALL_TIMES, *PERIODS}
    assert len(table) == 7 * (2 + len(PERIODS))


def test_unknown_hours_open_or_closed(layout):
    """A service without hours counts as open by default, or as closed on request."""
    lenient = coverage_table(layout, _service(""), **EASY_WALK)
    strict = coverage_table(layout, _service(""), unknown_hours="closed", **EASY_WALK)
    assert _row(lenient, "weekend evening")["within_10_min"] == "67%"
    assert _row(strict, "weekend evening")["within_10_min"] == "0%"
    assert _row(strict, ANY_TIME)["within_10_min"] == "67%"
    assert _row(strict, ANY_TIME)["services_unknown_hours"] == 1
    with pytest.raises(ValueError, match="unknown_hours"):
        coverage_table(layout, _service(""), unknown_hours="maybe")


def test_untimed_incidents_only_in_hours_ignored_row(layout):
    """Incidents without a time count for 'any time' only."""
    rows = [(300.0, None)] * 30 + [(300.0, WEDNESDAY_EVENING)] * 10
    table = coverage_table(_incidents(rows), _service("24/7"), **EASY_WALK)
    assert _row(table, ANY_TIME)["within_5_min_share"] == 1.0
    assert _row(table, ALL_TIMES)["within_5_min_share"] == 1.0
    periods = incident_periods(_incidents(rows))
    assert periods.isna().sum() == 30
    assert (periods.dropna() == "weekday evening").all()


def test_small_denominators_numerators_and_remainders_are_withheld():
    """Fewer than 5 in the group, within reach, or beyond it: no percentage."""
    text, value = share_text(
        np.array([0, 3, 12, 20, 0, 6]), np.array([3, 20, 15, 20, 0, 12]), 5
    )
    assert list(text) == [
        "<5 incidents",
        "<5 incidents",
        "all but <5 incidents",
        "100%",
        "no incidents",
        "50%",
    ]
    assert np.isnan(value[:3]).all()
    assert value[3] == 1.0
    assert value[5] == 0.5


def test_small_group_in_table_is_withheld():
    """Three after-school incidents give no share; the evening group still does."""
    after_school = pd.Timestamp("2024-01-10 16:00")
    rows = [(300.0, after_school)] * 3 + [(300.0, WEDNESDAY_EVENING)] * 6
    rows += [(5000.0, WEDNESDAY_EVENING)] * 6
    table = coverage_table(_incidents(rows), _service("24/7"), threshold=5, **EASY_WALK)
    assert _row(table, "after school")["within_5_min"] == "<5 incidents"
    assert np.isnan(_row(table, "after school")["within_5_min_share"])
    assert _row(table, "weekday evening")["within_5_min"] == "50%"
    assert "incidents" not in table.columns  # shares only, no counts to difference


def test_sentences_name_the_worst_period(layout):
    """Sentences give the hours-ignored share and the worst open-services period."""
    table = coverage_table(layout, _service("Mo-Fr 18:00-21:00"), **EASY_WALK)
    lines = gap_sentences(
        "en",
        coverage=table[table["category"] == "youth and diversionary"],
        focus=["youth and diversionary"],
    )
    assert lines == [
        "33% of incidents are more than 15 minutes' walk (est.) from any youth and "
        "diversionary provision, whatever its hours.",
        "100% of weekend-evening incidents are more than 15 minutes' walk (est.) from "
        "any open youth and diversionary provision.",
    ]


def test_reach_minutes_match_every_distance_worked_out_by_hand():
    rng = np.random.default_rng(5)
    points = rng.uniform(0, 3000, size=(500, 2))
    sites = rng.uniform(0, 3000, size=(6, 2))
    timed = rng.random(500) < 0.8
    allowed = rng.random((int(timed.sum()), 6)) < 0.3
    allowed[0] = False  # a timed point where no site is open
    any_site, allowed_site = reach_minutes(points, sites, timed, allowed, **EASY_WALK)

    metres = np.array([[np.hypot(*(p - s)) for s in sites] for p in points])
    assert np.allclose(any_site, metres.min(axis=1) / 100.0)
    open_metres = np.where(allowed, metres[timed], np.inf).min(axis=1)
    expected = np.where(np.isinf(open_metres), np.nan, open_metres / 100.0)
    assert np.allclose(allowed_site[timed], expected, equal_nan=True)
    assert np.isnan(allowed_site[np.flatnonzero(timed)[0]])
    assert np.isnan(allowed_site[~timed]).all()
    # The one-answer form gives the same minutes.
    assert np.array_equal(nearest_minutes(points, sites, **EASY_WALK), any_site)
    assert np.array_equal(
        nearest_minutes(points[timed], sites, allowed, **EASY_WALK),
        allowed_site[timed],
        equal_nan=True,
    )


def test_reach_minutes_without_sites_are_unknown():
    any_site, allowed_site = reach_minutes(np.zeros((3, 2)), np.empty((0, 2)))
    assert np.isnan(any_site).all()
    assert np.isnan(allowed_site).all()


@pytest.fixture
def counted(calls) -> list:
    """Record each time coverage counts incidents afresh (none remembered yet)."""
    coverage._COUNTS.clear()
    yield calls(coverage, "_counted")
    coverage._COUNTS.clear()


def test_a_new_threshold_reuses_the_counts_and_equals_a_fresh_table(layout, counted):
    service = _service("Mo-Fr 18:00-21:00")
    coverage_table(layout, service, threshold=5, **EASY_WALK)
    reused = coverage_table(layout, service, threshold=25, **EASY_WALK)
    assert len(counted) == 1
    coverage._COUNTS.clear()
    fresh = coverage_table(layout, service, threshold=25, **EASY_WALK)
    assert len(counted) == 2
    pd.testing.assert_frame_equal(reused, fresh)
    # 20 of 60 incidents are a share at threshold 5, withheld at 25.
    assert _row(reused, ALL_TIMES)["within_10_min"] == "<25 incidents"


def test_other_incidents_services_or_settings_are_counted_again(layout, counted):
    service = _service("Mo-Fr 18:00-21:00")
    coverage_table(layout, service, **EASY_WALK)
    coverage_table(layout.copy(), service.copy(), **EASY_WALK)  # equal copies
    assert len(counted) == 1
    coverage_table(layout, _service("Mo-Su 18:00-21:00"), **EASY_WALK)  # hours
    moved = service.set_geometry([Point(100, 0)], crs="EPSG:27700")
    coverage_table(layout, moved, **EASY_WALK)  # where
    coverage_table(layout, service.assign(category="mental health"), **EASY_WALK)
    later = layout.assign(when=layout["when"] + pd.Timedelta(hours=3))
    coverage_table(later, service, **EASY_WALK)  # when
    coverage_table(layout.iloc[:-1], service, **EASY_WALK)  # one incident fewer
    coverage_table(layout, service, minutes=(5, 20), **EASY_WALK)
    coverage_table(layout, service, speed_m_per_min=50.0, circuity=1.0)
    assert len(counted) == 8


def test_remembered_counts_cannot_be_changed(layout, counted):
    coverage_table(layout, _service("24/7"), **EASY_WALK)
    remembered = next(iter(coverage._COUNTS._values.values()))
    with pytest.raises(ValueError, match="read-only"):
        remembered.totals[0] += 1
    with pytest.raises(ValueError, match="read-only"):
        remembered.categories[0][3][0, 0] += 1


def test_no_services_at_all_gives_no_shares_within_reach(layout, counted):
    none = _service("24/7").iloc[:0]
    table = coverage_table(layout, none, **EASY_WALK)
    assert (table["services"] == 0).all()
    assert set(table["within_15_min"]) <= {"0%", "no incidents"}
