"""Since the last panel: matching hand-made hotspot polygons, plain-words lines."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.crs import BNG, WGS84
from hotspots.changes import GONE_COLUMNS, compare_hotspots, summarise_changes


def _hotspots(rows: list[tuple[str, str, float, tuple]], crs=BNG) -> gpd.GeoDataFrame:
    """Hotspots from (id, name, incidents_shown, box bounds) rows."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "incidents_shown": [r[2] for r in rows],
        },
        geometry=[shapely.box(*r[3]) for r in rows],
        crs=crs,
    )


SQUARE = (0, 0, 100, 100)


def _shift(bounds: tuple, dx: float) -> tuple:
    return (bounds[0] + dx, bounds[1], bounds[2] + dx, bounds[3])


def test_each_change_class_on_hand_made_polygons():
    """Same place and count: steady; twice the area: grew; a third fewer
    incidents: shrank; 40% more: grew; nowhere before: new; not now: gone."""
    previous = _hotspots(
        [
            ("H01", "Steady", 50, SQUARE),
            ("H02", "Wider", 40, _shift(SQUARE, 1000)),
            ("H03", "Quieter", 30, _shift(SQUARE, 2000)),
            ("H04", "Busier", 30, _shift(SQUARE, 3000)),
            ("H05", "Went away", 20, _shift(SQUARE, 4000)),
        ]
    )
    current = _hotspots(
        [
            ("H01", "Steady", 52, SQUARE),
            ("H02", "Wider", 44, (1000, 0, 1200, 100)),
            ("H03", "Quieter", 20, _shift(SQUARE, 2000)),
            ("H04", "Busier", 42, _shift(SQUARE, 3000)),
            ("H05", "Arrived", 25, _shift(SQUARE, 6000)),
        ]
    )
    change, gone = compare_hotspots(previous, current)
    assert change.name == "change_since_last"
    assert list(change.index) == list(current.index)
    assert list(change) == ["steady", "grew", "shrank", "grew", "new"]
    assert list(gone.columns) == GONE_COLUMNS
    assert gone.crs == BNG
    assert list(gone["name"]) == ["Went away"]
    assert list(gone["change_since_last"]) == ["gone"]


def test_suppressed_counts_fall_back_to_area():
    """Where a count is suppressed (NaN) only the area decides."""
    previous = _hotspots(
        [("H01", "A", np.nan, SQUARE), ("H02", "B", np.nan, (0, 500, 100, 600))]
    )
    current = _hotspots([("H01", "A", 9, SQUARE), ("H02", "B", 30, (0, 500, 100, 550))])
    change, _ = compare_hotspots(previous, current)
    assert list(change) == ["steady", "shrank"]


def test_merged_areas_compare_with_their_sum():
    """Two previous areas merged into one current: compared with both together."""
    previous = _hotspots(
        [("H01", "West", 20, (0, 0, 100, 100)), ("H02", "East", 20, (100, 0, 200, 100))]
    )
    current = _hotspots([("H01", "Both", 42, (0, 0, 200, 100))])
    change, gone = compare_hotspots(previous, current)
    assert list(change) == ["steady"]
    assert gone.empty


def test_a_sliver_of_overlap_is_not_a_match():
    """Sharing under 10% of the smaller polygon is not the same hotspot."""
    previous = _hotspots([("H01", "Old", 20, SQUARE)])
    current = _hotspots([("H01", "Next door", 20, (95, 0, 195, 100))])
    change, gone = compare_hotspots(previous, current)
    assert list(change) == ["new"]
    assert list(gone["name"]) == ["Old"]


def test_empty_maps_on_either_side():
    """No previous hotspots: all new; no current ones: all gone."""
    some = _hotspots([("H01", "A", 20, SQUARE)])
    none = some.iloc[:0]
    change, gone = compare_hotspots(none, some)
    assert list(change) == ["new"]
    assert gone.empty
    change, gone = compare_hotspots(some, none)
    assert change.empty
    assert list(gone["name"]) == ["A"]


def test_maps_must_be_in_british_national_grid():
    """Areas in degrees cannot be compared in square metres."""
    wgs = _hotspots([("H01", "A", 20, (-3.9, 51.6, -3.89, 51.61))], crs=WGS84)
    with pytest.raises(ValueError, match="must be in EPSG:27700"):
        compare_hotspots(wgs, _hotspots([("H01", "A", 20, SQUARE)]))


def _table(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["name", "peak_times", "change_since_last", "trend", "recent"]
    )


def test_summary_lines_in_plain_words():
    """New, growing and fading lines, then gone, then one steady line."""
    current = _table(
        [
            ("Castle Square", "Fri/Sat evening", "steady", "persistent", "up"),
            ("Wind Street", "Sat late night", "steady", "persistent", "same"),
            ("Blaenymaes", "Fri evening", "steady", "historical", "down"),
            (
                "Quadrant",
                "times unknown (dates without day or time)",
                "new",
                "emerging",
                "up",
            ),
            ("Morriston Cross", "Sat evening", "shrank", "persistent", "same"),
        ]
    )
    emerging = pd.DataFrame({"name": ["Parc Tawe"], "peak_times": ["Sat/Sun daytime"]})
    gone = pd.DataFrame({"name": ["Townhill"]})
    assert summarise_changes(current, gone, emerging) == [
        "New: Quadrant",
        "New: Parc Tawe (Sat/Sun daytime)",
        "Growing: Castle Square (Fri/Sat evening)",
        "Fading: Blaenymaes",
        "Gone: Townhill",
        "Steady: Wind Street, Morriston Cross",
    ]


def test_map_changes_decide_only_without_trends():
    """Without trend columns, grew and shrank make Growing and Fading; an outline
    that is new on the map but was persistent all along is not New."""
    bare = pd.DataFrame(
        {"name": ["A", "B", "C"], "change_since_last": ["grew", "shrank", "new"]}
    )
    assert summarise_changes(bare) == ["New: C", "Growing: A", "Fading: B"]
    moved = _table([("D", "Sat evening", "new", "persistent", "same")])
    assert summarise_changes(moved) == ["Steady: D"]
    assert summarise_changes(bare.iloc[:0]) == [
        "No hotspots at this panel or the last."
    ]


def test_a_new_outline_without_a_new_trend_is_steady():
    """With trend classes, an area that only appeared on the map (a borderline
    cell crossing the FDR threshold) is not 'New' unless its trend is."""
    current = _table(
        [
            ("Mumbles", "Sat evening", "new", "none", "same"),
            ("Sketty Cross", "Sat evening", "new", "intermittent", "same"),
            ("Parc Tawe", "Sat daytime", "new", "new", "same"),
        ]
    )
    assert summarise_changes(current) == [
        "New: Parc Tawe (Sat daytime)",
        "Steady: Mumbles, Sketty Cross",
    ]


def test_summary_lines_carry_no_counts():
    """Lines name places and times, never incident counts."""
    current = _table([("Castle Square", "Fri/Sat evening", "grew", "persistent", "up")])
    current["incidents"] = ["<5"]
    current["incidents_shown"] = [np.nan]
    lines = summarise_changes(current)
    assert lines == ["Growing: Castle Square (Fri/Sat evening)"]
    assert not any(ch.isdigit() for ch in "".join(lines))
