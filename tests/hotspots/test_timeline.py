"""The hotspot map over time: planted histories end to end, units, demo story."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.crs import BNG
from hotspots import HotspotParams, detect_hotspots
from hotspots.changes import compare_hotspots, summarise_changes
from hotspots.periods import previous_panel_date
from hotspots.simulate import ORIGIN, random_incidents, study_square
from hotspots.timeline import (
    EMERGING_COLUMNS,
    PERIOD_TABLE_COLUMNS,
    TREND_CELL_COLUMNS,
    TREND_HOTSPOT_COLUMNS,
    hotspot_trends,
)

PANEL = date(2026, 6, 30)
N_PERIODS = 16
PARAMS = HotspotParams(cell_size=250)
# name: (offset east, offset north in metres, incidents per fortnight by period)
_t = np.arange(N_PERIODS)
CONTEXTS = {
    "Steady Park": (1000, 1000, np.full(N_PERIODS, 15)),
    "Old Yard": (4000, 1000, np.where(_t < 8, 25, 0)),
    "Rising Square": (2500, 2500, np.round(np.linspace(2, 30, N_PERIODS))),
    "Fresh Corner": (1000, 4000, np.where(_t >= N_PERIODS - 3, 15, 0)),
}


def _places() -> gpd.GeoDataFrame:
    """One named place at each planted context."""
    xy = np.array([(ORIGIN[0] + dx, ORIGIN[1] + dy) for dx, dy, _ in CONTEXTS.values()])
    return gpd.GeoDataFrame(
        {"name": list(CONTEXTS)}, geometry=shapely.points(xy), crs=BNG
    )


def _incidents(seed: int) -> gpd.GeoDataFrame:
    """16 fortnights to the panel date: 100 random incidents a fortnight plus
    the four planted contexts, timed in the evening."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(PANEL) + pd.Timedelta(days=1 - 14 * N_PERIODS)
    xs, ys, ps = [], [], []
    for dx, dy, per_period in CONTEXTS.values():
        n = rng.poisson(per_period)
        xs.append(ORIGIN[0] + dx + rng.normal(0, 60, n.sum()))
        ys.append(ORIGIN[1] + dy + rng.normal(0, 60, n.sum()))
        ps.append(np.repeat(_t, n))
    bg = rng.poisson(100, N_PERIODS)
    xs.append(ORIGIN[0] + rng.uniform(0, 5000, bg.sum()))
    ys.append(ORIGIN[1] + rng.uniform(0, 5000, bg.sum()))
    ps.append(np.repeat(_t, bg))
    period = np.concatenate(ps)
    n = len(period)
    when = (
        first
        + pd.to_timedelta(period * 14 + rng.integers(0, 14, n), unit="D")
        + pd.to_timedelta(rng.integers(15 * 60, 22 * 60, n), unit="min")
    )
    frame = pd.DataFrame(
        {
            "when": when,
            "has_day": np.ones(n, bool),
            "has_time": np.ones(n, bool),
            "category": pd.Categorical(rng.choice(["violence", "drugs"], n)),
            "source": pd.Categorical(np.full(n, "simulated")),
        }
    )
    x = np.clip(np.concatenate(xs), ORIGIN[0], ORIGIN[0] + 4999)
    y = np.clip(np.concatenate(ys), ORIGIN[1], ORIGIN[1] + 4999)
    return gpd.GeoDataFrame(frame, geometry=shapely.points(x, y), crs=BNG)


def _area_of(hotspots: gpd.GeoDataFrame, name: str) -> pd.Series | None:
    dx, dy, _ = CONTEXTS[name]
    point = shapely.Point(ORIGIN[0] + dx, ORIGIN[1] + dy)
    near = hotspots[hotspots.geometry.distance(point) < 150]
    return None if near.empty else near.iloc[0]


@pytest.mark.parametrize("seed", [0, 4])
def test_planted_histories_end_to_end(seed):
    """Steady -> persistent, stopped halfway -> historical, rising -> growing,
    last-6-weeks -> new (a hotspot or an emerging area); tables as documented."""
    incidents = _incidents(seed)
    places = _places()
    result = detect_hotspots(incidents, PARAMS, area=study_square(), places=places)
    trends = hotspot_trends(incidents, result, PARAMS, PANEL, places=places)
    assert list(trends.periods.columns) == PERIOD_TABLE_COLUMNS
    assert trends.periods["end"].iloc[-1] == pd.Timestamp("2026-07-01")
    assert len(trends.periods) == N_PERIODS
    assert list(trends.cells.columns) == TREND_CELL_COLUMNS
    assert len(trends.cells) == len(result.cells)
    assert list(trends.hotspots.columns) == TREND_HOTSPOT_COLUMNS
    assert list(trends.hotspots["hotspot_id"]) == list(result.hotspots["hotspot_id"])
    assert list(trends.emerging.columns) == EMERGING_COLUMNS
    assert trends.emerging.crs == BNG
    assert (trends.emerging["incidents_shown"] >= PARAMS.threshold).all()

    table = result.hotspots.merge(trends.hotspots, on="hotspot_id")
    steady = _area_of(table, "Steady Park")
    old = _area_of(table, "Old Yard")
    rising = _area_of(table, "Rising Square")
    assert steady["trend"] == "persistent"
    assert steady["recent"] == "same"
    assert old["trend"] == "historical"
    assert rising["trend"] in {"intensifying", "emerging"}
    assert rising["recent"] == "up"
    fresh = _area_of(table, "Fresh Corner")
    if fresh is None:
        fresh = _area_of(trends.emerging, "Fresh Corner")
    assert fresh is not None
    assert fresh["trend"] in {"new", "emerging"}

    lines = summarise_changes(table, emerging=trends.emerging)
    assert any(line.startswith("New: Fresh Corner") for line in lines)
    assert any(line.startswith("Growing: Rising Square") for line in lines)
    assert "Fading: Old Yard" in lines
    assert any(line.startswith("Steady:") and "Steady Park" in line for line in lines)


def test_month_only_records_are_left_out_of_fortnights_with_a_note():
    """Police.uk-style month-only records cannot be placed in a fortnight."""
    incidents = _incidents(seed=1)
    incidents.loc[:2, "has_day"] = False
    result = detect_hotspots(incidents, PARAMS, area=study_square())
    trends = hotspot_trends(incidents, result, PARAMS, PANEL)
    assert trends.choices["month_only_left_out"] == "<5"
    assert "<5 record(s) with only a month were left out" in trends.note
    monthly = hotspot_trends(incidents, result, PARAMS, PANEL, length="month")
    assert "month_only_left_out" not in monthly.choices


def test_too_few_incidents_give_no_trends():
    """A 'too few' map has no trends to show, and says so."""
    incidents = random_incidents(12, seed=1)
    result = detect_hotspots(incidents, PARAMS)
    trends = hotspot_trends(incidents, result, PARAMS, date(2026, 12, 31))
    assert trends.note.startswith("No trends: Too few incidents")
    assert trends.cells.empty
    assert trends.emerging.empty


def test_demo_story_since_the_last_panel():
    """The synthetic demo's story reads out: Parc Tawe new, Castle Square growing,
    Blaenymaes fading, no context gone."""
    from geodata.demo import DEMO_END, demo_tables
    from geodata.places import load_places
    from geodata.read import read_area, read_incidents

    tables = demo_tables(7)
    area = read_area(("area.geojson", tables["area.geojson"]))
    incidents, _ = read_incidents(
        [("incidents.csv", tables["incidents.csv"])], area=area
    )
    params, places = HotspotParams(), load_places()
    now = detect_hotspots(incidents, params, area=area, places=places)
    trends = hotspot_trends(incidents, now, params, DEMO_END, places=places)
    before = incidents[incidents["when"] <= pd.Timestamp(previous_panel_date(DEMO_END))]
    previous = detect_hotspots(before, params, area=area, places=places)
    change, gone = compare_hotspots(previous.hotspots, now.hotspots)
    table = now.hotspots.merge(trends.hotspots, on="hotspot_id").assign(
        change_since_last=change.to_numpy()
    )
    lines = summarise_changes(table, gone, trends.emerging)
    assert trends.note == ""
    assert lines[0].startswith("New: Parc Tawe")
    assert any(line.startswith("Growing: Castle Square") for line in lines)
    assert "Fading: Blaenymaes" in lines
    assert not any(line.startswith("Gone:") for line in lines)
