"""Turn one uploaded file's bytes into a table with normalised column names."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from geodata.archive import open_zip, split_part
from geodata.errors import InputDataError
from geodata.sheets import read_sheet, sheet_names
from geodata.text import read_text_table
from geodata.vector import layer_names, read_layer

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}

# Common names partners use for the columns we need, mapped to our names. A synonym
# is used only when the file has no column with the canonical name itself.
SYNONYMS = {
    "lat": "latitude",
    "y_lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "x_lon": "longitude",
    "eastings": "easting",
    "east": "easting",
    "oseast1m": "easting",
    "northings": "northing",
    "north": "northing",
    "osnrth1m": "northing",
    "x_coord": "x",
    "x_coordinate": "x",
    "y_coord": "y",
    "y_coordinate": "y",
    "crime_type": "category",
    "crime_category": "category",
    "offence": "category",
    "offence_type": "category",
    "incident_type": "category",
    "type": "category",
    "theme": "category",
    "occurred_at": "date",
    "when": "date",
    "occurred_on": "date",
    "occurred": "date",
    "incident_date": "date",
    "date_of_incident": "date",
    "offence_date": "date",
    "datetime": "date",
    "date_time": "date",
    "month": "date",
    "incident_time": "time",
    "date_from": "date",
    "from_date": "date",
    "start_date": "date",
    "date_to": "date_end",
    "to_date": "date_end",
    "end_date": "date_end",
    "ended_at": "date_end",
    "returned_at": "date_end",
    "found_at": "date_end",
    "time_to": "time_end",
    "end_time": "time_end",
    "time_of_incident": "time",
    "reported_by": "source",
    "agency": "source",
    "partner": "source",
    "young_people_contacted": "young_people",
    "young_people_seen": "young_people",
    "number_of_young_people": "young_people",
    "contacts": "young_people",
    "service": "name",
    "service_name": "name",
    "post_code": "postcode",
    "postal_code": "postcode",
    "pcds": "postcode",
    "pcd": "postcode",
    "pcd2": "postcode",
    "pcd7": "postcode",
    "pcd8": "postcode",
}

# (magic bytes, what it is, how to fix) for files whose content betrays their type.
_SIGNATURES = (
    (b"%PDF", "a PDF document", "Export the data itself as CSV or Excel"),
    (
        b"\xd0\xcf\x11\xe0",
        "an old Excel 97-2003 (.xls) or password-protected workbook",
        "Open it in Excel, remove any password and save it as 'Excel Workbook "
        "(.xlsx)' or CSV",
    ),
    (b"\x89PNG", "an image", "Upload the data file rather than a picture of it"),
    (b"\xff\xd8\xff", "an image", "Upload the data file rather than a picture of it"),
    (b"\x1f\x8b", "a gzip archive", "Unpack it and upload the file inside"),
)


@dataclass
class Table:
    """A file read into a table, with what it was and notes for the report."""

    frame: pd.DataFrame
    format: str
    notes: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def column_key(raw: object) -> str:
    """Return a header as a lower-case snake_case key, before synonyms."""
    key = str(raw).strip().lower().replace("\ufeff", "")
    return "_".join(key.replace("-", " ").replace("/", " ").replace(".", " ").split())


def normalise_columns(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Lower-case column names, map common synonyms, refuse ambiguous duplicates."""
    return _normalise(table, name)[0]


def _normalise(table: pd.DataFrame, name: str) -> tuple[pd.DataFrame, dict[str, str]]:
    raw_keys = [column_key(c) for c in table.columns]
    present = set(raw_keys)
    keys = [
        SYNONYMS[k] if k in SYNONYMS and SYNONYMS[k] not in present else k
        for k in raw_keys
    ]
    seen: dict[str, str] = {}
    for raw, key in zip(table.columns, keys, strict=True):
        if key in seen and key != "geometry":
            raise InputDataError(
                f"{name}: columns '{seen[key]}' and '{raw}' both mean '{key}'. "
                "Keep one of them and remove the other."
            )
        seen[key] = str(raw)
    return table.set_axis(keys, axis=1), seen


def _sniff_content(name: str, data: bytes, suffix: str) -> None:
    """Refuse files whose bytes show another type than their name says."""
    for magic, what, fix in _SIGNATURES:
        if data.startswith(magic):
            raise InputDataError(
                f"{name}: this file is {what}, not a data table. {fix}."
            )
    if data.startswith(b"PK\x03\x04") and suffix not in EXCEL_SUFFIXES | {".zip"}:
        members = open_zip(name, data).namelist()
        if "xl/workbook.xml" in members:
            what, fix = "an Excel workbook", "rename it to end in .xlsx"
        elif "content.xml" in members:
            what, fix = "an OpenDocument spreadsheet", "save it as .xlsx or CSV"
        else:
            what, fix = "a zip archive", "rename it to end in .zip"
        raise InputDataError(
            f"{name}: the name says '{suffix or 'no type'}' but the file is {what}; "
            f"{fix} and upload it again."
        )
    if data.startswith(b"SQLite format 3\x00") and suffix != ".gpkg":
        raise InputDataError(
            f"{name}: the file is a GeoPackage/SQLite database; rename it to end in "
            ".gpkg and upload it again."
        )


def load_table(name: str, data: bytes) -> Table:
    """Read a CSV/TSV, Excel sheet, GeoJSON, GeoPackage layer or zipped shapefile.

    ``name`` may end in ``#part`` to pick an Excel sheet (``book.xlsx#Cases``), a
    GeoPackage layer (``gis.gpkg#incidents``) or a shapefile in a zip
    (``layers.zip#wards``); without it the first sheet, the only layer or the only
    shapefile is read.
    """
    file_name, part = split_part(name)
    if len(data) > MAX_BYTES:
        raise InputDataError(
            f"{name}: the file is {len(data) / 1e6:.0f} MB; the limit is "
            f"{MAX_BYTES / 1e6:.0f} MB. Split it by year or area."
        )
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in TEXT_SUFFIXES | GEO_SUFFIXES | EXCEL_SUFFIXES:
        raise InputDataError(_unaccepted(name, suffix))
    if not data[:4096].strip() and not data.strip():  # look further only if need be
        raise InputDataError(f"{name}: the file is empty. Export the data again.")
    _sniff_content(name, data, suffix)
    notes: list[str] = []
    if suffix in TEXT_SUFFIXES:
        frame, description = read_text_table(name, data, tab_default=suffix == ".tsv")
        description = f"{suffix[1:].upper()} ({description})"
    elif suffix in GEO_SUFFIXES:
        frame, description, notes = read_layer(name, data, part, suffix)
    else:
        if not data.startswith(b"PK\x03\x04"):
            raise InputDataError(
                f"{name}: this is not an Excel workbook (the file's content is not "
                ".xlsx). If it is CSV text, rename it to end in .csv."
            )
        frame, description, notes = read_sheet(name, data, part)
    if len(frame) == 0:
        what = (
            "the layer has no features"
            if suffix in GEO_SUFFIXES
            else ("the file has a header but no rows")
        )
        raise InputDataError(f"{name}: {what}. Export the data again.")
    frame, headers = _normalise(frame, name)
    log.info("%s: %s, %d rows", name, description, len(frame))
    return Table(frame=frame, format=description, notes=notes, headers=headers)


def _unaccepted(name: str, suffix: str) -> str:
    hints = {
        ".xls": "Open it in Excel and save it as 'Excel Workbook (.xlsx)' or CSV.",
        ".ods": "Save it as .xlsx or CSV.",
        ".shp": "A shapefile needs its .shx, .dbf and .prj parts: zip them together "
        "and upload the .zip.",
    }
    accepted = ", ".join(sorted(TEXT_SUFFIXES | GEO_SUFFIXES | EXCEL_SUFFIXES))
    hint = hints.get(suffix, f"Use one of: {accepted}.")
    return f"{name}: files of type '{suffix or 'none'}' are not accepted. {hint}"


def read_table(name: str, data: bytes) -> pd.DataFrame:
    """Read a CSV, TSV, Excel, GeoJSON, GeoPackage or zipped-shapefile file's bytes.

    Returns
    -------
    DataFrame or GeoDataFrame
        Text columns as strings with normalised lower-case names; geographic files
        keep their geometry and CRS.
    """
    return load_table(name, data).frame


def list_parts(name: str, data: bytes) -> list[str]:
    """Return the sheets of a workbook or the layers of a GeoPackage (else ``[]``).

    A front door can offer these and pass the choice as ``name#part``.
    """
    suffix = PurePath(split_part(name)[0]).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return sheet_names(name, data)
    if suffix == ".gpkg":
        return layer_names(name, data)
    return []
