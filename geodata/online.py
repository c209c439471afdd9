"""Online importers: police.uk street crimes and OpenStreetMap places for an area.

Both need the internet; without it they raise :class:`NoConnectionError`, an
:class:`InputDataError` whose message says so plainly and names the offline
alternative. Tests replace :func:`_http` and :func:`_features_from_polygon`.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.crs import BNG, bng_to_lonlat
from geodata.errors import InputDataError
from geodata.read import FileReport, read_incidents
from geodata.vector import point_coordinates

log = logging.getLogger(__name__)

POLICE_API = "https://data.police.uk/api/crimes-street/all-crime"
MAX_GET_URL = 4000
MAX_POLYGON_VERTICES = 100
USER_AGENT = "cmet-planner (Swansea CMET panel)"

# police.uk API category slugs, named as in the monthly CSV downloads.
POLICE_CATEGORIES = {
    "anti-social-behaviour": "anti-social behaviour",
    "bicycle-theft": "bicycle theft",
    "burglary": "burglary",
    "criminal-damage-arson": "criminal damage and arson",
    "drugs": "drugs",
    "other-crime": "other crime",
    "other-theft": "other theft",
    "possession-of-weapons": "possession of weapons",
    "public-order": "public order",
    "robbery": "robbery",
    "shoplifting": "shoplifting",
    "theft-from-the-person": "theft from the person",
    "vehicle-crime": "vehicle crime",
    "violent-crime": "violence and sexual offences",
}

# OpenStreetMap tags asked for, and (tag, value, category) rules in priority order.
OSM_TAGS = {
    "services": {
        "amenity": ["pharmacy", "doctors", "youth_centre", "community_centre"],
        "healthcare": ["doctor"],
    },
    "spaces": {
        "amenity": ["community_centre", "library", "youth_centre"],
        "leisure": ["park", "sports_centre"],
    },
}
_OSM_RULES = {
    "services": (
        ("community_centre", "youth_centre", "youth and diversionary"),
        ("amenity", "youth_centre", "youth and diversionary"),
        ("amenity", "pharmacy", "health"),
        ("amenity", "doctors", "health"),
        ("healthcare", "doctor", "health"),
    ),
    "spaces": (
        ("community_centre", "youth_centre", "youth centre"),
        ("amenity", "youth_centre", "youth centre"),
        ("amenity", "community_centre", "community centre"),
        ("amenity", "library", "library"),
        ("leisure", "sports_centre", "leisure centre"),
        ("leisure", "park", "park"),
    ),
}


class NoConnectionError(InputDataError):
    """An online importer could not reach its service."""


def _http(url: str, body: bytes | None, timeout: float) -> bytes:
    """GET ``url`` (or POST ``body``) and return the response bytes."""
    request = urllib.request.Request(url, data=body, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _api_polygon(area: gpd.GeoDataFrame | shapely.Geometry) -> str:
    """Return the area as police.uk ``lat,lng:lat,lng`` with few vertices."""
    geometry = area if isinstance(area, shapely.Geometry) else None
    if geometry is None:
        geometry = shapely.union_all(area.to_crs(BNG).geometry.to_numpy())
    if geometry.geom_type != "Polygon":
        geometry = geometry.convex_hull
    outline = shapely.Polygon(geometry.exterior)
    tolerance = 10.0
    while len(outline.exterior.coords) > MAX_POLYGON_VERTICES:
        outline = shapely.Polygon(geometry.exterior).simplify(tolerance)
        tolerance *= 2
    x, y = np.asarray(outline.exterior.coords).T
    lon, lat = bng_to_lonlat(x, y)
    return ":".join(f"{a:.5f},{b:.5f}" for a, b in zip(lat[:-1], lon[:-1], strict=True))


def _call_police(month: str, poly: str, timeout: float) -> list[dict]:
    query = urllib.parse.urlencode({"date": month, "poly": poly})
    url = f"{POLICE_API}?{query}"
    try:
        if len(url) <= MAX_GET_URL:
            raw = _http(url, None, timeout)
        else:  # long polygons go in a form body, as the API documents
            raw = _http(POLICE_API, query.encode(), timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 503:
            raise InputDataError(
                f"police.uk: the area has more than 10,000 crimes in {month}, the "
                "API's limit. Use a smaller study area, or download the month's CSV."
            ) from exc
        raise InputDataError(
            f"police.uk: the API answered {exc.code} for {month}. Months are "
            "published about two months late; choose an earlier month."
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NoConnectionError(
            f"police.uk: no connection (could not reach data.police.uk: {reason}). "
            "Check the internet connection, or download the month's street-level "
            "CSV from data.police.uk and upload it."
        ) from exc
    try:
        crimes = json.loads(raw)
    except ValueError as exc:
        raise InputDataError(
            "police.uk: the API's answer was not JSON (the service may be down). "
            "Try again later, or upload the month's CSV."
        ) from exc
    if not isinstance(crimes, list):
        raise InputDataError("police.uk: the API's answer was not a list of crimes.")
    return crimes


def fetch_police_crimes(
    area: gpd.GeoDataFrame, month: str, *, timeout: float = 60.0
) -> tuple[pd.DataFrame, FileReport]:
    """Download street-level crimes for ``month`` (``YYYY-MM``) inside ``area``.

    The area is sent as a simplified polygon (at most 100 vertices); crimes that
    fall outside the real area are dropped and counted.

    Returns
    -------
    DataFrame, FileReport
        Canonical incidents as :func:`geodata.read.read_incidents` returns them
        (``when`` is the first of the month, with ``has_day`` and ``has_time``
        False; ``source`` "police.uk"; ``x``/``y`` in EPSG:27700).
    """
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise InputDataError(
            f"police.uk: '{month}' is not a month; write it as 2019-01."
        )
    crimes = _call_police(month, _api_polygon(area), timeout)
    name = f"police.uk API {month}"
    if not crimes:
        report = FileReport(file=name, kind="incidents", format="police.uk API")
        report.notes.append("police.uk returned no crimes for this area and month")
        frame, _ = read_incidents([])
        return frame, report
    table = pd.json_normalize(crimes)
    slug = table.get("category", pd.Series("", index=table.index)).astype(str)
    rows = pd.DataFrame(
        {
            "crime_ref": table.get("id", pd.Series(range(len(table)))).astype(str),
            "date": table.get("month", pd.Series(month, index=table.index)).astype(str),
            "category": slug.map(POLICE_CATEGORIES).fillna(slug.str.replace("-", " ")),
            "source": "police.uk",
            "latitude": table.get(
                "location.latitude", pd.Series("", index=table.index)
            ),
            "longitude": table.get(
                "location.longitude", pd.Series("", index=table.index)
            ),
        }
    )
    frame, reports = read_incidents(
        [(f"{name}.csv", rows.to_csv(index=False).encode())], area=area
    )
    report = reports[0]
    report.file, report.format = name, "police.uk API"
    log.info(
        "police.uk API %s: %d crimes, %d in the area", month, len(rows), len(frame)
    )
    return frame, report


def _features_from_polygon(
    polygon: shapely.Geometry, tags: dict, timeout: float
) -> gpd.GeoDataFrame:
    """Ask the Overpass API (through osmnx) for features with ``tags``."""
    import osmnx as ox

    ox.settings.use_cache = False  # no cache folder appears in the working directory
    ox.settings.requests_timeout = timeout
    return ox.features_from_polygon(polygon, tags)


def _categorise(features: gpd.GeoDataFrame, kind: str) -> pd.Series:
    conditions, choices = [], []
    for tag, value, category in _OSM_RULES[kind]:
        if tag in features.columns:
            conditions.append((features[tag].astype(str) == value).to_numpy())
            choices.append(category)
    if not conditions:
        return pd.Series("", index=features.index)
    return pd.Series(np.select(conditions, choices, default=""), index=features.index)


def fetch_osm_places(
    area: gpd.GeoDataFrame, kind: str, *, timeout: float = 120.0
) -> tuple[gpd.GeoDataFrame, FileReport]:
    """Download services or community spaces in ``area`` from OpenStreetMap.

    ``kind="services"``: pharmacies and doctors (category "health"), youth centres
    ("youth and diversionary"). ``kind="spaces"``: community centres, libraries,
    youth centres, leisure centres and parks. Areas are placed at a point inside.

    Returns
    -------
    GeoDataFrame, FileReport
        Columns ``name``, ``category``, ``opening_hours`` (OSM syntax or ""),
        Point ``geometry``; EPSG:27700. Unnamed features are dropped and counted.
    """
    if kind not in OSM_TAGS:
        raise ValueError(f"kind must be 'services' or 'spaces', not {kind!r}")
    boundary = shapely.union_all(area.to_crs("EPSG:4326").geometry.to_numpy())
    report = FileReport(file=f"OpenStreetMap {kind}", kind=kind, format="OpenStreetMap")
    from osmnx._errors import InsufficientResponseError
    from requests.exceptions import RequestException

    try:
        features = _features_from_polygon(boundary, OSM_TAGS[kind], timeout)
    except RequestException as exc:
        raise NoConnectionError(
            f"OpenStreetMap: no connection (could not reach the Overpass service: "
            f"{type(exc).__name__}). Check the internet connection, or upload a "
            f"{kind} file instead."
        ) from exc
    except InsufficientResponseError:
        features = gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
        report.notes.append("OpenStreetMap has no matching features in this area")
    features = features.reset_index(drop=True)
    report.rows_read = len(features)
    names = (
        features.get("name", pd.Series("", index=features.index)).fillna("").astype(str)
    )
    hours = features.get("opening_hours", pd.Series("", index=features.index))
    category = _categorise(features, kind)
    x, y = point_coordinates(features, report.file, report.notes, allow_areas=True)
    unnamed = (names.str.strip() == "").to_numpy()
    other = (category == "").to_numpy() & ~unnamed
    report.drop("no name", unnamed)
    report.drop("another kind of place (e.g. a community centre not for youth)", other)
    report.drop("no location", ~unnamed & ~other & ~np.isfinite(x))
    keep = ~unnamed & ~other & np.isfinite(x)
    mask = shapely.union_all(area.to_crs(BNG).geometry.to_numpy())
    inside = np.zeros(len(keep), bool)
    inside[keep] = shapely.contains_xy(mask, x[keep], y[keep])
    report.drop("outside the study area", keep & ~inside)
    keep &= inside
    report.rows_kept = int(keep.sum())
    frame = gpd.GeoDataFrame(
        {
            "name": names.str.strip().to_numpy()[keep],
            "category": category.to_numpy()[keep],
            "opening_hours": hours.fillna("").astype(str).to_numpy()[keep],
        },
        geometry=shapely.points(x[keep], y[keep]),
        crs=BNG,
    )
    return frame, report
