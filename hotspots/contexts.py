"""Point contexts: small places (a park, a bus station, a shop front) where
incidents gather, found by HDBSCAN on exact locations weighted by their incidents.

Repeated coordinates. Incident files repeat coordinates: police.uk moves every crime
to one of a fixed set of snap points and postcode-geocoded records share the
postcode centroid, so one coordinate can carry hundreds of incidents.
``sklearn.cluster.HDBSCAN.fit(X, y=None)`` takes no ``sample_weight`` and counts
rows in ``min_samples`` and ``min_cluster_size``. Fed every incident, it grows with
the duplicates, and duplicates at distance zero have infinite density, which lets
one coordinate split a place into several clusters
(scikit-learn-contrib/hdbscan#198). Fed the distinct locations, a snap point with
500 incidents weighs as much as one with a single incident. Jittering invents
geography and makes results depend on a seed. So incidents are collapsed to
distinct locations (rounded to 1 m) with their count as a weight, and clustered by
``hotspots.hdbscan_weighted``, HDBSCAN with the weight wherever it counts points; the
clustering sees one row per location. Above ``MAX_LOCATIONS`` distinct locations
they are snapped to a 5 m grid, then 10, 25 and at most 50 m (outlines are drawn at
50 m anyway), and the resolution is reported. A location stands for the area
half-way to its nearest neighbour (``_catchment``), so neither snapping nor
police.uk's own snap points make a phantom context of one busy point.

Scales. ``SAME_PLACE_M``: locations closer than this are one place, so a few snap
points metres apart form one context. ``MAX_GAP_M``: a context never bridges a gap
wider than this, so a lone busy bus station is a candidate even with nothing else
in the data, and sparse background incidents are noise. ``MAX_SPAN_M``: a context
is at most this wide east-west and north-south (a large park); a wider candidate is
a district, and the places inside it are looked for instead. Locations that joined a
cluster only loosely (membership strength below ``CORE_STRENGTH``, as in
scikit-learn's ``probabilities_``) are its fringe and are left out.

Chance. HDBSCAN finds "clusters" in pure noise too, so each candidate is kept only
if it is at least ``MIN_CONTRAST`` times as dense as its background and that excess
is unlikely by chance. Background is the higher of the rate in a ``RING_M`` ring
around it (within the data's extent) and the average over the extent. The Poisson
p-value is multiplied by the number of places of that size the extent holds,
because HDBSCAN searched them all, and compared with a stringent ``ALPHA``: the
search still makes nominal p-values optimistic. A refused candidate gives way to
the best clusters inside it (``CondensedTree.select``), so a city-wide sprawl that
excess of mass prefers does not hide the places within it. On simulated complete
spatial randomness of 100 to 10,000 incidents in a 3 km square, at most 1 data set
in 40 shows a context; three planted 20 m places of 60 incidents are found in 20
of 20 data sets with up to 3,000 incidents of noise (places of 300 among 100,000
over 200 km2 too).

Disclosure. Contexts with fewer incidents than the threshold are dropped, counts go
through ``geodata.disclosure``, and the outline is the convex hull of the member
locations rounded to an ``OUTLINE_GRID_M`` lattice, widened by ``BUFFER_M`` (which
still covers every member): never a point, and drawn from 50 m lattice nodes, so no
vertex or arc centre is an incident's exact position. A fringe location at a hull
corner does show that some incident lies within 35 m of that node.
"""

from __future__ import annotations

import logging
import math
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geodata.crs import BNG
from geodata.disclosure import safe_count, shown_counts, suppress_counts
from geodata.errors import InputDataError
from hotspots.hdbscan_weighted import CondensedTree, condense
from hotspots.locations import weighted_locations
from hotspots.memo import ArrayMemo, read_only
from hotspots.pvalues import poisson_sf

log = logging.getLogger(__name__)

CONTEXT_COLUMNS = [
    "context_id",
    "name",
    "incidents",
    "incidents_shown",
    "locations",
    "geometry",
]
SAME_PLACE_M = 25.0
MAX_GAP_M = 200.0
MAX_SPAN_M = 1000.0
CORE_STRENGTH = 0.5
RING_M = 250.0
MIN_CONTRAST = 3.0
ALPHA = 1e-4
OUTLINE_GRID_M = 50.0
BUFFER_M = 50.0
MIN_CLUSTER_SHARE = 0.01
MIN_CLUSTER_CAP = 50


class _Located(NamedTuple):
    """What ``find_contexts`` works out once for a set of incidents and a size."""

    xy: np.ndarray
    weight: np.ndarray
    resolution: float
    tree: CondensedTree
    catchment: np.ndarray
    locations: shapely.STRtree
    extent: shapely.Geometry


# The last few incidents' trees, reused when only the threshold, FDR level,
# period or cell size changed (see ``_located_tree``).
_TREES: ArrayMemo[_Located] = ArrayMemo(size=4)


def empty_contexts() -> gpd.GeoDataFrame:
    """Return a context table with the documented columns and no rows."""
    columns = {c: [] for c in CONTEXT_COLUMNS if c != "geometry"}
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=[], crs=BNG)


def choose_min_cluster_size(
    n: int, threshold: int, min_cluster_size: int | None
) -> tuple[int, str]:
    """Return the smallest context in incidents and how it was chosen."""
    if min_cluster_size is None:
        share = min(math.ceil(MIN_CLUSTER_SHARE * n), MIN_CLUSTER_CAP)
        return max(threshold, share), (
            f"1% of incidents, at most {MIN_CLUSTER_CAP}, at least the disclosure "
            f"threshold {threshold}"
        )
    if min_cluster_size < 2:
        raise InputDataError(
            "minimum context size must be at least 2 incidents; got "
            f"{min_cluster_size}. Leave it empty to choose it automatically."
        )
    if min_cluster_size < threshold:
        return threshold, (
            f"set by the user as {min_cluster_size}, raised to the disclosure "
            f"threshold {threshold}"
        )
    return int(min_cluster_size), "set by the user"


def _hulls(points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Return each cluster's convex hull of its locations (points or (m, 2))."""
    member = np.nonzero(labels >= 0)[0]
    order = member[np.argsort(labels[member], kind="stable")]
    return shapely.convex_hull(
        shapely.multipoints(points[order], indices=labels[order])
    )


def _weight_within(
    shapes: np.ndarray, locations: shapely.STRtree, xy: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Return the incidents at locations inside or on each shape.

    One query of a tree of the location points finds the locations in each
    shape's bounding box; the prepared shapes then test coordinates, which is
    the tree's own ``intersects`` test without a point geometry per pair.
    """
    shape, location = locations.query(shapes)
    shapely.prepare(shapes)
    hit = shapely.intersects_xy(shapes[shape], xy[location, 0], xy[location, 1])
    shape, location = shape[hit], location[hit]
    return np.bincount(shape, weights=weight[location], minlength=len(shapes))


def _excess(
    places: np.ndarray,
    area: np.ndarray,
    locations: shapely.STRtree,
    xy: np.ndarray,
    weight: np.ndarray,
    extent: shapely.Geometry,
) -> tuple[np.ndarray, np.ndarray]:
    """Return how many times denser than background each place is, and a p-value.

    Background is the higher of the rate in a ``RING_M`` ring around the place
    (clipped to the data's extent, where an absence of incidents means something)
    and the average rate over the extent, so a place must stand out both from its
    neighbourhood and from the area as a whole. The p-value is the Poisson chance
    of at least the observed incidents at that rate, multiplied by the number of
    places of that size that fit in the extent (the data's convex hull, widened by
    ``BUFFER_M``; at least the number of candidates): HDBSCAN searched them all.

    The ring can only raise the background, so a place less than ``MIN_CONTRAST``
    times as dense as the average fails whatever its ring holds; its ring is not
    drawn (most candidates in a large file), its contrast is the one against the
    average and its p-value 1. Every other place gets exactly the full test.
    """
    inside = _weight_within(places, locations, xy, weight)
    average = weight.sum() / shapely.area(extent)
    contrast = inside / (average * area)
    p = np.ones(len(places))
    ringed = contrast >= MIN_CONTRAST
    if not ringed.any():
        return contrast, p
    place, inner = places[ringed], inside[ringed]
    outer = shapely.union(
        shapely.intersection(shapely.buffer(place, RING_M), extent), place
    )
    around = _weight_within(outer, locations, xy, weight) - inner
    ring_area = np.maximum(shapely.area(outer) - shapely.area(place), 1.0)
    expected = np.maximum(around / ring_area, average) * area[ringed]
    tests = np.maximum(shapely.area(extent) / area[ringed], len(places))
    p[ringed] = np.minimum(poisson_sf(inner - 1, expected) * tests, 1.0)
    contrast[ringed] = inner / expected
    return contrast, p


def _catchment(nearest: np.ndarray) -> np.ndarray:
    """Return the area each location stands for: a disc half-way to its neighbour.

    A police.uk snap point or a postcode centroid carries the incidents of the
    area around it, so its density is its incidents over that area, not over a
    few square metres; capped at half ``MAX_GAP_M`` in radius, so a neighbour
    beyond ``MAX_GAP_M`` counts as none. ``nearest`` is the distance to the
    nearest other location (``np.inf`` for none).
    """
    return math.pi * np.minimum(nearest / 2, MAX_GAP_M / 2) ** 2


def _core(labels: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Drop each cluster's fringe: locations that joined it only loosely.

    Membership strength below ``CORE_STRENGTH`` means joining at more than twice
    the mutual-reachability distance of the cluster's tightest part.
    """
    return np.where(strength >= CORE_STRENGTH, labels, -1)


def _is_context(
    labels: np.ndarray, located: _Located, same_place: float, threshold: int
) -> np.ndarray:
    """Return which labelled clusters are distinct places with enough incidents."""
    xy, weight, locations = located.xy, located.weight, located.locations
    n_groups = int(labels.max()) + 1
    member = labels >= 0
    group = labels[member]
    totals = np.bincount(group, weights=weight[member], minlength=n_groups)
    low = np.full((n_groups, 2), np.inf)
    high = np.full((n_groups, 2), -np.inf)
    np.minimum.at(low, group, xy[member])
    np.maximum.at(high, group, xy[member])
    ok = ((high - low).max(axis=1) <= MAX_SPAN_M) & (totals >= threshold)
    if not ok.any():
        return ok
    # Only candidates that can still pass get outlines and tests: the wide ones
    # are districts and can be hundreds of thousands of locations.
    index = np.full(n_groups + 1, -1)
    index[np.nonzero(ok)[0]] = np.arange(ok.sum())
    sub = index[labels]
    places = shapely.buffer(_hulls(locations.geometries, sub), same_place)
    represented = np.bincount(
        sub[sub >= 0], weights=located.catchment[sub >= 0], minlength=len(places)
    )
    area = np.maximum(shapely.area(places), represented)
    contrast, p = _excess(places, area, locations, xy, weight, located.extent)
    ok[ok] = (p < ALPHA) & (contrast >= MIN_CONTRAST)
    return ok


def _names(centres: np.ndarray, places: gpd.GeoDataFrame | None) -> list[str]:
    if places is None or places.empty:
        return [f"Context {i + 1}" for i in range(len(centres))]
    xy = np.column_stack([places.geometry.x, places.geometry.y])
    _, nearest = cKDTree(xy).query(centres)
    seen: dict[str, int] = {}
    names = []
    for name in places["name"].to_numpy()[nearest].tolist():
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def _located_tree(x: np.ndarray, y: np.ndarray, size: int) -> _Located:
    """Return the distinct locations, their weights, resolution, tree and index.

    Most of the contexts' time (the tree: 0.6 of 0.75 s at 100k incidents) and
    independent of the threshold beyond ``size``, so ``find_contexts`` keeps the
    last few. The locations' points, spatial index and extent are kept with it
    (0.12 s of a new threshold at 100k); shapely builds the index when it is made,
    so threads may query it together. The arrays are made read-only, as they are
    shared.
    """
    xy, weight, resolution = weighted_locations(x, y)
    tree = condense(
        xy,
        weight,
        min_cluster_size=size,
        min_samples=size,
        same_place=max(SAME_PLACE_M, resolution),
        max_gap=MAX_GAP_M,
    )
    catchment = _catchment(tree.nearest)
    points = shapely.points(xy)
    extent = shapely.buffer(shapely.convex_hull(shapely.multipoints(points)), BUFFER_M)
    read_only(xy, weight, catchment, *vars(tree).values())
    return _Located(
        xy, weight, resolution, tree, catchment, shapely.STRtree(points), extent
    )


def find_contexts(
    x: np.ndarray,
    y: np.ndarray,
    *,
    min_cluster_size: int | None = None,
    threshold: int,
    places: gpd.GeoDataFrame | None,
) -> tuple[gpd.GeoDataFrame, dict]:
    """Find small places where incidents gather, safe to show.

    Parameters
    ----------
    x, y
        Incident coordinates in British National Grid metres (EPSG:27700).
    min_cluster_size
        Fewest incidents a context may hold; ``None`` chooses 1% of incidents,
        at most 50, never below ``threshold``.
    threshold
        Disclosure threshold k: contexts with fewer incidents are dropped and
        distinct-location counts below k read "<k".
    places
        Named public places (``name``, Point geometry, EPSG:27700) used to name
        contexts; ``None`` names them "Context 1", ...

    Returns
    -------
    GeoDataFrame, dict
        Contexts, most incidents first, EPSG:27700, with ``CONTEXT_COLUMNS``:
        ``context_id`` ("C01"...), ``name`` (nearest named place), ``incidents``
        (str, suppressed), ``incidents_shown`` (float, NaN where suppressed),
        ``locations`` (str, distinct locations, "<k" below the threshold) and a
        polygon outline; and the choices made, with units.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n = len(x)
    size, rule = choose_min_cluster_size(n, threshold, min_cluster_size)
    choices: dict = {
        "incidents_analysed": safe_count(n, threshold),
        "min_cluster_size": size,
        "min_cluster_size_rule": rule,
        "min_samples": size,
        "method": "HDBSCAN on distinct locations weighted by their incidents, "
        "excess-of-mass selection",
        "same_place_m": SAME_PLACE_M,
        "max_gap_m": MAX_GAP_M,
        "max_span_m": MAX_SPAN_M,
        "test": f"at least {MIN_CONTRAST:g} times the higher of the density in a "
        f"{RING_M:.0f} m ring and the average, Poisson p-value times the places "
        f"searched below {ALPHA:g}",
        "outline": f"hull of locations rounded to {OUTLINE_GRID_M:.0f} m, widened "
        f"by {BUFFER_M:.0f} m",
        "disclosure_threshold": threshold,
    }
    if n < size:
        choices.update(distinct_locations=0, candidates_tested=0, contexts=0)
        log.info("contexts: %d incidents, fewer than the %d needed", n, size)
        return empty_contexts(), choices
    located = _TREES.get_or_make(
        (x, y), (size, SAME_PLACE_M, MAX_GAP_M), lambda: _located_tree(x, y, size)
    )
    xy, weight, resolution = located.xy, located.weight, located.resolution
    same_place = max(SAME_PLACE_M, resolution)
    choices.update(
        location_resolution_m=resolution,
        distinct_locations=len(xy),
        same_place_m=same_place,
    )
    tested = 0

    def distinct(labels: np.ndarray, strength: np.ndarray) -> np.ndarray:
        nonlocal tested
        core = _core(labels, strength)
        tested += int(core.max()) + 1
        return _is_context(core, located, same_place, threshold)

    labels = _core(*located.tree.select(accept=distinct))
    n_kept = int(labels.max()) + 1
    choices.update(candidates_tested=tested, contexts=n_kept)
    log.info(
        "contexts: %d kept of %d candidates tested, from %d locations at %.0f m "
        "(min size %d, %s)",
        n_kept,
        tested,
        len(xy),
        resolution,
        size,
        rule,
    )
    if n_kept == 0:
        return empty_contexts(), choices
    member = labels >= 0
    totals = np.bincount(labels[member], weights=weight[member])
    rank = np.argsort(-totals, kind="stable")
    order = np.empty_like(rank)
    order[rank] = np.arange(n_kept)
    labels = np.where(member, order[np.maximum(labels, 0)], -1)
    totals = totals[rank]
    n_locations = np.bincount(labels[member])
    cx = np.bincount(labels[member], weights=(weight * xy[:, 0])[member])
    cy = np.bincount(labels[member], weights=(weight * xy[:, 1])[member])
    centres = np.column_stack([cx, cy]) / totals[:, None]
    incidents = totals.astype(np.int64)
    frame = pd.DataFrame(
        {
            "context_id": [f"C{i + 1:02d}" for i in range(n_kept)],
            "name": _names(centres, places),
            "incidents": suppress_counts(incidents, threshold).to_numpy(),
            "incidents_shown": shown_counts(incidents, threshold).to_numpy(),
            "locations": suppress_counts(n_locations, threshold).to_numpy(),
        }
    )
    lattice = np.round(xy / OUTLINE_GRID_M) * OUTLINE_GRID_M
    outlines = shapely.buffer(_hulls(lattice, labels), BUFFER_M)
    return gpd.GeoDataFrame(frame, geometry=outlines, crs=BNG), choices
