"""Locate table rows as points in British National Grid, detecting the CRS."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely import points as make_points

from geodata.crs import BNG, lonlat_to_bng
from geodata.errors import InputDataError

# Great Britain in each CRS, generous enough for islands and the coast.
_GB_LON = (-9.0, 2.1)
_GB_LAT = (49.8, 61.0)
_GB_EASTING = (0.0, 700_000.0)
_GB_NORTHING = (0.0, 1_300_000.0)
# Web Mercator metres over Great Britain: a common export mistake worth naming.
_MERCATOR_X = (-1_000_000.0, 250_000.0)
_MERCATOR_Y = (6_300_000.0, 8_700_000.0)

# (x-like column, y-like column) pairs, in order of preference.
PAIRS = (("longitude", "latitude"), ("easting", "northing"), ("x", "y"))


@dataclass
class Located:
    """Rows as BNG metres, which rows lie outside Great Britain, and notes."""

    x: np.ndarray
    y: np.ndarray
    outside_gb: np.ndarray
    notes: list[str] = field(default_factory=list)

    def __iter__(self):
        return iter((self.x, self.y, self.outside_gb))


def has_coordinates(columns: pd.Index) -> bool:
    """Whether a table has one of the coordinate column pairs."""
    return any({a, b} <= set(columns) for a, b in PAIRS)


def _arrow_floats(raw: pd.Series) -> pd.Series | None:
    """Cast Arrow-backed text to float64 in Arrow; ``None`` if any is not a number.

    A million coordinates cast in a few milliseconds, against a second for
    ``pd.to_numeric`` on the same strings; text that does not cast goes the slow
    way, which counts and reports it.
    """
    dtype = raw.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    text = pc.utf8_trim_whitespace(pa.array(raw))
    empty = pc.or_kleene(pc.equal(text, ""), pc.equal(text, "nan"))
    text = pc.if_else(empty, pa.scalar(None, pa.string()), text)
    try:
        values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    values = pd.Series(values, index=raw.index, dtype="float64")
    return values.where(np.isfinite(values))


def _numbers(table: pd.DataFrame, column: str, name: str) -> pd.Series:
    raw = table[column]
    fast = _arrow_floats(raw)
    if fast is not None:
        return fast
    if raw.dtype == object or pd.api.types.is_string_dtype(raw):
        raw = raw.astype(str).str.strip().replace({"": None, "nan": None})
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.mean() > 0.5 and bad.sum() > 0:
        example = str(raw[bad].iloc[0])[:40]
        raise InputDataError(
            f"{name}: column '{column}' should hold numbers but has text such as "
            f"'{example}'. Put coordinates as plain numbers, e.g. 51.62 or 265500."
        )
    return values.astype("float64").where(np.isfinite(values.astype("float64")))


def locate(table: pd.DataFrame, name: str) -> Located:
    """Return easting, northing (NaN where unusable), an outside-GB mask and notes.

    Accepts ``latitude``/``longitude``, ``easting``/``northing`` or ``x``/``y``;
    whether the values are WGS84 degrees or British National Grid metres is decided
    from the values, not the names. Latitude and longitude swapped in every row are
    swapped back with a note; swapped in only some rows, the file is refused. A file
    whose points are mostly outside Great Britain is refused; a minority is counted.
    """
    for x_col, y_col in PAIRS:
        if {x_col, y_col} <= set(table.columns):
            y = _numbers(table, y_col, name)
            x = _numbers(table, x_col, name)
            cols = (x_col, y_col)
            present = x.notna() & y.notna()
            if (
                present.any()
                and max(x[present].abs().max(), y[present].abs().max()) > 180
            ):
                located = _from_metres(x, y, name, cols)
                if x_col == "longitude":
                    located.notes.append(
                        f"'{x_col}'/'{y_col}' hold metres, read as British National "
                        "Grid"
                    )
                return located
            located = _from_degrees(x, y, name, cols)
            if x_col == "easting":
                located.notes.append(f"'{x_col}'/'{y_col}' hold degrees, read as WGS84")
            return located
    found = ", ".join(str(c) for c in table.columns[:12])
    raise InputDataError(
        f"{name}: no location columns. Found: {found}. Add latitude/longitude or "
        "easting/northing columns, or a postcode column with a postcode table."
    )


def _from_degrees(
    lon: pd.Series, lat: pd.Series, name: str, cols: tuple[str, str]
) -> Located:
    present = lon.notna() & lat.notna()
    notes: list[str] = []
    normal = lon.between(*_GB_LON) & lat.between(*_GB_LAT)
    swapped = lat.between(*_GB_LON) & lon.between(*_GB_LAT)
    n_normal, n_swapped = int(normal.sum()), int(swapped.sum())
    if n_swapped and n_normal:
        raise InputDataError(
            f"{name}: columns '{cols[0]}' and '{cols[1]}' look swapped in {n_swapped} "
            f"of {n_swapped + n_normal} rows but not in the others. Put longitude "
            "(about -3.9 in Swansea) and latitude (about 51.6) in their own columns "
            "for every row and upload again."
        )
    if n_swapped:
        lon, lat = lat, lon
        normal = swapped
        notes.append(
            f"'{cols[0]}' and '{cols[1]}' were the wrong way round in every row "
            f"({n_swapped} rows); they were swapped back. Check the file's headers."
        )
    outside = present & ~normal
    if present.any() and outside[present].mean() > 0.5:
        raise InputDataError(
            f"{name}: most points are outside Great Britain (e.g. "
            f"{cols[1]} {lat[outside].iloc[0]:g}, {cols[0]} "
            f"{lon[outside].iloc[0]:g}). Check the coordinate columns are WGS84 "
            "latitude and longitude in decimal degrees."
        )
    x, y = lonlat_to_bng(lon.where(normal).to_numpy(), lat.where(normal).to_numpy())
    return Located(x, y, outside.to_numpy(), notes)


def _from_metres(
    x: pd.Series, y: pd.Series, name: str, cols: tuple[str, str]
) -> Located:
    present = x.notna() & y.notna()
    in_gb = x.between(*_GB_EASTING) & y.between(*_GB_NORTHING)
    if present.any() and (present & ~in_gb)[present].mean() > 0.5:
        mercator = x[present].between(*_MERCATOR_X) & y[present].between(*_MERCATOR_Y)
        hint = (
            " They look like Web Mercator (EPSG:3857) metres: export them as "
            "EPSG:27700 or as latitude/longitude."
            if mercator.mean() > 0.5
            else " Check the columns are metres in EPSG:27700."
        )
        raise InputDataError(
            f"{name}: most '{cols[0]}'/'{cols[1]}' values are outside British National "
            f"Grid (eastings 0-700000, northings 0-1300000).{hint}"
        )
    outside = (present & ~in_gb).to_numpy()
    return Located(x.where(in_gb).to_numpy(), y.where(in_gb).to_numpy(), outside)


def point_array(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return shapely points for finite coordinates (callers drop the rest first)."""
    return make_points(np.column_stack([x, y]))


def point_xy(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return the x and y, EPSG:27700 metres, of a frame of points.

    Canonical incidents carry them as float ``x`` and ``y`` columns: a million
    shapely points took 0.9 s to make and were only ever read back as
    coordinates. A GeoDataFrame of points works too, read with one
    ``shapely.get_coordinates`` call (NaN for a missing point).
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        return frame["x"].to_numpy(float), frame["y"].to_numpy(float)
    points = frame.geometry.to_numpy()
    xy = shapely.get_coordinates(points)
    if len(xy) != len(points):  # missing or empty points have no coordinates
        return frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    return xy[:, 0], xy[:, 1]


__all__ = [
    "BNG",
    "PAIRS",
    "Located",
    "has_coordinates",
    "locate",
    "point_array",
    "point_xy",
]
