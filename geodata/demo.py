"""Synthetic Swansea demo data: incidents, contacts, services, spaces, team and area.

Every file is invented. Incidents are drawn around real public places from
``geodata/data/swansea_places.csv`` with planted contexts that tell a story the
"since the last panel" screen can show: Parc Tawe is new in the last 8 weeks,
Castle Square grows over the last two months, Blaenymaes fades away, the other
contexts are steady. Services, spaces and workers are fixed tables (the same for
every seed); incidents and contacts depend on the seed.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from geodata import _demo_spec as spec
from geodata.crs import bng_to_lonlat, lonlat_to_bng

log = logging.getLogger(__name__)

DEMO_CATEGORIES = spec.CATEGORIES
DEMO_SOURCES = spec.SOURCES
DEMO_SERVICE_CATEGORIES = spec.SERVICE_CATEGORIES
DEMO_START = date(2024, 12, 1)
DEMO_END = date(2026, 11, 30)
AREA_NAME = "Swansea demo study area"

_PLACES_CSV = Path(__file__).with_name("data") / "swansea_places.csv"
_AREA_BUFFER_M = 2000.0
_AREA_SIMPLIFY_M = 50.0
_EDGE_MARGIN_M = 15.0  # keeps 6-dp rounding from pushing a point over the edge
_MISSING_TIME_SHARE = 0.04


class PlantedContext(NamedTuple):
    """A place where the demo plants a cluster of incidents, and its story."""

    name: str
    lat: float
    lon: float
    story: str  # "new", "growing", "fading" or "steady"


@cache
def _places() -> pd.DataFrame:
    places = pd.read_csv(_PLACES_CSV)
    x, y = lonlat_to_bng(places["longitude"].to_numpy(), places["latitude"].to_numpy())
    return places.assign(x=x, y=y).set_index("name")


PLANTED_CONTEXTS = [
    PlantedContext(
        c.place,
        float(_places().at[c.place, "latitude"]),
        float(_places().at[c.place, "longitude"]),
        c.story,
    )
    for c in spec.CONTEXTS
]


def demo_tables(seed: int = 7) -> dict[str, bytes]:
    """Return the synthetic demo files as exact bytes, keyed by file name.

    Parameters
    ----------
    seed
        Seed for the incidents and contacts; the same seed gives the same bytes.

    Returns
    -------
    dict of str to bytes
        ``incidents.csv``, ``contacts.csv``, ``services.csv``, ``spaces.csv``,
        ``workers.csv`` (UTF-8, ``\\n`` line endings, WGS84 latitude/longitude with
        6 decimals, sorted rows) and ``area.geojson`` (one WGS84 feature with
        properties ``name`` and ``synthetic: true``).
    """
    rng = np.random.default_rng(seed)
    inside = _inside_area_bng()
    incidents = _incidents(rng, inside)
    contacts = _contacts(rng, inside)
    log.info(
        "Demo data for seed %d: %d incidents, %d contacts",
        seed,
        len(incidents),
        len(contacts),
    )
    return {
        "incidents.csv": _csv_bytes(incidents),
        "contacts.csv": _csv_bytes(contacts),
        "services.csv": _csv_bytes(_anchored(spec.SERVICES, spec.SERVICE_COLUMNS)),
        "spaces.csv": _csv_bytes(_anchored(spec.SPACES, spec.SPACE_COLUMNS)),
        "workers.csv": _csv_bytes(
            _sorted(pd.DataFrame(spec.WORKERS, columns=spec.WORKER_COLUMNS))
        ),
        "area.geojson": _area_geojson(),
    }


def write_demo(out_dir: Path, seed: int = 7) -> list[Path]:
    """Write the synthetic demo files into ``out_dir`` and return their paths.

    Parameters
    ----------
    out_dir
        Folder to write into; created if missing. Existing demo files are replaced.
    seed
        Seed for the incidents and contacts.

    Returns
    -------
    list of Path
        The written files, in the order of :func:`demo_tables`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in demo_tables(seed).items():
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
    log.info("Wrote %d synthetic demo files to %s", len(paths), out_dir)
    return paths


def _incidents(rng: np.random.Generator, inside: shapely.Geometry) -> pd.DataFrame:
    days = pd.date_range(DEMO_START, DEMO_END, freq="D")
    holiday = _holiday_mask(days)
    parts = []
    for context in (*spec.CONTEXTS, spec.BACKGROUND):
        day_idx, hours = _event_times(rng, context, days, holiday)
        n = len(day_idx)
        if context is spec.BACKGROUND:
            x, y = _background_points(rng, n, inside)
        else:
            place = _places().loc[context.place]
            x, y = _scatter(
                rng,
                np.full(n, place.x),
                np.full(n, place.y),
                np.full(n, context.sigma),
                inside,
            )
        cats = _pick(rng, np.asarray(context.categories)[None, :], np.zeros(n, int))
        parts.append((day_idx, hours, cats, x, y))
    day_idx, hours, cats, x, y = (np.concatenate(p) for p in zip(*parts, strict=True))
    sources = _pick(rng, spec.SOURCE_MIX, cats)
    minutes = rng.integers(0, 60, len(day_idx))
    times = np.char.add(np.char.mod("%02d:", hours), np.char.mod("%02d", minutes))
    missing = DEMO_CATEGORIES.index("missing episode")
    unknown = (cats == missing) & (rng.random(len(cats)) < _MISSING_TIME_SHARE)
    times[unknown] = ""
    lon, lat = bng_to_lonlat(x, y)
    table = pd.DataFrame(
        {
            "date": days[day_idx].strftime("%Y-%m-%d"),
            "time": times,
            "category": np.asarray(DEMO_CATEGORIES)[cats],
            "source": np.asarray(DEMO_SOURCES)[sources],
            "latitude": np.char.mod("%.6f", lat),
            "longitude": np.char.mod("%.6f", lon),
        }
    )
    return _sorted(table)


def _event_times(
    rng: np.random.Generator,
    context: spec.Context,
    days: pd.DatetimeIndex,
    holiday: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw daily Poisson counts for one context, then an hour for each event."""
    dow = days.day_of_week.to_numpy()
    term, holiday_profile = _profiles(context.profile)
    day_share = term.sum(axis=1)  # both profiles share the same day-of-week split
    doy = days.day_of_year.to_numpy()
    season = 1 + context.summer * np.cos(2 * np.pi * (doy - 196) / 365.25)
    rate = (
        context.per_week
        * day_share[dow]
        * np.where(holiday, context.holiday, 1.0)
        * np.clip(season, 0.1, None)
        * _story(context.story, days)
    )
    day_idx = np.repeat(np.arange(len(days)), rng.poisson(rate))
    by_day = np.stack([term, holiday_profile])[
        holiday[day_idx].astype(int), dow[day_idx]
    ]
    hours = _pick(rng, by_day, np.arange(len(day_idx)))
    return day_idx, hours


def _profiles(shares: tuple[tuple[str, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Return 7x24 (Mon..Sun x hour) weights for term time and school holidays."""
    weekdays, fri_sat, weekend, every = range(5), (4, 5), (5, 6), range(7)
    bands = {
        "after school": [(weekdays, range(15, 18))],
        "evening": [(every, range(18, 22))],
        "weekend evening": [(fri_sat, range(18, 22))],
        "late night": [(fri_sat, range(22, 24)), (weekend, range(0, 2))],
        "weekend afternoon": [(weekend, range(12, 18))],
        "daytime": [(every, range(9, 15))],
        # In the holidays the after-school crowd is out from late morning.
        "holiday daytime": [(weekdays, range(11, 18))],
    }

    def band(name: str) -> np.ndarray:
        grid = np.zeros((7, 24))
        for day_set, hour_set in bands[name]:
            grid[np.ix_(list(day_set), list(hour_set))] = 1.0
        return grid / grid.sum()

    term = sum(share * band(name) for name, share in shares)
    holiday = sum(
        share * band("holiday daytime" if name == "after school" else name)
        for name, share in shares
    )
    return term / term.sum(), holiday / holiday.sum()


def _story(story: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Return the daily rate multiplier that tells a context's story."""
    t = (days - pd.Timestamp(DEMO_END)).days.to_numpy().astype(float)  # 0 = last day
    if story == "new":  # absent until the last 8 weeks
        return (t > -52).astype(float)
    if story == "growing":  # steady, then up to 6x over the last two months
        return 1 + 5 * np.clip((t + 60) / 60, 0, 1)
    if story == "fading":  # strong in year one, nearly gone in the last 3 months
        year_two = (days - pd.Timestamp("2025-12-01")).days.to_numpy()
        return np.clip(1 - year_two / 274, 0.04, 1.0)
    return np.ones(len(days))


def _holiday_mask(days: pd.DatetimeIndex) -> np.ndarray:
    mask = np.zeros(len(days), bool)
    for first, last in spec.HOLIDAYS:
        mask |= (days >= first) & (days <= last)
    return mask


def _background_points(
    rng: np.random.Generator, n: int, inside: shapely.Geometry
) -> tuple[np.ndarray, np.ndarray]:
    """Scatter ``n`` points widely around random places, within the study area."""
    places = _places()
    sigma = rng.uniform(*spec.BACKGROUND_SIGMA_M, len(places))
    which = rng.integers(0, len(places), n)
    return _scatter(
        rng,
        places["x"].to_numpy()[which],
        places["y"].to_numpy()[which],
        sigma[which],
        inside,
    )


def _scatter(
    rng: np.random.Generator,
    x0: np.ndarray,
    y0: np.ndarray,
    sigma: np.ndarray,
    inside: shapely.Geometry,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw Gaussian points around centres, redrawing any that fall outside."""
    x, y = x0.copy(), y0.copy()
    todo = np.arange(len(x))
    for _ in range(100):
        if not len(todo):
            break
        x[todo] = x0[todo] + rng.normal(0.0, sigma[todo])
        y[todo] = y0[todo] + rng.normal(0.0, sigma[todo])
        todo = todo[~shapely.contains_xy(inside, x[todo], y[todo])]
    # Every centre lies inside the area, so a point still outside falls back to it.
    x[todo], y[todo] = x0[todo], y0[todo]
    return x, y


def _pick(
    rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Draw one index per row from the categorical weights ``weights[rows]``."""
    cdf = np.cumsum(weights, axis=1)
    cdf = cdf / cdf[:, -1:]
    u = rng.random(len(rows))
    return np.minimum((u[:, None] >= cdf[rows]).sum(axis=1), weights.shape[1] - 1)


def _contacts(rng: np.random.Generator, inside: shapely.Geometry) -> pd.DataFrame:
    """Outreach contacts: mostly at some contexts, none at the under-reached ones."""
    names, weights = zip(*spec.CONTACT_PLACES, strict=True)
    places = _places().loc[list(names)]
    n = spec.CONTACT_ROWS
    which = _pick(rng, np.asarray(weights)[None, :], np.zeros(n, int))
    x, y = _scatter(
        rng,
        places["x"].to_numpy()[which],
        places["y"].to_numpy()[which],
        np.full(n, 80.0),
        inside,
    )
    days = pd.date_range(DEMO_START, DEMO_END, freq="D")
    day_weight = np.array([1.0, 1.0, 1.0, 1.0, 1.5, 1.5, 0.5])[days.day_of_week]
    day_idx = _pick(rng, day_weight[None, :], np.zeros(n, int))
    hours = rng.integers(16, 23, n)
    minutes = rng.integers(0, 12, n) * 5
    lon, lat = bng_to_lonlat(x, y)
    table = pd.DataFrame(
        {
            "date": days[day_idx].strftime("%Y-%m-%d"),
            "time": np.char.add(
                np.char.mod("%02d:", hours), np.char.mod("%02d", minutes)
            ),
            "young_people": 1 + rng.binomial(7, 0.3, n),
            "latitude": np.char.mod("%.6f", lat),
            "longitude": np.char.mod("%.6f", lon),
        }
    )
    return _sorted(table)


def _anchored(rows: tuple[tuple, ...], columns: tuple[str, ...]) -> pd.DataFrame:
    """Place fixed rows ``(*values, anchor place, dx, dy)`` at metre offsets."""
    table = pd.DataFrame(rows, columns=[*columns, "anchor", "dx", "dy"])
    anchors = _places().loc[table["anchor"]]
    lon, lat = bng_to_lonlat(
        anchors["x"].to_numpy() + table["dx"].to_numpy(),
        anchors["y"].to_numpy() + table["dy"].to_numpy(),
    )
    table["latitude"] = np.char.mod("%.6f", lat)
    table["longitude"] = np.char.mod("%.6f", lon)
    return _sorted(table[[*columns, "latitude", "longitude"]])


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(list(table.columns), kind="stable", ignore_index=True)


def _csv_bytes(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


@cache
def _area_lonlat() -> shapely.Geometry:
    """Study area in WGS84: buffered places minus the sea, rounded to 6 dp."""
    places = _places()
    points = shapely.points(places["x"].to_numpy(), places["y"].to_numpy())
    land = shapely.union_all(shapely.buffer(points, _AREA_BUFFER_M))
    sea = shapely.transform(shapely.Polygon(spec.SEA_LONLAT), _to_bng)
    area = shapely.simplify(shapely.difference(land, sea), _AREA_SIMPLIFY_M)
    lonlat = shapely.transform(area, lambda c: np.column_stack(bng_to_lonlat(*c.T)))
    return shapely.set_precision(lonlat, 1e-6)


@cache
def _inside_area_bng() -> shapely.Geometry:
    """The published area in metres, shrunk a little so rounded points stay in."""
    area = shapely.buffer(shapely.transform(_area_lonlat(), _to_bng), -_EDGE_MARGIN_M)
    shapely.prepare(area)
    return area


def _to_bng(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(lonlat_to_bng(coords[:, 0], coords[:, 1]))


def _rounded(value: object) -> object:
    """Round every coordinate in a GeoJSON-like mapping to 6 decimals."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


def _area_geojson() -> bytes:
    feature = {
        "type": "Feature",
        "properties": {"name": AREA_NAME, "synthetic": True},
        "geometry": _rounded(mapping(_area_lonlat())),
    }
    collection = {"type": "FeatureCollection", "features": [feature]}
    return (json.dumps(collection, sort_keys=True) + "\n").encode("utf-8")
