"""Online importers, offline: the HTTP call and osmnx are replaced by small answers."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse

import geopandas as gpd
import pytest
import requests
from shapely import Point, box

from geodata import online
from geodata.crs import BNG
from geodata.errors import InputDataError

# Swansea city centre, about 2 km square, in BNG.
AREA = gpd.GeoDataFrame(
    {"code": ["A"]}, geometry=[box(264000, 192000, 266500, 194500)], crs=BNG
)

CRIMES = [
    {
        "category": "violent-crime",
        "location": {
            "latitude": "51.620",
            "longitude": "-3.941",
            "street": {"id": 1, "name": "On or near Castle Square"},
        },
        "month": "2019-01",
        "id": 101,
        "persistent_id": "abc",
        "context": "",
    },
    {
        "category": "anti-social-behaviour",
        "location": {
            "latitude": "51.621",
            "longitude": "-3.942",
            "street": {"id": 2, "name": "On or near Kingsway"},
        },
        "month": "2019-01",
        "id": 102,
        "persistent_id": "",
        "context": "",
    },
    {
        "category": "drugs",
        "location": {
            "latitude": "51.700",
            "longitude": "-3.800",
            "street": {"id": 3, "name": "On or near Far Away"},
        },
        "month": "2019-01",
        "id": 103,
        "persistent_id": "",
        "context": "",
    },
]


@pytest.fixture
def calls(monkeypatch):
    """Record HTTP calls and answer with CRIMES."""
    seen: list[tuple[str, bytes | None]] = []

    def fake(url, body, timeout):
        seen.append((url, body))
        return json.dumps(CRIMES).encode()

    monkeypatch.setattr(online, "_http", fake)
    return seen


def test_police_api_crimes_become_canonical_incidents(calls):
    """API crimes get CSV category names, month dates, and area clipping counted."""
    frame, report = online.fetch_police_crimes(AREA, "2019-01")
    assert frame["category"].tolist() == [
        "violence and sexual offences",
        "anti-social behaviour",
    ]
    assert frame["source"].astype(str).tolist() == ["police.uk", "police.uk"]
    assert not frame["has_day"].any()
    inside = frame["x"].between(264000, 266500) & frame["y"].between(192000, 194500)
    assert inside.all()  # EPSG:27700 metres, inside the area
    assert report.as_dict()["dropped"] == {"outside the study area": 1}
    assert report.file == "police.uk API 2019-01"
    url, body = calls[0]
    assert body is None
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert query["date"] == ["2019-01"]
    first = query["poly"][0].split(":")[0].split(",")
    assert 51.5 < float(first[0]) < 51.7  # lat first, as the API wants
    assert -4.0 < float(first[1]) < -3.9


def test_long_polygons_are_posted(calls, monkeypatch):
    """Past the URL limit the polygon goes in a POST body."""
    monkeypatch.setattr(online, "MAX_GET_URL", 50)
    online.fetch_police_crimes(AREA, "2019-01")
    url, body = calls[0]
    assert url == online.POLICE_API
    assert b"poly=" in body
    assert b"date=2019-01" in body


def test_detailed_area_is_simplified():
    """A boundary with thousands of vertices is sent with at most 100."""
    wiggly = Point(265000, 193000).buffer(1000, quad_segs=2000)
    area = gpd.GeoDataFrame(geometry=[wiggly], crs=BNG)
    assert len(online._api_polygon(area).split(":")) <= online.MAX_POLYGON_VERTICES


def _raise(exc):
    def fake(url, body, timeout):
        raise exc

    return fake


@pytest.mark.parametrize(
    ("exc", "kind", "message"),
    [
        (
            urllib.error.URLError("Name or service not known"),
            online.NoConnectionError,
            r"^police\.uk: no connection \(could not reach data\.police\.uk",
        ),
        (TimeoutError("timed out"), online.NoConnectionError, r"no connection"),
        (
            urllib.error.HTTPError("u", 503, "busy", {}, None),
            InputDataError,
            r"more than 10,000 crimes in 2019-01",
        ),
        (
            urllib.error.HTTPError("u", 404, "nope", {}, None),
            InputDataError,
            r"answered 404 for 2019-01\. Months are published about two months late",
        ),
    ],
)
def test_police_api_failures_are_plain(monkeypatch, exc, kind, message):
    """No connection, too many crimes and missing months each get one clear line."""
    monkeypatch.setattr(online, "_http", _raise(exc))
    with pytest.raises(kind, match=message):
        online.fetch_police_crimes(AREA, "2019-01")


def test_bad_month_is_refused():
    """The month must be YYYY-MM."""
    with pytest.raises(InputDataError, match=r"'Jan 2019' is not a month"):
        online.fetch_police_crimes(AREA, "Jan 2019")


def test_no_crimes_is_an_empty_frame_with_a_note(monkeypatch):
    """An empty answer is a valid, empty result that says so."""
    monkeypatch.setattr(online, "_http", lambda url, body, timeout: b"[]")
    frame, report = online.fetch_police_crimes(AREA, "2019-01")
    assert frame.empty
    assert report.notes == ["police.uk returned no crimes for this area and month"]


def _osm_answer() -> gpd.GeoDataFrame:
    """Features as osmnx returns them: WGS84, tag columns, points and polygons."""
    return gpd.GeoDataFrame(
        {
            "name": ["Boots", "YMCA Swansea", "Kingsway Centre", None, "Far Pharmacy"],
            "amenity": [
                "pharmacy",
                "community_centre",
                "community_centre",
                "pharmacy",
                "pharmacy",
            ],
            "community_centre": [None, "youth_centre", None, None, None],
            "opening_hours": [
                "Mo-Sa 09:00-17:30",
                "Mo-Fr 16:00-21:00",
                None,
                None,
                None,
            ],
        },
        geometry=[
            Point(-3.9420, 51.6200),
            box(-3.9445, 51.6205, -3.9435, 51.6212),
            Point(-3.9430, 51.6210),
            Point(-3.9410, 51.6195),
            Point(-3.80, 51.70),
        ],
        crs="EPSG:4326",
    )


def test_osm_services(monkeypatch):
    """Pharmacies are health, youth centres youth and diversionary; drops counted."""
    monkeypatch.setattr(
        online, "_features_from_polygon", lambda poly, tags, t: _osm_answer()
    )
    frame, report = online.fetch_osm_places(AREA, "services")
    assert frame[["name", "category", "opening_hours"]].values.tolist() == [
        ["Boots", "health", "Mo-Sa 09:00-17:30"],
        ["YMCA Swansea", "youth and diversionary", "Mo-Fr 16:00-21:00"],
    ]
    assert frame.crs == BNG
    assert report.rows_read == 5
    assert report.rows_kept + sum(report.dropped.values()) == report.rows_read
    assert report.dropped["no name"] == 1
    assert report.dropped["outside the study area"] == 1


def test_osm_spaces(monkeypatch):
    """Community centres and youth centres are community spaces."""
    monkeypatch.setattr(
        online, "_features_from_polygon", lambda poly, tags, t: _osm_answer()
    )
    frame, _ = online.fetch_osm_places(AREA, "spaces")
    assert frame[["name", "category"]].values.tolist() == [
        ["YMCA Swansea", "youth centre"],
        ["Kingsway Centre", "community centre"],
    ]


def test_osm_no_connection(monkeypatch):
    """A network failure inside osmnx is a plain 'no connection' message."""

    def fail(poly, tags, timeout):
        raise requests.exceptions.ConnectionError("Max retries exceeded")

    monkeypatch.setattr(online, "_features_from_polygon", fail)
    with pytest.raises(
        online.NoConnectionError, match=r"^OpenStreetMap: no connection"
    ):
        online.fetch_osm_places(AREA, "spaces")


def test_osm_nothing_found(monkeypatch):
    """osmnx's 'no features' answer is an empty frame with a note."""
    from osmnx._errors import InsufficientResponseError

    def empty(poly, tags, timeout):
        raise InsufficientResponseError("No matching features")

    monkeypatch.setattr(online, "_features_from_polygon", empty)
    frame, report = online.fetch_osm_places(AREA, "services")
    assert frame.empty
    assert report.notes == ["OpenStreetMap has no matching features in this area"]
