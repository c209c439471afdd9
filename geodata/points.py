"""Locate table rows as points in British National Grid, detecting the CRS."""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely import points as make_points

from geodata.crs import BNG, lonlat_to_bng
from geodata.errors import InputDataError

# Great Britain in each CRS, generous enough for islands and the coast.
_GB_LON = (-9.0, 2.1)
_GB_LAT = (49.8, 61.0)
_GB_EASTING = (0.0, 700_000.0)
_GB_NORTHING = (0.0, 1_300_000.0)


def _numbers(table: pd.DataFrame, column: str, name: str) -> pd.Series:
    raw = table[column]
    if raw.dtype == object or pd.api.types.is_string_dtype(raw):
        raw = raw.astype(str).str.strip().replace({"": None, "nan": None})
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.mean() > 0.5 and bad.sum() > 0:
        example = raw[bad].iloc[0]
        raise InputDataError(
            f"{name}: column '{column}' should hold numbers but has text such as "
            f"'{example}'. Put coordinates as plain numbers, e.g. 51.62 or 265500."
        )
    return values.astype("float64")


def _inside(values: pd.Series, bounds: tuple[float, float]) -> pd.Series:
    return values.between(*bounds)


def locate(table: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return easting, northing (NaN where unusable) and an outside-GB row mask.

    Accepts ``latitude``/``longitude`` (WGS84) or ``easting``/``northing``
    (British National Grid), or ``x``/``y`` in either, detected from the values.
    Refuses swapped latitude/longitude and points outside Great Britain.
    """
    columns = set(table.columns)
    if {"latitude", "longitude"} <= columns:
        lat = _numbers(table, "latitude", name)
        lon = _numbers(table, "longitude", name)
        return _from_lonlat(lon, lat, name, ("longitude", "latitude"))
    if {"easting", "northing"} <= columns:
        x = _numbers(table, "easting", name)
        y = _numbers(table, "northing", name)
        return _from_bng(x, y, name, ("easting", "northing"))
    if {"x", "y"} <= columns:
        x = _numbers(table, "x", name)
        y = _numbers(table, "y", name)
        if x.abs().max() > 1000 or y.abs().max() > 1000:
            return _from_bng(x, y, name, ("x", "y"))
        return _from_lonlat(x, y, name, ("x", "y"))
    found = ", ".join(str(c) for c in table.columns[:12])
    raise InputDataError(
        f"{name}: no location columns. Found: {found}. Add latitude/longitude or "
        "easting/northing columns."
    )


def _from_lonlat(
    lon: pd.Series, lat: pd.Series, name: str, cols: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    present = lon.notna() & lat.notna()
    if present.any():
        in_gb = _inside(lon, _GB_LON) & _inside(lat, _GB_LAT)
        swapped = _inside(lat, _GB_LON) & _inside(lon, _GB_LAT)
        if swapped[present].mean() > 0.5:
            raise InputDataError(
                f"{name}: columns '{cols[0]}' and '{cols[1]}' look swapped (values "
                f"such as {cols[1]}={lat[present].iloc[0]:g} belong in "
                f"{cols[0]}). Swap the two column names and upload again."
            )
        outside = present & ~in_gb
        if outside[present].mean() > 0.5:
            raise InputDataError(
                f"{name}: most points are outside Great Britain (e.g. "
                f"{cols[1]} {lat[outside].iloc[0]:g}, {cols[0]} "
                f"{lon[outside].iloc[0]:g}). Check the coordinate columns are WGS84 "
                "latitude and longitude in decimal degrees."
            )
        lon = lon.where(in_gb)
        lat = lat.where(in_gb)
    else:
        outside = present
    x, y = lonlat_to_bng(lon.to_numpy(), lat.to_numpy())
    return x, y, outside.to_numpy()


def _from_bng(
    x: pd.Series, y: pd.Series, name: str, cols: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    present = x.notna() & y.notna()
    in_gb = _inside(x, _GB_EASTING) & _inside(y, _GB_NORTHING)
    if present.any() and (present & ~in_gb)[present].mean() > 0.5:
        raise InputDataError(
            f"{name}: most '{cols[0]}'/'{cols[1]}' values are outside British National "
            "Grid (eastings 0-700000, northings 0-1300000). Check the columns are "
            "metres in EPSG:27700."
        )
    outside = (present & ~in_gb).to_numpy()
    return x.where(in_gb).to_numpy(), y.where(in_gb).to_numpy(), outside


def point_array(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return shapely points for finite coordinates (callers drop the rest first)."""
    return make_points(np.column_stack([x, y]))


__all__ = ["BNG", "locate", "point_array"]
