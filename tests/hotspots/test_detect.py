"""Hotspot detection against known truth: planted hotspots and pure randomness."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geodata.crs import BNG
from geodata.places import load_places
from hotspots import CELL_COLUMNS, HotspotParams, detect_hotspots
from hotspots.areas import HOTSPOT_COLUMNS
from hotspots.simulate import ORIGIN, planted_incidents, random_incidents, study_square

CENTRES = np.array([[1000, 1000], [4000, 1200], [2500, 3500], [800, 4200]])


def _planted_points() -> list:
    return [shapely.Point(ORIGIN[0] + x, ORIGIN[1] + y) for x, y in CENTRES]


def test_planted_hotspots_found_with_few_false_ones():
    """Defaults find >= 95% of planted hotspots; >= 90% of reported ones are real."""
    found = planted = reported = real = 0
    for seed in range(20):
        incidents = planted_incidents(2000, CENTRES, 40, seed=seed)
        result = detect_hotspots(incidents, HotspotParams(), area=study_square())
        areas = result.hotspots.geometry
        for point in _planted_points():
            planted += 1
            found += bool((areas.distance(point) < 150).any())
        for area in areas:
            reported += 1
            real += min(p.distance(area) for p in _planted_points()) < 300
    recall, precision = found / planted, real / reported
    assert recall >= 0.95, f"recall {recall:.2f}"
    assert precision >= 0.90, f"precision {precision:.2f}"


def test_random_data_gives_no_hotspots_in_95_percent_of_datasets():
    """Complete spatial randomness: at least 95 of 100 data sets report none."""
    empty = sum(
        detect_hotspots(
            random_incidents(1500, seed=seed), HotspotParams(), area=study_square()
        ).hotspots.empty
        for seed in range(100)
    )
    assert empty >= 95, f"only {empty}/100 random data sets had no hotspot"


def test_random_data_without_a_study_area_gives_no_hotspots():
    """The data's own extent as mask (no polygons) does not invent hotspots."""
    empty = sum(
        detect_hotspots(random_incidents(1500, seed=s), HotspotParams()).hotspots.empty
        for s in range(40)
    )
    assert empty >= 38


def test_too_few_incidents_is_a_state_not_an_empty_map():
    """Below the minimum the result says so and shows no cells."""
    result = detect_hotspots(random_incidents(12, seed=1), HotspotParams())
    assert result.status == "too_few"
    assert "Too few incidents to say" in result.message
    assert result.cells.empty
    assert list(result.hotspots.columns) == HOTSPOT_COLUMNS


def test_outputs_have_documented_columns_crs_and_suppression():
    """Cells and hotspots carry the documented columns; small counts read '<5'."""
    incidents = planted_incidents(600, CENTRES[:2], 40, seed=2)
    result = detect_hotspots(
        incidents, HotspotParams(), area=study_square(), places=load_places()
    )
    assert result.status == "ok"
    assert list(result.cells.columns) == CELL_COLUMNS
    assert list(result.hotspots.columns) == HOTSPOT_COLUMNS
    assert result.cells.crs == BNG
    assert result.hotspots.crs == BNG
    small = result.cells["n_shown"].isna()
    assert small.any()
    assert set(result.cells.loc[small, "n"]) == {"<5"}
    numeric = result.cells.loc[~small, "n"].astype(int)
    assert ((numeric == 0) | (numeric >= 5)).all()
    assert result.hotspots["hotspot_id"].tolist()[:2] == ["H01", "H02"]
    assert result.hotspots["name"].isin(load_places()["name"]).all()
    for key in ("cell_size_m", "cell_size_rule", "study_area", "null_model"):
        assert key in result.choices


def test_user_cell_size_and_category_filter_are_used():
    """A fixed cell size is honoured and reported; a category filter narrows input."""
    incidents = planted_incidents(1000, CENTRES, 40, seed=5)
    params = HotspotParams(cell_size=200, categories=("violence",))
    result = detect_hotspots(incidents, params, area=study_square())
    assert result.choices["cell_size_m"] == 200
    assert result.choices["cell_size_rule"] == "set by the user"
    assert result.choices["incidents_analysed"] == int(
        (incidents["category"] == "violence").sum()
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell_size": 5}, "cell size must be between 25 and 5000 metres"),
        ({"alpha": 0.9}, "alpha"),
        ({"threshold": 1}, "disclosure threshold must be between 2 and 50"),
    ],
)
def test_bad_settings_are_refused(kwargs, message):
    """Settings outside sensible ranges get a plain message."""
    from geodata.errors import InputDataError

    with pytest.raises(InputDataError, match=message):
        HotspotParams(**kwargs)


def test_month_only_dates_give_unknown_peak_times():
    """With no day or time known, peaks say 'unknown' rather than a made-up Sat."""
    incidents = planted_incidents(1500, CENTRES, 40, seed=1)
    incidents["has_day"] = False
    incidents["has_time"] = False
    result = detect_hotspots(incidents, HotspotParams(), area=study_square())
    assert len(result.hotspots) >= 1
    assert set(result.hotspots["peak_day"]) == {"unknown"}
    assert set(result.hotspots["peak_band"]) == {"unknown"}
    assert result.hotspots["peak_times"].str.startswith("times unknown").all()
