"""Place each row of a table: coordinates, geometry or postcode, counting failures."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.crs import BNG
from geodata.errors import InputDataError
from geodata.points import Located, has_coordinates, locate, point_array
from geodata.postcodes import PostcodeTable, geocode
from geodata.report import FileReport
from geodata.tables import Table
from geodata.vector import point_coordinates

_BNG_BOX = (0.0, 0.0, 700_000.0, 1_300_000.0)
# Why a row could not be placed, in the order the validation report lists them.
_REASONS = (
    "",
    "outside Great Britain",
    "no location",
    "invalid postcode",
    "unmatched postcode",
)
_NO_LOCATION = _REASONS.index("no location")
_THREAD_MIN_ROWS = 100_000


def require_location(loaded: Table, name: str) -> None:
    """Refuse a table with no geometry, coordinate pair or postcode column."""
    table = loaded.frame
    if isinstance(table, gpd.GeoDataFrame) or has_coordinates(table.columns):
        return
    if "postcode" not in table.columns:
        found = ", ".join(list(loaded.headers.values())[:12])
        raise InputDataError(
            f"{name}: no location columns. Found: {found}. Add latitude/longitude or "
            "easting/northing columns, or a postcode column with a postcode table."
        )


def start_locating(table: pd.DataFrame, name: str) -> Future[Located] | None:
    """Start reading and projecting a large table's coordinates in a second thread.

    Casting the coordinate text and pyproj's transform run outside the GIL, so
    they overlap the duplicate and date checks the caller does meanwhile (a
    million rows: about 0.4 s less wall time). ``None`` for small tables,
    geometry, or postcodes.
    """
    if (
        len(table) < _THREAD_MIN_ROWS
        or isinstance(table, gpd.GeoDataFrame)
        or not has_coordinates(table.columns)
    ):
        return None
    pool = ThreadPoolExecutor(max_workers=1)
    located = pool.submit(locate, table, name)
    pool.shutdown(wait=False)  # its thread ends with the job
    return located


def locate_rows(
    table: pd.DataFrame,
    name: str,
    report: FileReport,
    keep: np.ndarray,
    postcodes: PostcodeTable | None,
    allow_areas: bool,
    located: Future[Located] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return BNG x, y and the rows still kept, counting each location drop.

    Rows without coordinates fall back to their postcode when a postcode table is
    given; drops are counted as outside Great Britain, no location, invalid
    postcode or unmatched postcode. ``located`` is ``locate(table, name)``
    already started by the caller (``start_locating``), if it was.
    """
    n = len(table)
    outside_gb = np.zeros(n, bool)
    if isinstance(table, gpd.GeoDataFrame):
        x, y = point_coordinates(table, name, report.notes, allow_areas)
        minx, miny, maxx, maxy = _BNG_BOX
        outside_gb = np.isfinite(x) & ~(
            (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
        )
        x, y = np.where(outside_gb, np.nan, x), np.where(outside_gb, np.nan, y)
    elif has_coordinates(table.columns):
        found = located.result() if located is not None else locate(table, name)
        x, y, outside_gb = found.x, found.y, found.outside_gb
        report.notes.extend(found.notes)
    elif "postcode" in table.columns:
        if postcodes is None:
            raise InputDataError(
                f"{name}: rows are located only by postcode, but no postcode table "
                "was given. Add OS Code-Point Open or the ONS Postcode Directory as "
                "the postcode table (--postcodes), or add latitude/longitude columns."
            )
        x, y = np.full(n, np.nan), np.full(n, np.nan)
    else:
        x, y, outside_gb = locate(table, name)  # raises: no location columns
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    outside_gb = np.asarray(outside_gb, bool)
    reason = np.zeros(n, dtype=np.int8)  # an index into _REASONS; 0 = located
    reason[~np.isfinite(x) & ~outside_gb] = _NO_LOCATION
    reason[outside_gb] = _REASONS.index("outside Great Britain")
    if postcodes is not None and "postcode" in table.columns:
        _geocode_missing(table["postcode"], postcodes, x, y, reason, keep, report, name)
    for code, why in enumerate(_REASONS[1:], start=1):
        report.drop(why, keep & (reason == code))
    no_location = ~np.isfinite(x) | ~np.isfinite(y)
    if keep.any() and not (keep & ~no_location).any() and not outside_gb.any():
        raise InputDataError(
            f"{name}: no row has a location (the coordinate or postcode columns are "
            "empty). Fill them in, or export the file again with locations."
        )
    return x, y, keep & ~no_location


def _geocode_missing(
    postcode: pd.Series,
    table: PostcodeTable,
    x: np.ndarray,
    y: np.ndarray,
    reason: np.ndarray,
    keep: np.ndarray,
    report: FileReport,
    name: str,
) -> None:
    """Fill rows without coordinates from their postcode, in place."""
    rows = np.flatnonzero(reason == _NO_LOCATION)
    if rows.size == 0:
        return
    px, py, outcome = geocode(postcode.iloc[rows], table)
    by = outcome.to_numpy()
    x[rows], y[rows] = px, py
    reason[rows] = np.select(
        [np.isin(by, ("unit", "sector")), by == "invalid", by == "unmatched"],
        [0, _REASONS.index("invalid postcode"), _REASONS.index("unmatched postcode")],
        default=_NO_LOCATION,
    )
    live = keep[rows]
    if (live & (by == "unmatched")).any() and not (
        live & np.isin(by, ("unit", "sector"))
    ).any():
        raise InputDataError(
            f"{name}: none of the postcodes was found in the postcode table. Check "
            "the table covers the same area (e.g. SA postcodes for Swansea)."
        )
    units, sectors = (
        int((live & (by == "unit")).sum()),
        int((live & (by == "sector")).sum()),
    )
    if units or sectors:
        detail = (
            f" ({sectors} by postcode sector, placed at the sector's centre)"
            if sectors
            else ""
        )
        report.notes.append(f"{units + sectors} rows located by postcode{detail}")


def _kept(columns: dict[str, pd.Series], keep: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({k: v.array[keep] for k, v in columns.items()})


def points_frame(
    columns: dict[str, pd.Series], x: np.ndarray, y: np.ndarray, keep: np.ndarray
) -> gpd.GeoDataFrame:
    """Build the kept rows' columns and points into an EPSG:27700 frame."""
    points = point_array(x[keep], y[keep])
    return gpd.GeoDataFrame(_kept(columns, keep), geometry=points, crs=BNG)


def xy_frame(
    columns: dict[str, pd.Series], x: np.ndarray, y: np.ndarray, keep: np.ndarray
) -> pd.DataFrame:
    """Build the kept rows' columns with float ``x``/``y`` (EPSG:27700 metres)."""
    frame = _kept(columns, keep)
    frame["x"] = x[keep]
    frame["y"] = y[keep]
    return frame


def clip_to_area(
    x: np.ndarray,
    y: np.ndarray,
    keep: np.ndarray,
    area: shapely.Geometry | None,
    report: FileReport,
) -> np.ndarray:
    """Keep rows inside ``area`` (if given), counting the others."""
    if area is None:
        return keep
    inside = np.zeros(len(keep), bool)
    inside[keep] = shapely.contains_xy(area, x[keep], y[keep])
    report.drop("outside the study area", keep & ~inside)
    return keep & inside
