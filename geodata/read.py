"""Read partners' files into canonical GeoDataFrames, counting every dropped row."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.crs import BNG
from geodata.errors import InputDataError
from geodata.points import locate, point_array
from geodata.tables import read_table

log = logging.getLogger(__name__)

Source = tuple[str, bytes]

# Column names that suggest personal data about an individual; refused outright.
_PERSONAL = re.compile(
    r"^(name|full_?name|first_?name|forename|surname|last_?name|dob|date_of_birth|"
    r"birth_?date|age|address|address_?line.*|street_address|home_address|phone|"
    r"telephone|mobile|tel|email|e_?mail|email_address|nhs|nhs_?(no|number)|"
    r"ni_?number|upn|child_?id|person_?id|pupil_?id)$"
)


@dataclass
class FileReport:
    """Rows read, kept and dropped by reason for one file."""

    file: str
    kind: str
    rows_read: int = 0
    rows_kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def drop(self, reason: str, mask: np.ndarray) -> None:
        """Count rows dropped for ``reason`` (only reasons that occurred)."""
        count = int(np.count_nonzero(mask))
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + count

    def as_dict(self) -> dict:
        """Return a JSON-serialisable record."""
        return {
            "file": self.file,
            "kind": self.kind,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "dropped": dict(self.dropped),
            "notes": list(self.notes),
        }


def _refuse_personal(table: pd.DataFrame, name: str) -> None:
    personal = [c for c in table.columns if _PERSONAL.match(str(c))]
    if personal:
        cols = ", ".join(f"'{c}'" for c in personal)
        raise InputDataError(
            f"{name}: column(s) {cols} look like personal data about individuals. "
            "The planner only needs date, time, category and location: delete "
            "those columns from the file and upload it again."
        )


def _require(table: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        found = ", ".join(str(c) for c in table.columns[:12])
        need = ", ".join(missing)
        raise InputDataError(
            f"{name}: missing column(s) {need}. Found: {found}. Add the missing "
            "column(s) or rename yours (see README, 'Input formats')."
        )


def _parse_when(table: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return (datetime, has_day, has_time) from ``date`` and optional ``time``.

    A police.uk-style month ("2019-01") has neither a day nor a time.
    """
    raw = table["date"].astype(str).str.strip()
    when = pd.to_datetime(raw, format="ISO8601", errors="coerce")
    retry = when.isna() & (raw != "")
    if retry.any():
        when[retry] = pd.to_datetime(raw[retry], dayfirst=True, errors="coerce")
    has_day = ~raw.str.fullmatch(r"\d{4}-\d{1,2}")
    has_time = raw.str.contains(":", regex=False)
    if "time" in table.columns:
        clock = table["time"].astype(str).str.strip()
        parsed = pd.to_datetime(clock, format="%H:%M", errors="coerce")
        given = parsed.notna()
        offset = pd.to_timedelta(parsed.dt.hour * 60 + parsed.dt.minute, unit="min")
        when = when.where(~given, when.dt.normalize() + offset)
        has_time = has_time | given
    return when, has_day, has_time & has_day


def _points_frame(
    table: pd.DataFrame,
    name: str,
    report: FileReport,
    keep: np.ndarray,
    columns: dict[str, pd.Series],
    area: shapely.Geometry | None,
) -> gpd.GeoDataFrame:
    if isinstance(table, gpd.GeoDataFrame):
        geo = table.to_crs(BNG)
        is_point = (geo.geom_type == "Point").to_numpy()
        if not is_point[~geo.geometry.isna().to_numpy()].all():
            raise InputDataError(
                f"{name}: the layer holds {sorted(set(geo.geom_type.dropna()))} "
                "geometries; point locations are needed."
            )
        x = np.where(is_point, geo.geometry.x, np.nan)
        y = np.where(is_point, geo.geometry.y, np.nan)
        outside_gb = np.zeros(len(table), bool)
    else:
        x, y, outside_gb = locate(table, name)
    no_location = ~np.isfinite(x) | ~np.isfinite(y)
    report.drop("outside Great Britain", keep & outside_gb)
    report.drop("no location", keep & no_location & ~outside_gb)
    keep = keep & ~no_location
    if area is not None:
        inside = np.zeros(len(table), bool)
        inside[keep] = shapely.contains_xy(area, x[keep], y[keep])
        report.drop("outside the study area", keep & ~inside)
        keep = keep & inside
    frame = pd.DataFrame({k: v[keep].to_numpy() for k, v in columns.items()})
    report.rows_kept = int(keep.sum())
    return gpd.GeoDataFrame(
        frame, geometry=point_array(x[keep], y[keep]), crs=BNG
    ).reset_index(drop=True)


def _read_events(
    source: Source, kind: str, area: shapely.Geometry | None
) -> tuple[gpd.GeoDataFrame, FileReport]:
    name, data = source
    table = read_table(name, data)
    _refuse_personal(table, name)
    needed = ["date", "category"] if kind == "incidents" else ["date"]
    _require(table, name, needed)
    report = FileReport(file=name, kind=kind, rows_read=len(table))
    when, has_day, has_time = _parse_when(table)
    keep = np.ones(len(table), bool)
    undated = when.isna().to_numpy()
    report.drop("unparseable date", undated)
    keep &= ~undated
    columns: dict[str, pd.Series] = {
        "when": when,
        "has_day": has_day,
        "has_time": has_time,
    }
    if kind == "incidents":
        category = table["category"].astype(str).str.strip().str.lower()
        blank = (category == "").to_numpy()
        report.drop("no category", keep & blank)
        keep &= ~blank
        columns["category"] = category
        default_source = "police.uk" if "crime_id" in table.columns else name
        if "source" in table.columns:
            src = table["source"].astype(str).str.strip()
            columns["source"] = src.where(src != "", default_source)
        else:
            columns["source"] = pd.Series(default_source, index=table.index)
    else:
        people = pd.Series(1, index=table.index, dtype="int64")
        if "young_people" in table.columns:
            given = pd.to_numeric(table["young_people"], errors="coerce")
            bad = (given.isna() | (given < 0)).to_numpy()
            report.drop("young people not a number", keep & bad)
            keep &= ~bad
            people = given.fillna(0).astype("int64")
        columns["young_people"] = people
    frame = _points_frame(table, name, report, keep, columns, area)
    if kind == "incidents":
        frame["category"] = frame["category"].astype("category")
        frame["source"] = frame["source"].astype("category")
    return frame, report


def _read_many(
    sources: Sequence[Source], kind: str, area: gpd.GeoDataFrame | None
) -> tuple[gpd.GeoDataFrame, list[FileReport]]:
    mask = None if area is None else shapely.union_all(area.geometry.to_numpy())
    if mask is not None:
        shapely.prepare(mask)
    frames, reports = [], []
    for source in sources:
        frame, report = _read_events(source, kind, mask)
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
    combined = pd.concat(frames, ignore_index=True)
    if kind == "incidents":
        for col in ("category", "source"):
            combined[col] = combined[col].astype(str).astype("category")
    return gpd.GeoDataFrame(combined, geometry="geometry", crs=BNG), reports


def _empty(kind: str) -> gpd.GeoDataFrame:
    cols = {
        "incidents": ["when", "has_day", "has_time", "category", "source"],
        "contacts": ["when", "has_day", "has_time", "young_people"],
    }[kind]
    return gpd.GeoDataFrame(pd.DataFrame({c: [] for c in cols}), geometry=[], crs=BNG)


def read_incidents(
    sources: Sequence[Source], *, area: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, list[FileReport]]:
    """Read incident files into one canonical frame.

    Returns
    -------
    GeoDataFrame, list of FileReport
        Columns ``when`` (datetime), ``has_day`` (bool, False for month-only
        dates), ``has_time`` (bool), ``category``
        (lower-case categorical), ``source`` (categorical), Point ``geometry``;
        CRS EPSG:27700. One report per file.
    """
    return _read_many(sources, "incidents", area)


def read_contacts(
    sources: Sequence[Source], *, area: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, list[FileReport]]:
    """Read outreach contacts: ``when``, ``has_day``, ``has_time``, ``young_people``."""
    return _read_many(sources, "contacts", area)


def read_places(
    sources: Sequence[Source], kind: str
) -> tuple[gpd.GeoDataFrame, list[FileReport]]:
    """Read services or community spaces.

    Returns
    -------
    GeoDataFrame, list of FileReport
        Columns ``name``, ``category`` (lower-case), ``opening_hours`` (str, may be
        empty), Point ``geometry``; CRS EPSG:27700.
    """
    frames, reports = [], []
    for name, data in sources:
        table = read_table(name, data)
        _require(table, name, ["name", "category"])
        report = FileReport(file=name, kind=kind, rows_read=len(table))
        label = table["name"].astype(str).str.strip()
        unnamed = (label == "").to_numpy()
        report.drop("no name", unnamed)
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
        frames.append(_points_frame(table, name, report, ~unnamed, columns, None))
        reports.append(report)
    if not frames:
        empty = pd.DataFrame({"name": [], "category": [], "opening_hours": []})
        return gpd.GeoDataFrame(empty, geometry=[], crs=BNG), reports
    combined = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(combined, geometry="geometry", crs=BNG), reports


def read_area(source: Source) -> gpd.GeoDataFrame:
    """Read study-area or boundary polygons.

    Returns
    -------
    GeoDataFrame
        The file's attribute columns and (Multi)Polygon ``geometry``; EPSG:27700.
    """
    name, data = source
    if PurePath(name).suffix.lower() not in {".geojson", ".json", ".gpkg"}:
        raise InputDataError(
            f"{name}: a study area must be a GeoJSON or GeoPackage of polygons."
        )
    table = read_table(name, data)
    polygons = table[table.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        raise InputDataError(
            f"{name}: no polygons found (found {sorted(set(table.geom_type))}). "
            "Give the study area as polygons, e.g. LSOA or ward boundaries."
        )
    return polygons.to_crs(BNG).reset_index(drop=True)
