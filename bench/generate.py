"""Synthetic Swansea-like incident CSVs of any size, with planted hotspots, cached.

Incidents are uniform background noise over the demo study area (Swansea's built-up
area without the sea) plus Gaussian clusters around named public places, written
the way a partner exports them (``date,time,category,source,latitude,longitude``,
WGS84 to 6 decimals). A few rows have no time or no location, so validation has
something to count. Files larger than the readers' upload limit are split into
parts of ``MAX_ROWS_PER_FILE`` rows, as a partner would split a big export.

Run from the repository root: ``.venv/bin/python bench/generate.py 1m --cache DIR``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geodata.crs import bng_to_lonlat
from geodata.demo import demo_tables
from geodata.places import load_places
from geodata.read import read_area

log = logging.getLogger(__name__)

SIZES = {
    "2k": 2_000,
    "10k": 10_000,
    "100k": 100_000,
    "1m": 1_000_000,
    "10m": 10_000_000,
}
# 2.5M rows is about 140 MB of CSV, under geodata.tables.MAX_BYTES (200 MB).
MAX_ROWS_PER_FILE = 2_500_000
CHUNK_ROWS = 1_000_000
SEED = 2026
START = np.datetime64("2024-12-01T00:00")
DAYS = 730
END_DATE = "2026-11-30"
# (place, share of all incidents): well apart, so each is its own hotspot area.
PLANTED = (
    ("Wind Street", 0.020),
    ("Morriston Cross", 0.015),
    ("Penlan", 0.010),
    ("Fforestfach Retail Park", 0.010),
    ("Gorseinon", 0.006),
    ("Sketty Cross", 0.006),
    ("Bonymaen", 0.004),
    ("Mumbles (Newton Road)", 0.003),
)
SPREAD_M = 80.0
CATEGORIES = (
    "exploitation concern",
    "missing episode",
    "violence",
    "weapon",
    "drugs",
    "anti-social behaviour",
)
BACKGROUND_MIX = (0.08, 0.12, 0.25, 0.05, 0.20, 0.30)
PLANTED_MIX = (0.25, 0.10, 0.20, 0.10, 0.30, 0.05)
SOURCES = ("police", "youth justice", "education", "health", "third sector")
SOURCE_MIX = (0.55, 0.12, 0.10, 0.10, 0.13)
NO_TIME_SHARE = 0.03
NO_LOCATION_SHARE = 0.001
_EDGE_MARGIN_M = 15.0
_SCHEMA = pa.schema(
    [
        *((c, pa.string()) for c in ("date", "time", "category", "source")),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)


@dataclass(frozen=True)
class Dataset:
    """One cached synthetic dataset: its CSV part(s), study area and truth."""

    label: str
    n: int
    files: list[Path]
    area: Path
    services: Path
    truth: Path

    def megabytes(self) -> float:
        """Return the total size of the CSV parts in MB."""
        return sum(f.stat().st_size for f in self.files) / 1e6


def _hour_weights(evening: bool) -> np.ndarray:
    """Hourly weights: daytime-heavy background, evening/late-night clusters."""
    hours = np.arange(24)
    if evening:
        w = np.where((hours >= 18) | (hours < 2), 6.0, 1.0)
    else:
        w = np.where((hours >= 8) & (hours < 23), 3.0, 1.0)
    return w / w.sum()


def _uniform_in(rng: np.random.Generator, n: int, area: shapely.Geometry) -> np.ndarray:
    """Return ``n`` points uniform in ``area`` by vectorised rejection."""
    minx, miny, maxx, maxy = area.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        need = int((n - len(out)) * 2.3) + 100
        xy = rng.uniform((minx, miny), (maxx, maxy), (need, 2))
        out = np.vstack([out, xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]])
    return out[:n]


def _clustered(
    rng: np.random.Generator, centres: np.ndarray, k: np.ndarray, area: shapely.Geometry
) -> np.ndarray:
    """Return ``k[i]`` Gaussian points around each centre, redrawn until inside."""
    centre = np.repeat(centres, k, axis=0)
    xy = centre + rng.normal(0.0, SPREAD_M, centre.shape)
    bad = ~shapely.contains_xy(area, xy[:, 0], xy[:, 1])
    while bad.any():
        xy[bad] = centre[bad] + rng.normal(0.0, SPREAD_M, (int(bad.sum()), 2))
        bad[bad] = ~shapely.contains_xy(area, xy[bad, 0], xy[bad, 1])
    return xy


def _chunk(
    rng: np.random.Generator,
    n: int,
    area: shapely.Geometry,
    centres: np.ndarray,
    shares: np.ndarray,
) -> pa.Table:
    """Return ``n`` incident rows as strings, planted clusters in their shares."""
    k = rng.multinomial(n, np.r_[shares, 1.0 - shares.sum()])
    planted, n_bg = k[:-1], int(k[-1])
    xy = np.vstack(
        [_uniform_in(rng, n_bg, area), _clustered(rng, centres, planted, area)]
    )
    is_planted = np.r_[np.zeros(n_bg, bool), np.ones(int(planted.sum()), bool)]
    days = rng.integers(0, DAYS, n)
    hour = np.where(
        is_planted,
        rng.choice(24, n, p=_hour_weights(True)),
        rng.choice(24, n, p=_hour_weights(False)),
    )
    minutes = days * 1440 + hour * 60 + rng.integers(0, 60, n)
    stamp = pa.array(START + (minutes * 60).astype("timedelta64[s]"), pa.timestamp("s"))
    time_text = pc.strftime(stamp, format="%H:%M")
    no_time = rng.random(n) < NO_TIME_SHARE
    time_text = pc.if_else(pa.array(no_time), "", time_text)
    category = np.where(
        is_planted,
        rng.choice(len(CATEGORIES), n, p=PLANTED_MIX),
        rng.choice(len(CATEGORIES), n, p=BACKGROUND_MIX),
    )
    source = rng.choice(len(SOURCES), n, p=SOURCE_MIX)
    lon, lat = bng_to_lonlat(xy[:, 0], xy[:, 1])
    no_loc = rng.random(n) < NO_LOCATION_SHARE
    lat = pa.array(np.round(lat, 6), mask=no_loc)
    lon = pa.array(np.round(lon, 6), mask=no_loc)
    order = rng.permutation(n)
    table = pa.table(
        {
            "date": pc.strftime(stamp, format="%Y-%m-%d"),
            "time": time_text,
            "category": pa.array(np.asarray(CATEGORIES)[category]),
            "source": pa.array(np.asarray(SOURCES)[source]),
            "latitude": lat,
            "longitude": lon,
        }
    )
    return table.take(pa.array(order))


def _parts(n: int) -> list[int]:
    """Split ``n`` rows into file parts of at most ``MAX_ROWS_PER_FILE``."""
    full, rest = divmod(n, MAX_ROWS_PER_FILE)
    return [MAX_ROWS_PER_FILE] * full + ([rest] if rest else [])


def _planted_centres() -> tuple[list[str], np.ndarray, np.ndarray]:
    places = load_places().set_index("name")
    names = [p for p, _ in PLANTED]
    geom = places.loc[names].geometry
    centres = np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()])
    return names, centres, np.array([s for _, s in PLANTED])


def _write_fixed(cache: Path) -> tuple[Path, Path, shapely.Geometry]:
    """Write the study area and services (from the demo) and return the area."""
    area_path = cache / "area.geojson"
    services_path = cache / "services.csv"
    if not (area_path.exists() and services_path.exists()):
        tables = demo_tables(7)
        area_path.write_bytes(tables["area.geojson"])
        services_path.write_bytes(tables["services.csv"])
    area = read_area(("area.geojson", area_path.read_bytes()))
    inside = shapely.buffer(
        shapely.union_all(area.geometry.to_numpy()), -_EDGE_MARGIN_M
    )
    shapely.prepare(inside)
    return area_path, services_path, inside


def ensure_dataset(label: str, cache: Path, seed: int = SEED) -> Dataset:
    """Return the dataset ``label`` (a key of ``SIZES``), generating it if missing.

    Generation is vectorised and chunked (1M rows at a time), so 10M rows need
    about 1 GB of memory and a minute or two; files are reused on later runs.
    """
    n = SIZES[label]
    cache.mkdir(parents=True, exist_ok=True)
    area_path, services_path, inside = _write_fixed(cache)
    parts = _parts(n)
    stem = f"incidents_{label}"
    files = (
        [cache / f"{stem}.csv"]
        if len(parts) == 1
        else [cache / f"{stem}_part{i + 1}.csv" for i in range(len(parts))]
    )
    truth_path = cache / f"{stem}_truth.json"
    dataset = Dataset(label, n, files, area_path, services_path, truth_path)
    if truth_path.exists() and all(f.exists() for f in files):
        return dataset
    names, centres, shares = _planted_centres()
    if not shapely.contains_xy(inside, centres[:, 0], centres[:, 1]).all():
        raise RuntimeError("a planted place lies outside the study area")
    rng = np.random.default_rng([seed, n])
    # No value holds a comma or a quote, so none is quoted (as partners' exports).
    options = pacsv.WriteOptions(quoting_style="none")
    for path, rows in zip(files, parts, strict=True):
        tmp = path.with_suffix(".tmp")
        with pacsv.CSVWriter(tmp, _SCHEMA, write_options=options) as writer:
            done = 0
            while done < rows:
                size = min(CHUNK_ROWS, rows - done)
                writer.write_table(_chunk(rng, size, inside, centres, shares))
                done += size
        tmp.rename(path)
        log.info("wrote %s (%d rows)", path, rows)
    truth = {
        "n": n,
        "seed": seed,
        "spread_m": SPREAD_M,
        "end_date": END_DATE,
        "planted": [
            {"name": name, "x": float(x), "y": float(y), "share": float(s)}
            for name, (x, y), s in zip(names, centres, shares, strict=True)
        ],
    }
    truth_path.write_text(json.dumps(truth, indent=2))
    return dataset


def main(argv: list[str] | None = None) -> int:
    """Generate the named datasets into the cache folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", choices=list(SIZES))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/cmet-bench-cache"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for label in args.sizes:
        data = ensure_dataset(label, args.cache)
        print(f"{label}: {len(data.files)} file(s), {data.megabytes():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
