"""Tests for ui.changes: since the last saved panel, or one period earlier."""

from __future__ import annotations

from datetime import UTC, date, datetime

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.crs import BNG
from hotspots.result import HotspotResult
from store import Snapshot
from ui.changes import areas, headline_classes, since_last


def _hotspots(ids, names, incidents, boxes) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ids,
            "name": names,
            "incidents": [str(n) for n in incidents],
            "incidents_shown": np.asarray(incidents, float),
            "peak_times": ["Fri evening"] * len(ids),
            "label_x": [b[0] for b in boxes],
            "label_y": [b[1] for b in boxes],
        },
        geometry=[shapely.box(*b) for b in boxes],
        crs=BNG,
    )


@pytest.fixture
def result() -> HotspotResult:
    """Today: Castle Square (30 incidents) and Parc Tawe (new, 12), no trend columns."""
    hotspots = _hotspots(
        ["H01", "H02"],
        ["Castle Square", "Parc Tawe"],
        [30, 12],
        [(265000, 192500, 265500, 193000), (266000, 193400, 266300, 193600)],
    )
    hotspots["change_since_last"] = ["steady", "new"]
    return HotspotResult(
        cells=gpd.GeoDataFrame(geometry=[], crs=BNG),
        hotspots=hotspots,
        status="ok",
        message="2 hotspots found.",
        choices={"last_panel_date": "2026-11-16", "panel_date": "2026-11-30"},
        changes=("New: Parc Tawe (Fri evening)", "Steady: Castle Square"),
    )


@pytest.fixture
def snapshot() -> Snapshot:
    """The saved panel of 9 November: Castle Square at 20 incidents, and Blaenymaes."""
    return Snapshot(
        snapshot_id=7,
        meeting_date=date(2026, 11, 9),
        created_at=datetime(2026, 11, 9, 12, tzinfo=UTC),
        created_by="local",
        threshold=5,
        status="ok",
        message="",
        choices={},
        decisions=("Target: H01 Castle Square",),
        hotspots=_hotspots(
            ["H01", "H02"],
            ["Castle Square", "Blaenymaes"],
            [20, 9],
            [(265000, 192500, 265500, 193000), (263000, 196500, 263300, 196800)],
        ),
    )


def test_without_a_snapshot_uses_the_pipelines_comparison(result):
    """No saved panel: the lines are the result's, compared one period earlier."""
    since = since_last(result, None)
    assert since.lines == result.changes
    assert since.snapshot is None
    assert since.compared_with == "2026-11-16"
    assert since.classes.to_dict() == {"H01": "Steady", "H02": "New"}


def test_with_a_snapshot_compares_against_it(result, snapshot):
    """A saved panel decides growing, new and gone, and is named as the basis."""
    since = since_last(result, snapshot)
    assert since.compared_with == "2026-11-09"
    assert since.classes.to_dict() == {"H01": "Growing", "H02": "New"}
    assert "Growing: Castle Square (Fri evening)" in since.lines
    assert "Gone: Blaenymaes" in since.lines
    assert since.gone["name"].tolist() == ["Blaenymaes"]


def test_emerging_areas_are_new_and_listed(result):
    """Emerging areas outside the hotspots count as new areas on the map."""
    emerging = _hotspots(["E01"], ["Mayhill"], [9], [(264000, 194000, 264200, 194200)])
    assert headline_classes(result.hotspots, emerging)["E01"] == "New"
    joined = areas(
        HotspotResult(
            cells=result.cells,
            hotspots=result.hotspots,
            status="ok",
            message="",
            emerging=emerging,
        )
    )
    assert joined["hotspot_id"].tolist() == ["H01", "H02", "E01"]
    assert joined.crs == BNG


def test_each_area_has_the_headline_of_its_own_summary_line() -> None:
    """Every mix of trend, recent change and map change: the map's headline is
    the word the panel's one-line summary gives that hotspot on its own."""
    from itertools import product

    from hotspots.changes import summarise_changes

    trends = ["", "new", "emerging", "intensifying", "diminishing", "historical"]
    trends += ["persistent", "sporadic"]
    recents = ["", "up", "down", "steady"]
    changes = ["", "new", "grew", "shrank", "same"]
    combos = list(product(trends, recents, changes))
    n = len(combos)
    frame = _hotspots(
        [f"H{i:03d}" for i in range(n)],
        [f"Place {i}" for i in range(n)],
        [10] * n,
        [(i * 10, 0, i * 10 + 5, 5) for i in range(n)],
    ).assign(
        trend=[t or None for t, _, _ in combos],
        recent=[r or None for _, r, _ in combos],
        change_since_last=[c or None for _, _, c in combos],
    )
    classes = headline_classes(frame)
    words = [summarise_changes(frame.iloc[[i]])[0].split(":", 1)[0] for i in range(n)]
    assert classes.tolist() == words
    assert set(words) == {"New", "Growing", "Fading", "Steady"}
