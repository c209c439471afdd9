"""Export bytes for spreadsheets (CSV, Excel) and GIS or web maps (GeoJSON)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import unicodedata
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryDtype
from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype

from geodata.crs import BNG, WGS84, bng_to_lonlat

# OWASP "CSV injection": a cell starting with one of these may run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_COORD_DP = 6
# What json.dumps(..., ensure_ascii=False, allow_nan=False, separators=(",", ":"))
# would make afresh for each feature's properties.
_PROPERTIES = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":")
)
_XLSX_MAX_CHARS = 32_767  # Excel's limit for one cell
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(df: pd.DataFrame) -> bytes:
    """Return a table as CSV bytes that Excel opens safely.

    UTF-8 with a byte-order mark (so Excel shows ŵ and ŷ), CRLF line ends, no
    index. Every text cell (and header) starting with ``=``, ``+``, ``-``, ``@``,
    tab or carriage return is prefixed with ``'`` so no spreadsheet runs it as a
    formula; numeric columns are written unchanged. Geometry columns are left out
    (use :func:`geojson_bytes` for shapes).

    Parameters
    ----------
    df
        Table to export.

    Returns
    -------
    bytes
        The CSV file's content.
    """
    table = pd.DataFrame(df).copy()
    table = table.drop(
        columns=[c for c in table.columns if isinstance(table[c].dtype, GeometryDtype)]
    )
    for column in table.columns:
        kind = table[column].dtype
        if not (is_numeric_dtype(kind) or is_datetime64_any_dtype(kind)):
            table[column] = table[column].astype(object).map(_neutralise)
    table.columns = [_neutralise(str(c)) for c in table.columns]
    text = table.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _xlsx_value(value: Any) -> Any:
    """Return a value as an Excel cell value: numbers and dates typed, text safe."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.time) and value.tzinfo is not None:
        # Excel has no time zones: the wall-clock time in the value's own zone.
        value = value.replace(tzinfo=None)
    if isinstance(value, bool | int | float | dt.date | dt.time):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:_XLSX_MAX_CHARS]
    return _neutralise(text)


def xlsx_bytes(df: pd.DataFrame, *, sheet: str = "Sheet1") -> bytes:
    """Return a table as an Excel workbook (.xlsx) whose cells never run as formulas.

    Text cells (and headers) starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return are prefixed with ``'`` exactly as in :func:`csv_bytes`, so
    they are stored as text and stay text if someone edits them; numbers, dates
    and booleans keep their type; empty and NaN cells are blank. Control
    characters Excel cannot hold are dropped, text is cut at Excel's 32,767
    characters, and geometry columns are left out.

    Parameters
    ----------
    df
        Table to export.
    sheet
        Worksheet name (characters Excel forbids are dropped; at most 31).

    Returns
    -------
    bytes
        The workbook's content.
    """
    table = pd.DataFrame(df)
    columns = [
        c for c in table.columns if not isinstance(table[c].dtype, GeometryDtype)
    ]
    from openpyxl import Workbook  # here: half a second to import, rarely used

    book = Workbook(write_only=True)
    title = _SHEET_FORBIDDEN.sub("", str(sheet)).strip("'")[:31] or "Sheet1"
    worksheet = book.create_sheet(title)
    worksheet.append([_xlsx_value(str(c)) for c in columns])
    for row in table[columns].astype(object).itertuples(index=False, name=None):
        worksheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """Return a GeoDataFrame as an RFC 7946 GeoJSON FeatureCollection.

    Reprojected to EPSG:4326 (longitude, latitude), coordinates rounded to 6 decimal
    places (about 0.1 m), polygon exteriors anticlockwise; the same input always
    gives the same bytes.

    Parameters
    ----------
    gdf
        Layer to export; it must have a CRS.

    Returns
    -------
    bytes
        UTF-8 GeoJSON.
    """
    if gdf.crs is None:
        raise ValueError("geojson_bytes: the layer has no CRS to reproject from.")
    if gdf.crs == BNG:  # the usual case: the transformer geodata.crs keeps
        lonlat = shapely.transform(
            gdf.geometry.to_numpy(), lambda xy: np.column_stack(bng_to_lonlat(*xy.T))
        )
        name = gdf.geometry.name
        layer = gdf.set_geometry(
            gpd.GeoSeries(lonlat, index=gdf.index, crs=WGS84, name=name)
        )
    else:
        layer = gdf.to_crs(WGS84)
    geoms = shapely.orient_polygons(layer.geometry.to_numpy(), exterior_cw=False)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, _COORD_DP))
    shapes = shapely.to_geojson(geoms)  # vectorised; equal to json of mapping()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    columns = [c for c in layer.columns if c != layer.geometry.name]
    names = [str(c) for c in columns]
    values = [_json_column(layer[c]) for c in columns]
    encode = _PROPERTIES.encode  # one encoder for every feature, as json.dumps
    features = [
        '{"type":"Feature","properties":'
        + encode(dict(zip(names, row, strict=True)))
        + ',"geometry":'
        + ("null" if blank else shape)
        + "}"
        for row, shape, blank in zip(
            zip(*values, strict=True) if values else [()] * len(layer),
            shapes,
            empty,
            strict=True,
        )
    ]
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return body.encode("utf-8")


def _json_column(column: pd.Series) -> list[Any]:
    """Return a column's values as JSON-ready Python values (NaN and NA as None)."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) and not column.hasnans:
        return column.to_numpy(bool).tolist()
    if pd.api.types.is_integer_dtype(dtype) and not column.hasnans:
        return column.to_numpy("int64").tolist()
    if pd.api.types.is_float_dtype(dtype):
        number = column.to_numpy("float64", na_value=np.nan)
        plain = number.tolist()
        if np.isfinite(number).all():
            return plain
        finite = np.isfinite(number).tolist()
        return [v if ok else None for v, ok in zip(plain, finite, strict=True)]
    plain = column.astype(object).tolist()
    if all(type(v) is str for v in plain):  # text without gaps: nothing to convert
        return plain
    return [_json_value(v) for v in plain]


def safe_filename(name: str, *, default: str = "export") -> str:
    """Return ``name`` as a portable file name (ASCII letters, digits, ``.-_``).

    Accents are dropped ("Gŵyl" becomes "Gwyl"), anything else becomes ``-``, and
    the result is at most 100 characters; ``default`` is used if nothing is left.

    Parameters
    ----------
    name
        Wanted file name, e.g. "Panel pack 14/04/2026.html".
    default
        Name used when ``name`` has no usable characters.

    Returns
    -------
    str
        A file name that is safe on Windows, macOS and Linux.
    """
    ascii_name = (
        unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    )
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name)
    clean = re.sub(r"-{2,}", "-", clean).strip(".-_ ")[:100].rstrip(".-_ ")
    if not clean:
        clean = default
    if clean.split(".")[0].upper() in _WINDOWS_RESERVED:
        clean = "_" + clean
    return clean
