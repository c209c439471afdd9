"""Tests for outreach.whatif: where new services reach most uncovered incidents."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point

from outreach import whatif
from outreach.whatif import SITE_COLUMNS, best_new_site, best_new_sites
from outreach.wording import gap_sentences

# 100 m/min with no circuity: 10 minutes' walk is 1,000 m.
EASY_WALK = {"speed_m_per_min": 100.0, "circuity": 1.0}
YOUTH = "youth and diversionary"


def _incidents(points: list[tuple[float, float]], when: str = "2024-01-10 19:00"):
    return gpd.GeoDataFrame(
        {
            "when": pd.Timestamp(when),
            "has_time": True,
            "category": "drugs",
            "source": "test",
        },
        index=range(len(points)),
        geometry=[Point(x, y) for x, y in points],
        crs="EPSG:27700",
    )


def _sites(rows: list[tuple[str, float, float]], **columns) -> gpd.GeoDataFrame:
    names, xs, ys = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {"name": names, **columns},
        geometry=[Point(x, y) for x, y in zip(xs, ys, strict=True)],
        crs="EPSG:27700",
    )


@pytest.fixture
def clusters():
    """An existing club covers 10 incidents; clusters of 20, 8 and 3 lie far away."""
    points = [(0, 0)] * 10 + [(3000, 0)] * 20 + [(0, 3000)] * 8 + [(-3000, 0)] * 3
    services = _sites(
        [("Club", 0, 0)], category=YOUTH, opening_hours="Mo-Fr 18:00-21:00"
    )
    candidates = _sites(
        [
            ("Near club hall", 200, 0),
            ("East hall", 3100, 0),
            ("North hall", 0, 3100),
            ("West hall", -3100, 0),
            ("Far hall", 9000, 9000),
        ],
        category="community centre",
    )
    return _incidents(points), services, candidates


def test_known_best_site_and_ranking(clusters):
    """East (20) beats North (8); West's 3 are withheld; already-covered adds 0."""
    incidents, services, candidates = clusters
    got = best_new_site(incidents, services, candidates, YOUTH, **EASY_WALK)
    assert tuple(got.columns[:-1]) == SITE_COLUMNS
    assert got.crs == "EPSG:27700"
    assert list(got["site"]) == [
        "East hall",
        "North hall",
        "West hall",
        "Far hall",
        "Near club hall",
    ]
    assert list(got["added_incidents"]) == ["20", "8", "<5", "0", "0"]
    assert got["added_share"].iloc[0] == f"{round(100 * 20 / 41)}%"
    assert got["covered_before"].iloc[0] == f"{round(100 * 10 / 41)}%"
    assert got["covered_after"].iloc[0] == f"{round(100 * 30 / 41)}%"
    assert got["added_share"].iloc[2] == "<5 incidents"
    assert pd.isna(got["added_share_value"].iloc[2])
    assert list(got["rank"]) == [1, 2, 3, 4, 5]
    assert got["reach_m"].iloc[0] == 1000


def test_withheld_counts_tie_and_sort_by_name(clusters):
    """Two candidates each adding under 5 are ordered by name, not by count."""
    incidents, services, candidates = clusters
    extra = pd.concat([incidents, _incidents([(0, -3000)])], ignore_index=True)
    more = pd.concat(
        [candidates, _sites([("A south hall", 0, -3100)], category="church hall")],
        ignore_index=True,
    )
    got = best_new_site(extra, services, more, YOUTH, **EASY_WALK)
    assert list(got["site"][2:4]) == ["A south hall", "West hall"]


def test_band_counts_only_services_open_then(clusters):
    """On Saturday evening the weekday club is shut, so its own hall adds 10."""
    incidents, services, candidates = clusters
    saturday = incidents.assign(when=pd.Timestamp("2024-01-13 19:00"))
    both = pd.concat([incidents, saturday], ignore_index=True)
    weekend = best_new_site(
        both, services, candidates, YOUTH, band="weekend evening", **EASY_WALK
    ).set_index("site")
    assert weekend.at["Near club hall", "added_incidents"] == "10"
    assert weekend.at["Near club hall", "covered_before"] == "0%"
    weekday = best_new_site(
        both, services, candidates, YOUTH, band="weekday evening", **EASY_WALK
    ).set_index("site")
    assert weekday.at["Near club hall", "added_incidents"] == "0"
    with pytest.raises(ValueError, match="band must be one of"):
        best_new_site(both, services, candidates, YOUTH, band="teatime")


@pytest.fixture
def counted(calls) -> list:
    """Record each time the best site's incidents are counted afresh."""
    whatif._ADDED.clear()
    yield calls(whatif, "_population")
    whatif._ADDED.clear()


def test_a_new_threshold_reuses_the_counts_and_equals_a_fresh_ranking(
    clusters, counted
):
    """Threshold 10 after 5 counts nothing again, and matches counting afresh."""
    incidents, services, candidates = clusters
    best_new_site(incidents, services, candidates, YOUTH, threshold=5, **EASY_WALK)
    reused = best_new_site(
        incidents, services, candidates, YOUTH, threshold=10, **EASY_WALK
    )
    assert len(counted) == 1
    whatif._ADDED.clear()
    fresh = best_new_site(
        incidents, services, candidates, YOUTH, threshold=10, **EASY_WALK
    )
    assert len(counted) == 2
    pd.testing.assert_frame_equal(reused, fresh)
    # North hall's 8 are shown at threshold 5 and withheld at 10.
    assert reused.set_index("site").at["North hall", "added_incidents"] == "<10"


def test_other_incidents_sites_or_settings_are_counted_again(clusters, counted):
    """Each thing the counts depend on is part of what they are kept on."""
    incidents, services, candidates = clusters

    def run(i=incidents, s=services, c=candidates, **settings):
        return best_new_site(i, s, c, YOUTH, **{**EASY_WALK, **settings})

    run()
    run(incidents.copy(), services.copy(), candidates.copy())  # equal copies
    assert len(counted) == 1
    run(s=services.assign(opening_hours="Sa-Su 18:00-21:00"), band="weekend evening")
    run(band="weekend evening")
    run(s=services.assign(category="mental health"))
    run(c=candidates.iloc[:-1])
    run(i=incidents.iloc[:-1])
    run(i=incidents.assign(when=pd.Timestamp("2024-01-13 19:00")))
    run(minutes=5)
    run(speed_m_per_min=50.0)
    run(unknown_hours="closed")
    assert len(counted) == 10
    remembered = next(iter(whatif._ADDED._values.values()))
    with pytest.raises(ValueError, match="read-only"):
        remembered.added[0] += 1


def test_two_sites_beat_the_greedy_pair():
    """MCLP picks the two side halls (12) over the greedy centre-first pair (10)."""
    points = [(-900, 0)] * 4 + [(-2000, 0)] * 2 + [(900, 0)] * 4 + [(2000, 0)] * 2
    incidents = _incidents(points)
    services = _sites([("Elsewhere", 50000, 0)], category=YOUTH, opening_hours="")
    candidates = _sites([("Centre", 0, 0), ("West", -1400, 0), ("East", 1400, 0)])
    single = best_new_site(incidents, services, candidates, YOUTH, **EASY_WALK)
    assert single["site"].iloc[0] == "Centre"
    chosen, summary = best_new_sites(
        incidents, services, candidates, YOUTH, sites=2, **EASY_WALK
    )
    assert sorted(chosen["site"]) == ["East", "West"]
    assert summary["added_incidents"] == "12"
    assert summary["covered_after"] == "100%"
    assert summary["status"] == "OPTIMAL"
    one, one_summary = best_new_sites(
        incidents, services, candidates, YOUTH, sites=1, **EASY_WALK
    )
    assert list(one["site"]) == ["Centre"]
    assert one_summary["added_incidents"] == single["added_incidents"].iloc[0] == "8"


def test_sentence_for_the_best_site(clusters):
    """The pack sentence names the best site and the shares before and after."""
    incidents, services, candidates = clusters
    got = best_new_site(incidents, services, candidates, YOUTH, **EASY_WALK)
    assert gap_sentences("en", whatif=got, focus=[YOUTH]) == [
        "One new youth and diversionary service at East hall would bring a further "
        "49% of incidents within 10 minutes' walk (est.): from 24% to 73%."
    ]
    assert gap_sentences("en", whatif=got.iloc[2:], focus=[YOUTH]) == []
