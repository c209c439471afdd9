"""Geocode postcodes and postcode sectors against a table the user supplies."""

from __future__ import annotations

import hashlib
import io
import logging
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.archive import expand_archives
from geodata.crs import lonlat_to_bng
from geodata.errors import InputDataError
from geodata.tables import column_key
from geodata.text import decode

log = logging.getLogger(__name__)

Source = tuple[str, bytes]

_UNIT = r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}"
_SECTOR = r"[A-Z]{1,2}\d[A-Z\d]? \d"
_POSTCODE_COLUMNS = ("postcode", "pcds", "pcd", "pcd2", "pcd7", "pcd8", "pc")
_EAST_COLUMNS = ("eastings", "easting", "oseast1m", "ea", "x")
_NORTH_COLUMNS = ("northings", "northing", "osnrth1m", "no", "y")
_LAT_COLUMNS = ("lat", "latitude")
_LON_COLUMNS = ("long", "lon", "lng", "longitude")
# OS Code-Point Open ships without a header; its documented column order.
CODEPOINT_COLUMNS = ("PC", "PQ", "EA", "NO", "CY", "RH", "LH", "CC", "DC", "WC")
_CACHE: OrderedDict[str, PostcodeTable] = OrderedDict()


@dataclass(frozen=True)
class PostcodeTable:
    """Postcode units and sectors with their BNG position (metres)."""

    units: pd.DataFrame
    sectors: pd.DataFrame
    layout: str


def normalise_postcodes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return canonical unit keys (``'SA1 1AA'``) and sector keys (``'SA1 1'``).

    Case and spacing do not matter for units (``sa11aa``, ``SA1  1AA`` and the
    fixed-width ``SA106AA`` all work); a sector needs its space (``SA1 1``), since
    ``SA11`` is also a district. Each value is at most one of the two (else NA).
    """
    text = values.astype(str).str.upper().str.strip()
    compact = text.str.replace(" ", "", regex=False)
    odd = ~compact.str.isalnum()
    if odd.any():
        compact = compact.where(
            ~odd, compact[odd].str.replace(r"[^A-Z0-9]", "", regex=True)
        )
    is_unit = compact.str.fullmatch(_UNIT).fillna(False).astype(bool)
    unit_key = (compact.str.slice(0, -3) + " " + compact.str.slice(-3)).astype(object)
    sector_key = pd.Series(None, index=values.index, dtype=object)
    rest = text[~is_unit]
    if len(rest):
        spaced = rest.str.replace(r"[^A-Z0-9 ]", "", regex=True)
        spaced = spaced.str.replace(r"\s+", " ", regex=True)
        is_sector = spaced.str.fullmatch(_SECTOR).fillna(False).astype(bool)
        sector_key[rest.index[is_sector.to_numpy()]] = spaced[is_sector].to_numpy()
    return unit_key.where(is_unit, None), sector_key


def _first(columns: list[str], options: tuple[str, ...]) -> str | None:
    return next((c for c in options if c in columns), None)


def _read_part(name: str, data: bytes) -> tuple[pd.DataFrame, str]:
    text, _ = decode(name, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "|"), key=first.count)
    head = first.split(delimiter)
    unit, _ = normalise_postcodes(pd.Series([head[0].strip().strip('"')]))
    if unit.iloc[0] is not None:
        if len(head) < 4:
            raise InputDataError(
                f"{name}: a header-less postcode table must have the OS Code-Point "
                "Open columns (postcode, quality, eastings, northings, ...)."
            )
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            usecols=[0, 2, 3],
            dtype={0: str, 2: "float64", 3: "float64"},
            na_values=[""],
        )
        frame.columns = ["postcode", "easting", "northing"]
        return frame, "OS Code-Point Open (no header)"
    frame = pd.read_csv(
        io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False
    )
    frame.columns = [column_key(c) for c in frame.columns]
    columns = list(frame.columns)
    code = _first(columns, _POSTCODE_COLUMNS)
    east, north = _first(columns, _EAST_COLUMNS), _first(columns, _NORTH_COLUMNS)
    lat, lon = _first(columns, _LAT_COLUMNS), _first(columns, _LON_COLUMNS)
    if code is None or not ((east and north) or (lat and lon)):
        found = ", ".join(columns[:12])
        raise InputDataError(
            f"{name}: not a postcode table. Found: {found}. Give OS Code-Point Open "
            "(as downloaded) or an ONS Postcode Directory CSV with pcds and "
            "lat/long or oseast1m/osnrth1m columns."
        )
    grid = east and north and (frame[east].astype(str).str.strip() != "").any()
    if grid or not (lat and lon):
        out = frame[[code, east, north]].set_axis(
            ["postcode", "easting", "northing"], axis=1
        )
        return out, "postcode table with eastings/northings"
    lat_v = pd.to_numeric(frame[lat], errors="coerce")
    lon_v = pd.to_numeric(frame[lon], errors="coerce")
    # The ONS directory writes 99.999999 / 0 for postcodes without a grid reference.
    unknown = (lat_v > 90) | lat_v.isna() | lon_v.isna()
    x, y = lonlat_to_bng(
        lon_v.where(~unknown).to_numpy(), lat_v.where(~unknown).to_numpy()
    )
    out = pd.DataFrame({"postcode": frame[code], "easting": x, "northing": y})
    return out, "postcode table with latitude/longitude"


def read_postcode_table(source: Source) -> PostcodeTable:
    """Read OS Code-Point Open or an ONS Postcode Directory layout.

    Accepts a CSV (Code-Point's header-less files, or a CSV with a header naming
    ``pcds``/``postcode`` and ``lat``/``long`` or ``oseast1m``/``osnrth1m`` or
    eastings/northings) or a zip of such CSVs (the Code-Point Open download).

    Returns
    -------
    PostcodeTable
        ``units`` indexed by canonical postcode with ``easting``, ``northing``
        (EPSG:27700 metres) and ``sectors`` (mean position of each sector's units).
    """
    name, data = source
    digest = hashlib.sha1(data).hexdigest()
    if digest in _CACHE:
        return _CACHE[digest]
    parts = [
        (member, payload)
        for member, payload in expand_archives([(name, data)])
        if member.lower().endswith((".csv", ".txt")) and "header" not in member.lower()
    ]
    if not parts:
        raise InputDataError(
            f"{name}: no postcode CSV found. Give the CSV file itself."
        )
    frames, layout = [], ""
    for member, payload in parts:
        frame, layout = _read_part(member, payload)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    units, _ = normalise_postcodes(table["postcode"])
    east = pd.to_numeric(table["easting"], errors="coerce")
    north = pd.to_numeric(table["northing"], errors="coerce")
    # Code-Point gives 0,0 to postcodes it cannot place (quality 90).
    finite = np.isfinite(east.to_numpy(float)) & np.isfinite(north.to_numpy(float))
    usable = units.notna() & east.gt(0) & north.gt(0) & finite
    located = pd.DataFrame(
        {"easting": east[usable].to_numpy(), "northing": north[usable].to_numpy()},
        index=pd.Index(units[usable].to_numpy(), name="postcode"),
    )
    located = located[~located.index.duplicated()]
    if located.empty:
        raise InputDataError(
            f"{name}: no postcode in the table has coordinates. Check it is OS "
            "Code-Point Open or the ONS Postcode Directory."
        )
    sector = located.index.str.slice(0, -2)
    sectors = located.groupby(sector).mean()
    result = PostcodeTable(units=located, sectors=sectors, layout=layout)
    _CACHE[digest] = result
    while len(_CACHE) > 2:
        _CACHE.popitem(last=False)
    log.info(
        "%s: %s, %d postcodes, %d sectors", name, layout, len(located), len(sectors)
    )
    return result


def geocode(
    values: pd.Series, table: PostcodeTable
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Locate postcodes (or sectors) in BNG metres.

    Returns
    -------
    ndarray, ndarray, Series
        Easting and northing (NaN where not found) and each row's outcome:
        ``"unit"``, ``"sector"``, ``"unmatched"`` (a postcode not in the table),
        ``"invalid"`` (not a postcode) or ``"empty"``.
    """
    unit, sector = normalise_postcodes(values)
    ux = table.units["easting"].reindex(unit).to_numpy()
    uy = table.units["northing"].reindex(unit).to_numpy()
    sx = table.sectors["easting"].reindex(sector).to_numpy()
    sy = table.sectors["northing"].reindex(sector).to_numpy()
    is_unit = unit.notna().to_numpy()
    x = np.where(is_unit, ux, sx)
    y = np.where(is_unit, uy, sy)
    blank = (values.astype(str).str.strip() == "").to_numpy()
    found = np.isfinite(x)
    outcome = np.select(
        [found & is_unit, found, blank, is_unit | sector.notna().to_numpy()],
        ["unit", "sector", "empty", "unmatched"],
        default="invalid",
    )
    return x, y, pd.Series(outcome, index=values.index)
