"""Read partners' files into canonical frames, counting every dropped row."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import PurePath

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.archive import expand_archives, split_part
from geodata.crs import BNG
from geodata.dates import Parsed, apply_clock, parse_dates
from geodata.errors import InputDataError
from geodata.location import (
    clip_to_area,
    locate_rows,
    points_frame,
    require_location,
    start_locating,
    xy_frame,
)
from geodata.points import PAIRS
from geodata.postcodes import PostcodeTable, read_postcode_table
from geodata.privacy import refuse_personal
from geodata.report import FileReport
from geodata.tables import Table, column_key, load_table

log = logging.getLogger(__name__)

Source = tuple[str, bytes]

_POLICE_HEADER = {
    "crime_id",
    "month",
    "reported_by",
    "falls_within",
    "longitude",
    "latitude",
    "crime_type",
}
_COORDINATES = [c for pair in PAIRS for c in pair]
_KEEP = {
    "incidents": [
        "date",
        "time",
        "date_end",
        "time_end",
        "category",
        "source",
        "postcode",
        *_COORDINATES,
    ],
    "contacts": ["date", "time", "young_people", "postcode", *_COORDINATES],
    "places": ["name", "category", "opening_hours", "postcode", *_COORDINATES],
}


def _require(loaded: Table, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in loaded.frame.columns]
    if missing:
        found = ", ".join(list(loaded.headers.values())[:12])
        need = ", ".join(missing)
        raise InputDataError(
            f"{name}: missing column(s) {need}. Found: {found}. Add the missing "
            "column(s) or rename yours (see README, 'Input formats')."
        )


def _is_police(loaded: Table) -> bool:
    return {column_key(h) for h in loaded.headers.values()} >= _POLICE_HEADER


def _repeated_rows(columns: list[pd.Series]) -> np.ndarray:
    """Mark rows equal in every column to an earlier row.

    Each column is factorised and the codes combined into one integer key per
    row. Only rows whose key so far is shared by another row can still repeat
    one, so each later column is factorised on those rows alone: on most exports
    the date, time and category already tell rows apart and the coordinates,
    the costliest columns, are hashed for a few rows (1.5 -> 0.5 s at a million).
    """
    n = len(columns[0]) if columns else 0
    rows = np.arange(n)
    key = np.zeros(n, dtype=np.int64)
    for column in columns:
        if len(rows) < n:
            column = column.take(rows)
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        key, _ = pd.factorize(key * (len(uniques) + 1) + (codes + 1))
        shared = pd.Series(key).duplicated(keep=False).to_numpy()
        rows, key = rows[shared], key[shared]
        if not len(rows):
            break
    repeated = np.zeros(n, dtype=bool)
    repeated[rows[pd.Series(key).duplicated().to_numpy()]] = True
    return repeated


def _all_blank(columns: list[pd.Series]) -> np.ndarray:
    """Mark rows where every column is empty or white space.

    A column is checked only on the rows still blank in the columns before it.
    """
    n = len(columns[0]) if columns else 0
    rows = np.arange(n)
    for column in columns:
        if not len(rows):
            break
        if len(rows) < n:
            column = column.take(rows)
        rows = rows[(column.str.strip() == "").to_numpy()]
    blank = np.zeros(n, dtype=bool)
    blank[rows] = True
    return blank


def _screen(loaded: Table, report: FileReport, police: bool) -> np.ndarray:
    """Count blank and exact-duplicate rows; return the rows still kept."""
    table = loaded.frame
    columns = [table[c].astype(str) for c in table.columns if c != "geometry"]
    blank = _all_blank(columns)
    if isinstance(table, gpd.GeoDataFrame):
        blank = blank & table.geometry.isna().to_numpy()
        columns.append(pd.Series(shapely.to_wkb(table.geometry.to_numpy())))
    report.drop("blank row", blank)
    duplicate = _repeated_rows(columns) & ~blank
    if police:
        # police.uk lists each anti-social-behaviour report as its own row without
        # an ID: identical rows there are separate reports, not copies.
        anonymous = (table["crime_id"].astype(str).str.strip() == "").to_numpy()
        kept = int((duplicate & anonymous).sum())
        if kept:
            report.notes.append(
                f"{kept} rows without a Crime ID repeat another row; kept, since "
                "police.uk lists each anti-social-behaviour report separately"
            )
        duplicate = duplicate & ~anonymous
    report.drop("duplicate row", duplicate)
    return ~blank & ~duplicate


def _tidied_categories(
    column: pd.Series, tidy: Callable[[pd.Series], pd.Series]
) -> pd.Categorical:
    """Return ``tidy(column)`` as a categorical with sorted categories.

    ``tidy`` (element-wise text clean-up) runs on the distinct values only, not
    on every row: at a million rows 0.3 s of string work becomes a few
    microseconds. Missing values stay missing.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    tidied = tidy(pd.Series(uniques, dtype=column.dtype)).to_numpy(dtype=object)
    present = pd.notna(tidied)
    categories = pd.Index(np.unique(tidied[present].astype(str)), dtype="str")
    remap = np.full(len(uniques) + 1, -1, dtype=np.int64)
    remap[:-1][present] = categories.get_indexer(tidied[present].astype(str))
    return pd.Categorical.from_codes(remap[codes], categories=categories)


def _without_unused(column: pd.Series) -> pd.Series:
    """Drop categories no row uses (left by dropped rows); a quick count first."""
    codes = column.cat.codes.to_numpy()
    used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories))
    return column if used.all() else column.cat.remove_unused_categories()


def _refuse_all_bad(
    name: str, column: str, raw: pd.Series, keep: np.ndarray, good: np.ndarray
) -> None:
    if keep.any() and not (keep & good).any():
        filled = raw[keep & (raw.astype(str).str.strip() != "").to_numpy()]
        example = (
            f" (e.g. '{str(filled.iloc[0])[:40]}')" if len(filled) else " (all empty)"
        )
        raise InputDataError(
            f"{name}: none of the values in column '{column}' could be read as a "
            f"date{example}. Write dates as 25/12/2025, 25/12/2025 21:30 or 2025-12-25."
        )


def _window_end(
    table: pd.DataFrame, name: str, loaded: Table, parsed: Parsed, report: FileReport
) -> pd.Series:
    """Return the end of each record's from-to window (NaT where not given).

    An end before the start, or without a time when the start has one, is not a
    window: it is left empty and counted in a note, never guessed.
    """
    blank = table["date_end"].astype(str).str.strip().isin(["", "nan"])
    if blank.all():
        return pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]")
    given = table.loc[~blank]
    end = parse_dates(
        given["date_end"], name, loaded.headers.get("date_end", "date_end")
    )
    if "time_end" in given.columns:
        end = apply_clock(end, given["time_end"])
    end_when = end.when.reindex(table.index)
    end_timed = end.has_time.reindex(table.index, fill_value=False).astype(bool)
    usable = ~blank & end_timed & parsed.has_time & (end_when >= parsed.when)
    unusable = int((~blank & ~usable).sum())
    if unusable:
        report.notes.append(
            f"{unusable} row(s) have an end date and time that is missing, "
            "unreadable or before the start: their time window is ignored."
        )
    return end_when.where(usable)


def _read_events(
    source: Source,
    kind: str,
    area: shapely.Geometry | None,
    postcodes: PostcodeTable | None,
) -> tuple[pd.DataFrame, FileReport]:
    name, data = source
    loaded = load_table(name, data)
    police = _is_police(loaded)
    refuse_personal(loaded.frame, name, loaded.headers)
    table = loaded.frame
    needed = ["date", "category"] if kind == "incidents" else ["date"]
    _require(loaded, name, needed)
    report = FileReport(
        file=name,
        kind=kind,
        rows_read=len(table),
        format="police.uk street-level CSV" if police else loaded.format,
        notes=list(loaded.notes),
    )
    require_location(loaded, name)
    located = start_locating(table, name)  # beside the checks below
    keep = _screen(loaded, report, police)
    kept_columns = [c for c in _KEEP[kind] if c in table.columns]
    if police:
        kept_columns.append("crime_id")
    if isinstance(table, gpd.GeoDataFrame):
        kept_columns.append("geometry")
    table = loaded.frame = table[kept_columns]  # only what the analysis needs
    parsed = parse_dates(table["date"], name, loaded.headers.get("date", "date"))
    if "time" in table.columns:
        parsed = apply_clock(parsed, table["time"])
    report.notes.extend(parsed.notes)
    dated = parsed.when.notna().to_numpy()
    _refuse_all_bad(
        name, loaded.headers.get("date", "date"), table["date"], keep, dated
    )
    report.drop("unparseable date", keep & ~dated)
    keep &= dated
    columns: dict[str, pd.Series] = {
        "when": parsed.when,
        "has_day": parsed.has_day,
        "has_time": parsed.has_time & parsed.has_day,
    }
    if kind == "incidents" and "date_end" in table.columns:
        columns["when_end"] = _window_end(table, name, loaded, parsed, report)
    if kind == "incidents":
        category = _tidied_categories(
            table["category"], lambda v: v.astype(str).str.strip().str.lower()
        )
        empty = category.categories.get_indexer([""])[0]  # -1: no blank category
        blank = category.codes == empty if empty >= 0 else np.zeros(len(table), bool)
        report.drop("no category", keep & blank)
        keep &= ~blank
        columns["category"] = pd.Series(category, index=table.index)
        default_source = "police.uk" if police else name
        if "source" in table.columns:
            source = _tidied_categories(
                table["source"],
                lambda v: v.astype(str).str.strip().replace("", default_source),
            )
        else:
            source = pd.Categorical.from_codes(
                np.zeros(len(table), np.int8), categories=[default_source]
            )
        columns["source"] = pd.Series(source, index=table.index)
    else:
        people = pd.Series(1, index=table.index, dtype="int64")
        if "young_people" in table.columns:
            given = pd.to_numeric(table["young_people"], errors="coerce")
            bad = (given.isna() | (given < 0) | (given % 1 != 0)).to_numpy()
            report.drop("young people not a number", keep & bad)
            keep &= ~bad
            people = given.fillna(0).astype("int64")
        columns["young_people"] = people
    x, y, keep = locate_rows(
        table, name, report, keep, postcodes, allow_areas=False, located=located
    )
    # The raw text columns: free them before the frame is built.
    del table, loaded, parsed, located
    keep = clip_to_area(x, y, keep, area, report)
    # Incidents only ever go on as coordinates (cells, contexts, periods): no
    # point objects for them. Contacts stay points for the outreach reach tests.
    make = xy_frame if kind == "incidents" else points_frame
    frame = make(columns, x, y, keep)
    report.rows_kept = int(keep.sum())
    if kind == "incidents":
        for column in ("category", "source"):
            frame[column] = _without_unused(frame[column])
    return frame, report


def _postcode_table(postcodes: Source | None) -> PostcodeTable | None:
    return None if postcodes is None else read_postcode_table(postcodes)


def _read_many(
    sources: Sequence[Source],
    kind: str,
    area: gpd.GeoDataFrame | None,
    postcodes: Source | None,
) -> tuple[pd.DataFrame, list[FileReport]]:
    mask = None if area is None else shapely.union_all(area.geometry.to_numpy())
    if mask is not None:
        shapely.prepare(mask)
    table = _postcode_table(postcodes)
    frames, reports = [], []
    for source in expand_archives(sources):
        frame, report = _read_events(source, kind, mask, table)
        frames.append(frame)
        reports.append(report)
        log.info(
            "%s: read %d rows, kept %d, dropped %s",
            report.file,
            report.rows_read,
            report.rows_kept,
            report.dropped,
        )
    if not frames:
        return _empty(kind), reports
    if len(frames) == 1:
        return frames[0], reports  # already categorical and indexed from 0
    if kind == "incidents":
        # One shared set of categories, so the files concatenate as categoricals
        # (with different sets pandas falls back to a string per row).
        for col in ("category", "source"):
            union = sorted(set().union(*(f[col].cat.categories for f in frames)))
            frames = [
                f.assign(**{col: f[col].cat.set_categories(union)}) for f in frames
            ]
    combined = pd.concat(frames, ignore_index=True)
    if kind == "incidents":
        return combined, reports
    return gpd.GeoDataFrame(combined, geometry="geometry", crs=BNG), reports


def _empty(kind: str) -> pd.DataFrame:
    if kind == "incidents":
        columns = ["when", "has_day", "has_time", "category", "source", "x", "y"]
        return pd.DataFrame({c: [] for c in columns})
    cols = ["when", "has_day", "has_time", "young_people"]
    return gpd.GeoDataFrame(pd.DataFrame({c: [] for c in cols}), geometry=[], crs=BNG)


def read_incidents(
    sources: Sequence[Source],
    *,
    area: gpd.GeoDataFrame | None = None,
    postcodes: Source | None = None,
) -> tuple[pd.DataFrame, list[FileReport]]:
    """Read incident files into one canonical frame.

    Parameters
    ----------
    sources
        ``(file name, bytes)`` pairs; a name may end in ``#sheet`` or ``#layer``,
        and a zip of data files counts as its members.
    area
        Study-area polygons; rows outside are dropped and counted.
    postcodes
        OS Code-Point Open or ONS Postcode Directory table used to locate rows
        that have a ``postcode`` (unit or sector) but no coordinates.

    Returns
    -------
    DataFrame, list of FileReport
        Columns ``when`` (datetime), ``has_day`` (bool, False for month-only
        dates), ``has_time`` (bool), ``category`` (lower-case categorical),
        ``source`` (categorical), ``x`` and ``y`` (float, EPSG:27700 metres); also
        ``when_end`` (datetime, NaT where no window) when a file gives
        ``date_end``. A plain DataFrame, not points: incidents only ever go on as
        coordinates, and a million point objects cost 0.9 s and 100 MB
        (``geodata.points.point_xy`` reads either). One report per file.
    """
    return _read_many(sources, "incidents", area, postcodes)


def read_contacts(
    sources: Sequence[Source],
    *,
    area: gpd.GeoDataFrame | None = None,
    postcodes: Source | None = None,
) -> tuple[gpd.GeoDataFrame, list[FileReport]]:
    """Read outreach contacts: ``when``, ``has_day``, ``has_time``, ``young_people``."""
    return _read_many(sources, "contacts", area, postcodes)


def read_places(
    sources: Sequence[Source], kind: str, *, postcodes: Source | None = None
) -> tuple[gpd.GeoDataFrame, list[FileReport]]:
    """Read services or community spaces.

    Places are organisations, so contact columns are not refused, only dropped.
    Areas (e.g. parks drawn as polygons) are placed at a point inside them.

    Returns
    -------
    GeoDataFrame, list of FileReport
        Columns ``name``, ``category`` (lower-case), ``opening_hours`` (str, may be
        empty), Point ``geometry``; CRS EPSG:27700.
    """
    table_pc = _postcode_table(postcodes)
    frames, reports = [], []
    for name, data in expand_archives(sources):
        loaded = load_table(name, data)
        table = loaded.frame
        _require(loaded, name, ["name", "category"])
        report = FileReport(
            file=name,
            kind=kind,
            rows_read=len(table),
            format=loaded.format,
            notes=list(loaded.notes),
        )
        require_location(loaded, name)
        keep = _screen(loaded, report, police=False)
        extra = ["geometry"] if isinstance(table, gpd.GeoDataFrame) else []
        table = table[[c for c in _KEEP["places"] if c in table.columns] + extra]
        label = table["name"].astype(str).str.strip()
        unnamed = (label == "").to_numpy()
        report.drop("no name", keep & unnamed)
        keep &= ~unnamed
        hours = (
            table["opening_hours"].astype(str).str.strip()
            if "opening_hours" in table.columns
            else pd.Series("", index=table.index)
        )
        columns = {
            "name": label,
            "category": table["category"].astype(str).str.strip().str.lower(),
            "opening_hours": hours.replace("nan", ""),
        }
        x, y, keep = locate_rows(table, name, report, keep, table_pc, allow_areas=True)
        frames.append(points_frame(columns, x, y, keep))
        report.rows_kept = int(keep.sum())
        reports.append(report)
    if not frames:
        empty = pd.DataFrame({"name": [], "category": [], "opening_hours": []})
        return gpd.GeoDataFrame(empty, geometry=[], crs=BNG), reports
    combined = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(combined, geometry="geometry", crs=BNG), reports


def read_area(source: Source) -> gpd.GeoDataFrame:
    """Read study-area or boundary polygons (GeoJSON, GeoPackage, zipped shapefile).

    Returns
    -------
    GeoDataFrame
        The file's attribute columns and (Multi)Polygon ``geometry``; EPSG:27700.
    """
    name, data = source
    suffix = PurePath(split_part(name)[0]).suffix.lower()
    if suffix not in {".geojson", ".json", ".gpkg", ".zip"}:
        raise InputDataError(
            f"{name}: a study area must be a GeoJSON, GeoPackage or zipped "
            "shapefile of polygons."
        )
    table = load_table(name, data).frame
    polygons = table[table.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        raise InputDataError(
            f"{name}: no polygons found "
            f"(found {sorted(set(table.geom_type.dropna()))}). "
            "Give the study area as polygons, e.g. LSOA or ward boundaries."
        )
    return polygons.to_crs(BNG).reset_index(drop=True)
