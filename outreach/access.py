"""Access to services per area: enhanced two-step floating catchment (E2SFCA).

Luo & Qi (2009): each service's supply is shared among the demand that can reach
it, weighted by walking-time band; an area's score adds up the shares of the
services it can reach, weighted the same way. Bands are 0-5, 5-10 and 10-15
minutes' walk (est.) with weights 1.0, 0.68 and 0.22 (Luo & Qi's Gaussian
steps, scaled from driving to walking minutes); beyond 15 minutes counts 0.

Written with NumPy rather than the ``access`` package: the areas x services
matrix is small, the package needs long-form cost tables and per-row weighting,
and on a hand example it gives the same values as :func:`e2sfca`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geodata.crs import BNG
from geodata.disclosure import DEFAULT_THRESHOLD, shown_counts, suppress_counts
from geodata.places import load_places
from geodata.points import point_xy
from hotspots.memo import ArrayMemo, read_only
from outreach.gaps import SERVICE_CATEGORIES, in_bng
from outreach.walking import DEFAULT_CIRCUITY, DEFAULT_SPEED_M_PER_MIN

log = logging.getLogger(__name__)

WALK_BANDS_MIN: tuple[float, ...] = (5.0, 10.0, 15.0)
BAND_WEIGHTS: tuple[float, ...] = (1.0, 0.68, 0.22)
# Shares of the gap score; each part is a percentile rank across the areas.
GAP_WEIGHTS: dict[str, float] = {"need": 0.5, "access": 0.3, "deprivation": 0.2}
# The provision Nia's budget paper is about (USERS.md, scenario 6).
FOCUS_CATEGORIES: tuple[str, ...] = ("youth and diversionary", "mental health")
HEX_SIZE_M = 500.0
# Half the range of doubled hexagon indices packed into one int64 key.
_KEY_OFFSET = 2**24


def access_column(category: str) -> str:
    """Return the area_gaps column name of a category's access score."""
    return "access_" + category.replace(" ", "_")


def band_weights(
    minutes: npt.ArrayLike,
    bands: Sequence[float] = WALK_BANDS_MIN,
    weights: Sequence[float] = BAND_WEIGHTS,
) -> np.ndarray:
    """Return the E2SFCA weight of each walking time (0 beyond the last band).

    A time on a band's upper edge belongs to that band (5.0 minutes weighs 1.0);
    NaN weighs 0.
    """
    minutes = np.asarray(minutes, dtype=float)
    index = np.searchsorted(np.asarray(bands, dtype=float), minutes, side="left")
    out = np.append(np.asarray(weights, dtype=float), 0.0)[index]
    return np.where(np.isnan(minutes), 0.0, out)


def e2sfca(
    demand: npt.ArrayLike,
    supply: npt.ArrayLike,
    minutes: npt.ArrayLike,
    *,
    bands: Sequence[float] = WALK_BANDS_MIN,
    weights: Sequence[float] = BAND_WEIGHTS,
) -> np.ndarray:
    """Compute enhanced two-step floating catchment access scores.

    Step 1: each service's ratio ``R_j = S_j / sum_k W(t_kj) D_k``. Step 2: each
    area's score ``A_i = sum_j W(t_ij) R_j``. A service that no demand can reach
    has ratio 0.

    Parameters
    ----------
    demand
        Demand per area, shape (n_areas,).
    supply
        Supply per service, shape (n_services,).
    minutes
        Walking minutes from each area to each service, shape (n_areas, n_services).
    bands, weights
        Upper edges of the walking-time bands and their weights.

    Returns
    -------
    numpy.ndarray
        Supply per unit of demand within reach, shape (n_areas,).
    """
    w = band_weights(minutes, bands, weights)
    reach = np.asarray(demand, dtype=float) @ w
    supply = np.asarray(supply, dtype=float)
    ratio = np.divide(supply, reach, out=np.zeros_like(supply), where=reach > 0)
    return w @ ratio


def make_hexagons(
    points: gpd.GeoDataFrame, size_m: float = HEX_SIZE_M
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Cover points with hexagons and say which hexagon each point is in.

    The lattice is anchored at the grid origin (0, 0), not at the data, so the
    hexagon edges say nothing about where any point lies.

    Parameters
    ----------
    points
        Points in EPSG:27700: canonical incidents (``x``/``y``) or a GeoDataFrame.
    size_m
        Distance between neighbouring hexagon centres (width across flats), metres.

    Returns
    -------
    hexagons : geopandas.GeoDataFrame
        Only hexagons holding at least one point; ``hex_key`` (str) and pointy-top
        hexagon geometry; EPSG:27700, ordered north to south, west to east.
    membership : numpy.ndarray
        Row of ``hexagons`` for each point; read-only, as it is kept for the next
        call with the same points.
    """
    if not size_m > 0:
        raise ValueError(f"hexagon size must be above 0 m; got {size_m}.")
    x, y = point_xy(points)
    lattice = _HEXAGONS.get_or_make(
        (x, y), (size_m,), lambda: _hexagon_lattice(x, y, size_m)
    )
    hexagons = gpd.GeoDataFrame(
        {"hex_key": [f"{r}:{c}" for r, c in lattice.keys.tolist()]},
        geometry=lattice.polygons.copy(),
        crs=BNG,
    )
    return hexagons, lattice.membership


class _Lattice(NamedTuple):
    keys: np.ndarray  # doubled (row, column) of each hexagon holding a point
    polygons: np.ndarray
    membership: np.ndarray  # row of ``keys`` for each point


# Hexagons depend on the incidents' positions only: a new disclosure threshold
# in the app reuses them.
_HEXAGONS: ArrayMemo[_Lattice] = ArrayMemo(size=4)


def _hexagon_lattice(x: np.ndarray, y: np.ndarray, size_m: float) -> _Lattice:
    """Return the hexagons holding points and each point's hexagon (read-only)."""
    xy = np.column_stack([x, y])
    row_step = size_m * np.sqrt(3.0)
    # A hex lattice is two rectangular lattices (even and odd rows); the nearest
    # centre of either is the hexagon a point falls in. Keys are doubled indices.
    found = []
    for shift in (0.0, 0.5):
        col = np.round(xy[:, 0] / size_m - shift)
        row = np.round(xy[:, 1] / row_step - shift)
        dist = np.hypot(
            xy[:, 0] - (col + shift) * size_m, xy[:, 1] - (row + shift) * row_step
        )
        found.append((np.column_stack([2 * (row + shift), 2 * (col + shift)]), dist))
    (even, even_dist), (odd, odd_dist) = found
    keys = np.where((odd_dist < even_dist)[:, None], odd, even).astype(np.int64)
    # One integer per hexagon sorts north to south, then west to east.
    packed = (_KEY_OFFSET - keys[:, 0]) * (2 * _KEY_OFFSET) + (keys[:, 1] + _KEY_OFFSET)
    codes, membership = np.unique(packed, return_inverse=True)
    unique = np.column_stack(
        [
            _KEY_OFFSET - codes // (2 * _KEY_OFFSET),
            codes % (2 * _KEY_OFFSET) - _KEY_OFFSET,
        ]
    )
    cx, cy = unique[:, 1] * size_m / 2, unique[:, 0] * row_step / 2
    radius = size_m / np.sqrt(3.0)
    angles = np.deg2rad(30 + 60 * np.arange(6))
    ring = np.stack(
        [cx[:, None] + radius * np.cos(angles), cy[:, None] + radius * np.sin(angles)],
        axis=-1,
    )
    lattice = _Lattice(unique, shapely.polygons(ring), membership.ravel())
    read_only(*lattice)
    return lattice


def _areas_of(
    areas: gpd.GeoDataFrame | None,
    incidents: pd.DataFrame,
    hex_size_m: float,
    id_column: str | None,
    name_column: str | None,
    places: gpd.GeoDataFrame | None,
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Return areas with ``area_id``/``area_name`` and each incident's area (-1)."""
    if areas is None:
        frame, member = make_hexagons(incidents, hex_size_m)
        frame["area_id"] = [f"X{i + 1:04d}" for i in range(len(frame))]
        frame["area_name"] = _place_names(frame, places)
        log.info("area_gaps: %d hexagons of %.0f m", len(frame), hex_size_m)
        return frame.drop(columns="hex_key"), member
    frame = in_bng(areas, "areas").reset_index(drop=True).copy()
    id_column = id_column or _guess(frame, ("cd", "code", "id"))
    name_column = name_column or _guess(frame, ("nm", "name"))
    for column in (id_column, name_column):
        if column is not None and column not in frame.columns:
            raise KeyError(f"areas has no column {column!r}; found {list(frame)}.")
    frame["area_id"] = (
        frame[id_column].astype(str)
        if id_column
        else [f"A{i + 1:04d}" for i in range(len(frame))]
    )
    frame["area_name"] = (
        frame[name_column].astype(str) if name_column else _place_names(frame, places)
    )
    tree = shapely.STRtree(frame.geometry.to_numpy())
    point_idx, area_idx = tree.query(
        shapely.points(*point_xy(incidents)), predicate="intersects"
    )
    member = np.full(len(incidents), -1)
    # A point on a shared boundary goes to the first area listed.
    member[point_idx[::-1]] = area_idx[::-1]
    outside = int((member < 0).sum())
    if outside:
        log.info("area_gaps: %d incidents fall outside every area", outside)
    return frame, member


def _guess(frame: pd.DataFrame, endings: tuple[str, ...]) -> str | None:
    """Return the first text column whose name ends with one of ``endings``."""
    for column in frame.columns:
        if column != "geometry" and str(column).lower().endswith(endings):
            return str(column)
    return None


def _place_names(frame: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None) -> list[str]:
    """Name each area after the public place nearest its centre."""
    places = load_places() if places is None else in_bng(places, "places")
    tree = shapely.STRtree(places.geometry.to_numpy())
    _, nearest = tree.query_nearest(
        frame.geometry.centroid.to_numpy(), all_matches=False
    )
    return list(places["name"].astype(str).to_numpy()[nearest])


def _percentile(values: pd.Series, *, high_is_gap: bool) -> pd.Series:
    """Return percentile ranks in (0, 1]; ties share the average rank."""
    ranked = (values if high_is_gap else -values).rank(pct=True, method="average")
    return ranked.fillna(0.0)


def area_gaps(
    areas: gpd.GeoDataFrame | None,
    incidents: pd.DataFrame,
    services: gpd.GeoDataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    population_column: str | None = None,
    wimd_column: str | None = None,
    id_column: str | None = None,
    name_column: str | None = None,
    capacity_column: str | None = None,
    focus: Sequence[str] = FOCUS_CATEGORIES,
    gap_weights: dict[str, float] | None = None,
    hex_size_m: float = HEX_SIZE_M,
    places: gpd.GeoDataFrame | None = None,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> gpd.GeoDataFrame:
    """Rank areas by need, access to services and deprivation.

    Need is the incident count (or rate per 1,000 where a population is given).
    Access is an E2SFCA score per category from each area's centroid (see
    :func:`e2sfca`). The gap score weighs percentile ranks: need (high),
    access to the ``focus`` categories (low, mean of their ranks) and
    deprivation (high, WIMD rank 1 = most deprived), with ``gap_weights``
    (default 0.5/0.3/0.2, re-scaled when WIMD is not given).

    Only published values feed the scores: where the population is not given,
    demand is the incident count with each suppressed count taken as half the
    threshold, so no score can be worked back to a count below the threshold.

    Parameters
    ----------
    areas
        Polygons (e.g. LSOAs) with optional population and WIMD rank columns;
        None for ~``hex_size_m`` hexagons over the incidents.
    incidents, services
        Canonical incidents and services (``capacity_column`` optional).
    threshold
        Disclosure threshold for counts.
    population_column, wimd_column, id_column, name_column
        Columns of ``areas``; id and name are guessed (``LSOA11CD``/``LSOA11NM``
        style) when not given, else numbered and named after the nearest place.
    capacity_column
        Column of ``services`` with each service's capacity (default 1 each).
    focus
        Categories whose access enters the gap score.
    gap_weights
        Weights of ``need``, ``access`` and ``deprivation``.
    hex_size_m
        Hexagon width across flats when ``areas`` is None.
    places
        Named places for hexagon names (default the built-in gazetteer).
    speed_m_per_min, circuity
        Walking-time estimate settings.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area, biggest gap first. Columns ``area_id``, ``area_name``,
        ``incidents`` (str, suppressed), ``incidents_shown`` (float, NaN where
        suppressed), ``population`` and ``rate_per_1000`` (when a population is
        given; NaN where the count is suppressed), ``access_<category>`` for
        every category (services per 1,000 demand within a 15-minute walk,
        weighted by time band), ``wimd_rank`` (when given), ``need_score``,
        ``access_score``, ``deprivation_score`` (percentile ranks, 1 = biggest
        gap), ``gap_score`` (0-1) and ``gap_rank`` (1 = biggest gap); polygon
        geometry; EPSG:27700.
    """
    incidents = in_bng(incidents, "incidents")
    services = in_bng(services, "services")
    weights = dict(GAP_WEIGHTS if gap_weights is None else gap_weights)
    frame, member = _areas_of(
        areas, incidents, hex_size_m, id_column, name_column, places
    )
    counts = np.bincount(member[member >= 0], minlength=len(frame))
    out = frame[["area_id", "area_name"]].copy()
    out["incidents"] = suppress_counts(counts, threshold).to_numpy()
    out["incidents_shown"] = shown_counts(counts, threshold).to_numpy()
    published = out["incidents_shown"].fillna(threshold / 2).to_numpy()
    need = pd.Series(published)
    demand = published
    if population_column:
        population = pd.to_numeric(frame[population_column], errors="coerce")
        out["population"] = population.to_numpy()
        per_1000 = 1000 * published / population.where(population > 0).to_numpy()
        need = pd.Series(per_1000)
        out["rate_per_1000"] = np.round(
            np.where(out["incidents_shown"].isna(), np.nan, per_1000), 1
        )
        demand = population.fillna(0).to_numpy()
    centroids = frame.geometry.centroid.to_numpy()
    for category in SERVICE_CATEGORIES:
        chosen = services[services["category"] == category]
        metres = shapely.distance(centroids[:, None], chosen.geometry.to_numpy()[None])
        supply = (
            pd.to_numeric(chosen[capacity_column], errors="coerce").fillna(0)
            if capacity_column
            else pd.Series(1.0, index=chosen.index)
        )
        score = e2sfca(demand, supply.to_numpy(), metres * circuity / speed_m_per_min)
        out[access_column(category)] = np.round(1000 * score, 3)
    parts = {"need": _percentile(need, high_is_gap=True)}
    focus_scores = [
        _percentile(out[access_column(c)], high_is_gap=False) for c in focus
    ]
    parts["access"] = pd.concat(focus_scores, axis=1).mean(axis=1)
    if wimd_column:
        out["wimd_rank"] = pd.to_numeric(frame[wimd_column], errors="coerce")
        parts["deprivation"] = _percentile(out["wimd_rank"], high_is_gap=False)
    else:
        weights.pop("deprivation", None)
    total = sum(weights[k] for k in parts)
    for key, values in parts.items():
        out[f"{key}_score"] = np.round(values.to_numpy(), 3)
    gap = sum(weights[k] * parts[k] for k in parts) / total
    out["gap_score"] = np.round(gap.to_numpy(), 3)
    out["gap_rank"] = out["gap_score"].rank(ascending=False, method="min").astype(int)
    result = gpd.GeoDataFrame(out, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    result = result.sort_values(["gap_rank", "area_id"], kind="stable")
    log.info(
        "area_gaps: %d areas, weights %s, focus %s", len(result), weights, list(focus)
    )
    return result.reset_index(drop=True)
