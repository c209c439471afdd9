"""Turn one uploaded file's bytes into a table with normalised column names."""

from __future__ import annotations

import csv
import io
import logging
import warnings
from pathlib import PurePath

import geopandas as gpd
import pandas as pd

from geodata.errors import InputDataError

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
GEO_SUFFIXES = {".geojson", ".json", ".gpkg"}
EXCEL_SUFFIXES = {".xlsx"}

# Common names partners use for the columns we need, mapped to our names.
SYNONYMS = {
    "lat": "latitude",
    "y_lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "x_lon": "longitude",
    "eastings": "easting",
    "east": "easting",
    "northings": "northing",
    "north": "northing",
    "crime_type": "category",
    "offence": "category",
    "type": "category",
    "theme": "category",
    "occurred_at": "date",
    "datetime": "date",
    "date_time": "date",
    "month": "date",
    "reported_by": "source",
    "agency": "source",
    "partner": "source",
    "young_people_contacted": "young_people",
    "contacts": "young_people",
    "service": "name",
    "service_name": "name",
}


def _column_key(raw: object) -> str:
    key = str(raw).strip().lower().replace("\ufeff", "")
    key = "_".join(key.replace("-", " ").replace("/", " ").split())
    return SYNONYMS.get(key, key)


def normalise_columns(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Lower-case column names, map common synonyms, refuse ambiguous duplicates."""
    keys = [_column_key(c) for c in table.columns]
    seen: dict[str, str] = {}
    for raw, key in zip(table.columns, keys, strict=True):
        if key in seen and key != "geometry":
            raise InputDataError(
                f"{name}: columns '{seen[key]}' and '{raw}' both mean '{key}'. "
                "Keep one of them and remove the other."
            )
        seen[key] = str(raw)
    return table.set_axis(keys, axis=1)


def _decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InputDataError(
            f"{name}: this does not look like a text file (it contains NUL bytes). "
            "Save it as CSV (comma-separated values) and upload it again."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputDataError(  # pragma: no cover - cp1252 decodes almost anything
        f"{name}: could not read the text encoding. Save it as CSV UTF-8."
    )


def _read_text(name: str, data: bytes) -> pd.DataFrame:
    text = _decode(name, data)
    if not text.strip():
        raise InputDataError(f"{name}: the file is empty. Export the data again.")
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = "\t" if PurePath(name).suffix.lower() == ".tsv" else ","
    try:
        return pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputDataError(
            f"{name}: could not read it as a table ({exc}). "
            "Check that every row has the same number of columns."
        ) from exc


def _read_geo(name: str, data: bytes) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            # GDAL notes that in-memory bytes have no .gpkg extension; harmless.
            warnings.filterwarnings("ignore", "File /vsimem/", RuntimeWarning)
            frame = gpd.read_file(io.BytesIO(data))
    except Exception as exc:  # pyogrio raises several types for broken files
        raise InputDataError(
            f"{name}: could not read it as GeoJSON or GeoPackage ({exc}). "
            "Export the layer again from your GIS."
        ) from exc
    if frame.crs is None:
        raise InputDataError(
            f"{name}: the layer has no coordinate reference system. "
            "Save it with a CRS (EPSG:4326 or EPSG:27700)."
        )
    return frame


def _read_excel(name: str, data: bytes) -> pd.DataFrame:
    try:
        return pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
    except Exception as exc:  # openpyxl raises many types for corrupt workbooks
        raise InputDataError(
            f"{name}: could not open it as an Excel workbook ({exc}). "
            "Open it in Excel and save it again as .xlsx or CSV."
        ) from exc


def read_table(name: str, data: bytes) -> pd.DataFrame:
    """Read a CSV, TSV, Excel, GeoJSON or GeoPackage file given as bytes.

    Returns
    -------
    DataFrame or GeoDataFrame
        Text columns as strings with normalised lower-case names; geographic files
        keep their geometry and CRS.
    """
    if len(data) > MAX_BYTES:
        raise InputDataError(
            f"{name}: the file is {len(data) / 1e6:.0f} MB; the limit is "
            f"{MAX_BYTES / 1e6:.0f} MB. Split it by year or area."
        )
    suffix = PurePath(name).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        table = _read_text(name, data)
    elif suffix in GEO_SUFFIXES:
        table = _read_geo(name, data)
    elif suffix in EXCEL_SUFFIXES:
        table = _read_excel(name, data)
    else:
        accepted = ", ".join(sorted(TEXT_SUFFIXES | GEO_SUFFIXES | EXCEL_SUFFIXES))
        raise InputDataError(
            f"{name}: files of type '{suffix or 'none'}' are not accepted. "
            f"Use one of: {accepted}."
        )
    if len(table) == 0:
        raise InputDataError(
            f"{name}: the file has a header but no rows. Export the data again."
        )
    return normalise_columns(table, name)
