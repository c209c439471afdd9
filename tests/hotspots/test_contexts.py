"""Point contexts: planted places found, repeats collapsed, noise and snapping quiet."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

import hotspots.contexts as contexts
import hotspots.locations as spots
from geodata.crs import BNG
from geodata.errors import InputDataError
from hotspots.contexts import CONTEXT_COLUMNS, find_contexts
from hotspots.simulate import ORIGIN

X0, Y0 = ORIGIN
CENTRES = np.array([[500.0, 500.0], [2200.0, 800.0], [1400.0, 2400.0]])


def _planted(seed: int, per: int = 60, noise: int = 300):
    """Three 20 m clusters of ``per`` incidents in 300 incidents of noise (3 km)."""
    rng = np.random.default_rng(seed)
    parts = [c + rng.normal(0, 20, (per, 2)) for c in CENTRES]
    xy = np.vstack([*parts, rng.uniform(0, 3000, (noise, 2))])
    return X0 + xy[:, 0], Y0 + xy[:, 1]


def _repeated() -> tuple[np.ndarray, np.ndarray]:
    """500 incidents on each of three snap points within 15 m of each other."""
    spots = np.array([[1500.0, 1500.0], [1508.0, 1505.0], [1503.0, 1512.0]])
    xy = np.repeat(spots, 500, axis=0)
    return X0 + xy[:, 0], Y0 + xy[:, 1]


def _noise(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Complete spatial randomness in a 3 km square."""
    rng = np.random.default_rng(seed)
    return X0 + rng.uniform(0, 3000, n), Y0 + rng.uniform(0, 3000, n)


def _point(offset: np.ndarray) -> shapely.Point:
    return shapely.Point(X0 + offset[0], Y0 + offset[1])


@pytest.mark.parametrize("seed", range(5))
def test_three_planted_places_are_found_where_they_are(seed):
    """Exactly three contexts, each covering one planted centre, largest first."""
    x, y = _planted(seed)
    found, choices = find_contexts(x, y, threshold=5, places=None)
    assert len(found) == 3
    covering = [
        [outline.contains(_point(c)) for outline in found.geometry] for c in CENTRES
    ]
    assert sorted(row.index(True) for row in covering) == [0, 1, 2]
    assert all(sum(row) == 1 for row in covering)
    assert found["context_id"].tolist() == ["C01", "C02", "C03"]
    assert found["incidents_shown"].is_monotonic_decreasing
    assert (found["incidents_shown"] >= 55).all()
    assert choices["contexts"] == 3


def test_repeated_coordinates_are_one_context_clustered_as_three_rows(monkeypatch):
    """1,500 incidents on 3 coordinates: one context; the clustering sees 3 rows."""
    seen = []
    real_condense = contexts.condense

    def spy(xy, weight, **kwargs):
        seen.append(xy.shape)
        return real_condense(xy, weight, **kwargs)

    monkeypatch.setattr(contexts, "condense", spy)
    x, y = _repeated()
    found, choices = find_contexts(x, y, threshold=5, places=None)
    assert seen == [(3, 2)]
    assert choices["distinct_locations"] == 3
    assert found["incidents"].tolist() == ["1500"]
    assert found["locations"].tolist() == ["<5"]

    nx, ny = _noise(200, seed=7)
    found, choices = find_contexts(np.r_[x, nx], np.r_[y, ny], threshold=5, places=None)
    assert seen[-1] == (203, 2)
    assert len(found) == 1
    assert found.geometry.iloc[0].contains(_point(np.array([1504.0, 1505.0])))
    assert found["incidents_shown"].iloc[0] >= 1500


def test_noise_alone_gives_no_contexts():
    """Twenty data sets of 1,000 random incidents give at most one context."""
    total = sum(
        len(find_contexts(*_noise(1000, seed), threshold=5, places=None)[0])
        for seed in range(20)
    )
    assert total <= 1


def test_places_are_found_inside_a_background_that_joins_up():
    """20,000 background incidents merge into one cluster under plain excess of
    mass; vetting finds the three 150-incident places inside it."""
    rng = np.random.default_rng(4)
    centres = np.array([[800.0, 800.0], [3000.0, 1500.0], [2000.0, 3200.0]])
    parts = [c + rng.normal(0, 20, (150, 2)) for c in centres]
    xy = np.vstack([*parts, rng.uniform(0, 4000, (20_000, 2))])
    x, y = X0 + xy[:, 0], Y0 + xy[:, 1]
    locations, weight, _ = spots.weighted_locations(x, y)
    plain, _ = contexts.condense(
        locations,
        weight,
        min_cluster_size=50,
        min_samples=50,
        same_place=25.0,
        max_gap=200.0,
    ).select()
    assert plain.max() == 0
    found, _ = find_contexts(x, y, threshold=5, places=None)
    assert len(found) == 3
    for centre in centres:
        assert found.geometry.contains(_point(centre)).sum() == 1


def test_snapping_to_a_lattice_does_not_make_phantom_contexts():
    """40,000 random incidents moved to 150 m snap points (about 90 each): no
    snap point is a context, though each is dense over its few square metres."""
    x, y = _noise(40_000, seed=11)
    x = X0 + np.round((x - X0) / 150) * 150
    y = Y0 + np.round((y - Y0) / 150) * 150
    found, choices = find_contexts(x, y, threshold=5, places=None)
    assert choices["distinct_locations"] <= 21 * 21
    assert found.empty


def test_a_small_place_is_dropped_below_the_threshold_and_shown_above():
    """Eight incidents on two spots 1 km from the rest: none at threshold 10."""
    spots = np.repeat(np.array([[4000.0, 1500.0], [4010.0, 1500.0]]), 4, axis=0)
    nx, ny = _noise(100, seed=3)
    x, y = np.r_[X0 + spots[:, 0], nx], np.r_[Y0 + spots[:, 1], ny]
    hidden, _ = find_contexts(x, y, threshold=10, places=None)
    assert hidden.empty
    shown, _ = find_contexts(x, y, threshold=5, places=None)
    assert shown["incidents"].tolist() == ["8"]
    assert shown["locations"].tolist() == ["<5"]


def test_outline_is_a_polygon_off_the_exact_location():
    """A one-spot context is a 50 m disc round its 50 m lattice node, not the spot."""
    spot = np.array([1512.3, 1507.9])
    nx, ny = _noise(200, seed=5)
    x = np.r_[np.full(40, X0 + spot[0]), nx]
    y = np.r_[np.full(40, Y0 + spot[1]), ny]
    found, _ = find_contexts(x, y, threshold=5, places=None)
    assert len(found) == 1
    outline = found.geometry.iloc[0]
    assert outline.geom_type == "Polygon"
    assert outline.area > 0.95 * np.pi * 50**2
    assert outline.contains(_point(spot))
    centre = outline.centroid
    assert centre.distance(_point(np.array([1500.0, 1500.0]))) < 1
    assert centre.distance(_point(spot)) > 5


def test_columns_crs_names_and_choices_are_documented():
    """Contexts carry the documented columns and CRS, nearest place names and
    JSON-ready choices."""
    x, y = _planted(0)
    places = gpd.GeoDataFrame(
        {"name": ["Bus Station", "Park"]},
        geometry=[_point(CENTRES[0] + 30), _point(CENTRES[2] - 40)],
        crs=BNG,
    )
    found, choices = find_contexts(x, y, threshold=5, places=places)
    assert list(found.columns) == CONTEXT_COLUMNS
    assert found.crs == BNG
    assert set(found["name"]) == {"Bus Station", "Bus Station (2)", "Park"}
    assert found["incidents"].map(type).eq(str).all()
    assert found["incidents_shown"].dtype == float
    assert choices["min_cluster_size"] == 5
    assert "1% of incidents" in choices["min_cluster_size_rule"]
    assert len(x) - 5 <= choices["distinct_locations"] <= len(x)
    json.dumps(choices)


def test_a_minimum_below_the_threshold_is_raised_and_said():
    """min_cluster_size 3 with threshold 5 becomes 5, and the choices say so."""
    x, y = _planted(1)
    _, choices = find_contexts(x, y, min_cluster_size=3, threshold=5, places=None)
    assert choices["min_cluster_size"] == 5
    assert "raised to the disclosure threshold 5" in choices["min_cluster_size_rule"]


def test_a_minimum_below_two_is_refused():
    """A context of one incident is not a place."""
    x, y = _planted(1)
    with pytest.raises(InputDataError, match="minimum context size must be at least 2"):
        find_contexts(x, y, min_cluster_size=1, threshold=5, places=None)


def test_too_few_incidents_give_an_empty_table():
    """Fewer incidents than the smallest context: no rows, documented columns."""
    found, choices = find_contexts(
        np.array([X0, X0 + 1]), np.array([Y0, Y0]), threshold=5, places=None
    )
    assert found.empty
    assert list(found.columns) == CONTEXT_COLUMNS
    assert choices["contexts"] == 0


def test_many_distinct_locations_are_snapped_and_the_grid_reported(monkeypatch):
    """Over the location cap, incidents are snapped to a coarser grid, still found."""
    monkeypatch.setattr(spots, "MAX_LOCATIONS", 200)
    x, y = _planted(2)
    found, choices = find_contexts(x, y, threshold=5, places=None)
    assert choices["location_resolution_m"] == 50.0
    assert choices["distinct_locations"] < len(x)
    assert len(found) == 3


@pytest.mark.real
def test_swansea_violence_has_a_context_at_castle_square(real_data):
    """police.uk violence, Oct 2018 - Feb 2019: the top context is Castle Square."""
    from geodata.places import load_places
    from geodata.read import read_area, read_incidents

    files = sorted((real_data / "crime").glob("201*-south-wales-street.csv"))
    boundary = real_data / "boundaries" / "swansea_lsoa2011_W06000011.geojson"
    area = read_area((boundary.name, boundary.read_bytes()))
    incidents, _ = read_incidents([(f.name, f.read_bytes()) for f in files], area=area)
    violence = incidents[incidents["category"] == "violence and sexual offences"]
    found, choices = find_contexts(
        violence["x"].to_numpy(),
        violence["y"].to_numpy(),
        threshold=5,
        places=load_places(),
    )
    assert choices["distinct_locations"] < len(violence) / 2
    assert 1 <= len(found) <= 10
    castle = load_places().set_index("name").geometry["Castle Square"]
    assert found.geometry.iloc[0].distance(castle) < 300, found["name"].iloc[0]


def test_distinct_keys_are_counted_alike_by_flags_and_by_hashing(monkeypatch):
    """Both ways of counting distinct spots agree with np.unique."""
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 5000, 3000)
    assert spots._count_distinct(keys) == len(np.unique(keys))
    monkeypatch.setattr(spots, "_FLAG_CELLS", 100)
    assert spots._count_distinct(keys) == len(np.unique(keys))


def test_collapsed_locations_are_the_sorted_distinct_spots():
    """Locations come in key order with their incidents' mean and count."""
    x = np.array([10.2, 3.1, 10.4, 3.0, 7.0])
    y = np.array([5.0, 5.0, 5.0, 5.0, 1.0])
    xy, weight = spots.collapse_locations(x, y, 1.0)
    key = spots._location_keys(x, y, 1.0)
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    assert np.array_equal(weight, counts)
    assert np.array_equal(xy[:, 0], np.bincount(inverse, weights=x) / counts)
    assert xy.tolist() == [[3.05, 5.0], [7.0, 1.0], [10.3, 5.0]]


def test_weight_within_counts_locations_on_an_edge_or_corner():
    """Points on a square's edge and corner count, as the tree's intersects test."""
    xy = np.array([[0.0, 0.0], [5.0, 0.0], [5.0, 5.0], [10.0, 10.0], [11.0, 5.0]])
    weight = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    shapes = np.array([shapely.box(0, 0, 10, 10), shapely.box(4, 4, 6, 6)])
    locations = shapely.STRtree(shapely.points(xy))
    found = contexts._weight_within(shapes, locations, xy, weight)
    shape, location = locations.query(shapes, predicate="intersects")
    assert found.tolist() == [15.0, 4.0]
    assert found.tolist() == np.bincount(shape, weights=weight[location]).tolist()


def _reference_excess(places, area, locations, xy, weight, extent):
    """The ring test drawn for every place (before the shortcut)."""
    outer = shapely.union(
        shapely.intersection(shapely.buffer(places, contexts.RING_M), extent), places
    )
    inside = contexts._weight_within(places, locations, xy, weight)
    around = contexts._weight_within(outer, locations, xy, weight) - inside
    ring_area = np.maximum(shapely.area(outer) - shapely.area(places), 1.0)
    rate = np.maximum(around / ring_area, weight.sum() / shapely.area(extent))
    expected = rate * area
    tests = np.maximum(shapely.area(extent) / area, len(places))
    p = np.minimum(contexts.poisson_sf(inside - 1, expected) * tests, 1.0)
    return inside / expected, p


def test_rings_are_skipped_only_where_the_average_already_refuses():
    """Places denser than the average get the full test; the others still fail.

    The planted places are about 10 times the average (drawn 80 m wide); a few
    random places are over 3 times the average but not their ring.
    """
    x, y = _planted(0, per=60, noise=3000)
    xy, weight = spots.collapse_locations(x, y, 1.0)
    rng = np.random.default_rng(1)
    centres = np.vstack(
        [np.column_stack([X0, Y0]) + CENTRES, xy[rng.choice(len(xy), 40)]]
    )
    places = shapely.buffer(
        shapely.points(centres), np.r_[80.0, 80.0, 80.0, [40.0] * 40]
    )
    area = shapely.area(places)
    locations = shapely.STRtree(shapely.points(xy))
    extent = shapely.buffer(shapely.convex_hull(shapely.multipoints(xy)), 50.0)
    contrast, p = contexts._excess(places, area, locations, xy, weight, extent)
    ref_contrast, ref_p = _reference_excess(places, area, locations, xy, weight, extent)
    inside = contexts._weight_within(places, locations, xy, weight)
    average = inside / (weight.sum() / shapely.area(extent) * area)
    ringed = average >= contexts.MIN_CONTRAST
    assert 3 <= ringed.sum() < len(places)
    assert np.array_equal(contrast[ringed], ref_contrast[ringed])
    assert np.array_equal(p[ringed], ref_p[ringed])
    assert np.array_equal(contrast[~ringed], average[~ringed])
    assert (p[~ringed] == 1.0).all()
    passed = (p < contexts.ALPHA) & (contrast >= contexts.MIN_CONTRAST)
    ref_passed = (ref_p < contexts.ALPHA) & (ref_contrast >= contexts.MIN_CONTRAST)
    assert np.array_equal(passed, ref_passed)
    assert passed[:3].all()
    assert (ringed & ~passed).any()
