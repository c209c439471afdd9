"""Context layers: LSOA or ward boundaries and Welsh Index of Multiple Deprivation."""

from __future__ import annotations

import logging
import re
from pathlib import PurePath

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.archive import split_part
from geodata.crs import BNG
from geodata.errors import InputDataError
from geodata.tables import list_parts, load_table

log = logging.getLogger(__name__)

Source = tuple[str, bytes]

# Area-code columns in order of preference, with the unit each one means.
_CODE_COLUMNS = (
    (r"lsoa\d{2}_?cd|lsoa\d{0,2}_?code|lsoa_?id", "LSOA"),
    (r"wd\d{2}_?cd|ward_?\d{0,4}_?code|ward_?cd", "ward"),
    (r"msoa\d{2}_?cd|msoa\d{0,2}_?code", "MSOA"),
    (r"lad\d{2}_?cd|la_?code|lad_?code|local_authority_code", "local authority"),
    (r"area_?code|areacd|geo_?code|code", "area"),
)
_NAME_SUFFIXES = (r"nm", r"_?name", r"nm_?en", r"_?name_?(\(?eng\)?)")
_LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
_RANK = re.compile(
    r"^(wimd_?(\d{4})?_?(overall_?)?(rank|index)?(_wimd)?|wimd_?rank_?wimd|overall_?rank)$"
)
_GROUPS = re.compile(r"decile|quintile|quartile")
_DOMAINS = (
    ("income_rank", r"income|_inc$"),
    ("employment_rank", r"employment|_emp$"),
    ("health_rank", r"health|_heal$"),
    ("education_rank", r"education|_educ$"),
    ("access_to_services_rank", r"access|_ats$"),
    ("housing_rank", r"housing|_hous$"),
    ("community_safety_rank", r"community_safety|_cs$"),
    ("physical_environment_rank", r"physical|_pe$"),
)


def _find_code(columns: list[str]) -> tuple[str, str] | None:
    for pattern, unit in _CODE_COLUMNS:
        for column in columns:
            if re.fullmatch(pattern, column):
                return column, unit
    return None


def _find_name(columns: list[str], code: str) -> str | None:
    stem = re.sub(r"(_?cd|_?code|_?id)$", "", code)
    for suffix in _NAME_SUFFIXES:
        for column in columns:
            if re.fullmatch(re.escape(stem) + suffix, column):
                return column
    return "name" if "name" in columns else None


def read_boundaries(source: Source) -> gpd.GeoDataFrame:
    """Read LSOA, ward, MSOA or local-authority polygons with their code and name.

    The code column is detected from its name (``LSOA11CD``, ``LSOA21CD``,
    ``lsoa_code``, ``WD13CD``, ``MSOA11CD``, ``LAD13CD`` ...), the name column from
    the matching ``..NM``/``.._name``. Rows sharing a code are merged.

    Returns
    -------
    GeoDataFrame
        Columns ``code``, ``name`` (the code where no name column exists) and
        (Multi)Polygon ``geometry``; CRS EPSG:27700, one row per code.
    """
    name, data = source
    suffix = PurePath(split_part(name)[0]).suffix.lower()
    if suffix not in {".geojson", ".json", ".gpkg", ".zip"}:
        raise InputDataError(
            f"{name}: boundaries must be a GeoJSON, GeoPackage or zipped shapefile."
        )
    table = load_table(name, data).frame
    columns = [str(c) for c in table.columns]
    found = _find_code(columns)
    if found is None:
        raise InputDataError(
            f"{name}: no area-code column. Found: {', '.join(columns[:12])}. Give "
            "boundaries with a code column such as LSOA11CD, LSOA21CD or WD13CD."
        )
    code, unit = found
    label = _find_name(columns, code)
    polygons = table[table.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        raise InputDataError(
            f"{name}: no polygons found. Boundaries must be areas, not points or lines."
        )
    dropped = len(table) - len(polygons)
    if dropped:
        log.warning("%s: ignored %d features that are not polygons", name, dropped)
    frame = gpd.GeoDataFrame(
        {
            "code": polygons[code].astype(str).str.strip().to_numpy(),
            "name": polygons[label if label else code]
            .astype(str)
            .str.strip()
            .to_numpy(),
        },
        geometry=polygons.geometry.to_numpy(),
        crs=polygons.crs,
    ).to_crs(BNG)
    if frame["code"].duplicated().any():
        frame = frame.dissolve(by="code", aggfunc="first", as_index=False)[
            ["code", "name", "geometry"]
        ]
    log.info("%s: %d %s areas (code column '%s')", name, len(frame), unit, code)
    return frame.reset_index(drop=True)


def _wimd_columns(table: pd.DataFrame) -> tuple[str, str] | None:
    columns = [str(c) for c in table.columns]
    code = next((c for c in columns if re.fullmatch(_CODE_COLUMNS[0][0], c)), None)
    rank = next((c for c in columns if _RANK.match(c) and not _GROUPS.search(c)), None)
    return (code, rank) if code and rank else None


def _load_wimd(name: str, data: bytes) -> pd.DataFrame:
    suffix = PurePath(split_part(name)[0]).suffix.lower()
    candidates = [name]
    if suffix in {".xlsx", ".xlsm"} and split_part(name)[1] is None:
        candidates = [f"{name}#{sheet}" for sheet in list_parts(name, data)]
    for candidate in candidates:
        table = load_table(candidate, data).frame
        if _wimd_columns(table):
            return table
    found = ", ".join(str(c) for c in table.columns[:12])
    raise InputDataError(
        f"{name}: no LSOA code and WIMD rank columns. Found: {found}. Give the WIMD "
        "ranks table with an LSOA code column (e.g. lsoa11cd) and the overall rank "
        "(e.g. wimd2019_rank or 'WIMD 2019')."
    )


def read_wimd(source: Source) -> pd.DataFrame:
    """Read Welsh Index of Multiple Deprivation ranks by LSOA.

    Accepts the Welsh Government workbook (the ranks sheet is found), a CSV of it,
    or a layer with ``lsoa_code`` and ``wimd_rank_*`` columns.

    Returns
    -------
    DataFrame
        ``code`` (LSOA code), ``wimd_rank`` (int, 1 = most deprived),
        ``wimd_decile`` (1-10, computed from the rank when absent) and any domain
        ranks found (``income_rank``, ``employment_rank``, ``health_rank``,
        ``education_rank``, ``access_to_services_rank``, ``housing_rank``,
        ``community_safety_rank``, ``physical_environment_rank``).
    """
    name, data = source
    table = _load_wimd(name, data)
    code, rank = _wimd_columns(table)  # type: ignore[misc]
    out = pd.DataFrame({"code": table[code].astype(str).str.strip()})
    out["wimd_rank"] = pd.to_numeric(table[rank], errors="coerce")
    for target, pattern in _DOMAINS:
        column = next(
            (
                str(c)
                for c in table.columns
                if c not in (code, rank)
                and re.search(pattern, str(c))
                and not _GROUPS.search(str(c))
            ),
            None,
        )
        if column is not None:
            out[target] = pd.to_numeric(table[column], errors="coerce")
    bad = out["wimd_rank"].isna() | (out["wimd_rank"] < 1) | (out["wimd_rank"] % 1 != 0)
    if bad.any():
        example = table[rank][bad.to_numpy()].iloc[0]
        raise InputDataError(
            f"{name}: column '{rank}' should hold whole-number ranks from 1 but has "
            f"'{example}'. Give the ranks table as published."
        )
    if not out["code"].str.match(_LSOA_CODE).any():
        raise InputDataError(
            f"{name}: column '{code}' holds no LSOA codes (such as W01000863)."
        )
    if out["code"].duplicated().any():
        twice = out["code"][out["code"].duplicated()].iloc[0]
        raise InputDataError(
            f"{name}: LSOA {twice} appears twice. Give one row per LSOA."
        )
    decile = next((c for c in table.columns if "decile" in str(c)), None)
    if decile is not None:
        out["wimd_decile"] = pd.to_numeric(table[decile], errors="coerce")
    else:
        out["wimd_decile"] = np.ceil(out["wimd_rank"] * 10 / out["wimd_rank"].max())
    ranks = [c for c in out.columns if c != "code"]
    out[ranks] = out[ranks].astype("Int64")
    log.info("%s: WIMD ranks for %d LSOAs (rank column '%s')", name, len(out), rank)
    return out.reset_index(drop=True)


def join_wimd(boundaries: gpd.GeoDataFrame, wimd: pd.DataFrame) -> gpd.GeoDataFrame:
    """Add WIMD ranks to boundaries by LSOA code.

    Returns
    -------
    GeoDataFrame
        ``boundaries`` with the WIMD columns added (missing where an LSOA has no
        rank, e.g. codes new in 2021 against WIMD 2019); same CRS.

    Raises
    ------
    InputDataError
        When no code matches (boundaries and ranks from different geographies).
    """
    joined = boundaries.merge(wimd, on="code", how="left", validate="one_to_one")
    matched = int(joined["wimd_rank"].notna().sum())
    if matched == 0:
        raise InputDataError(
            "The boundary and WIMD files share no LSOA code (boundaries e.g. "
            f"{boundaries['code'].iloc[0]}, WIMD e.g. {wimd['code'].iloc[0]}). Use "
            "boundaries and ranks of the same LSOA vintage (2011 for WIMD 2019)."
        )
    if matched < len(joined):
        log.warning(
            "WIMD ranks found for %d of %d areas; the others have no rank",
            matched,
            len(joined),
        )
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=boundaries.crs)
