"""Tests for outreach.exports: safe CSV, RFC 7946 GeoJSON and file names."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import Point, box

from outreach.exports import csv_bytes, geojson_bytes, safe_filename


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_bom_and_welsh_characters():
    """UTF-8 with BOM so Excel shows ŵ and ŷ."""
    data = csv_bytes(pd.DataFrame({"name": ["Gŵyl Tŷ"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert _rows(data) == [["name"], ["Gŵyl Tŷ"]]


def test_csv_neutralises_formula_text_but_not_numbers():
    """=cmd, +1, -1 text, @SUM, tab and CR get a ' prefix; numeric -1 stays."""
    table = pd.DataFrame(
        {
            "text": ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A2)", "\tx", "\ry"],
            "number": [-1, 2, 3, 4, 5, 6],
            "mixed": ["ok", -1.5, None, "=1+1", "Gŵyl", 0],
        }
    )
    rows = _rows(csv_bytes(table))
    assert [r[0] for r in rows[1:]] == [
        "'=cmd|' /C calc'!A0",
        "'+1",
        "'-1",
        "'@SUM(A1:A2)",
        "'\tx",
        "'\ry",
    ]
    assert [r[1] for r in rows[1:]] == ["-1", "2", "3", "4", "5", "6"]
    assert [r[2] for r in rows[1:]] == ["ok", "-1.5", "", "'=1+1", "Gŵyl", "0"]


def test_csv_neutralises_headers_and_drops_geometry():
    """A hostile column name is neutralised; geometry is left to GeoJSON."""
    layer = gpd.GeoDataFrame(
        {"=HYPERLINK()": ["a"], "n": [1]}, geometry=[Point(0, 0)], crs=27700
    )
    assert _rows(csv_bytes(layer))[0] == ["'=HYPERLINK()", "n"]


@pytest.fixture
def layer() -> gpd.GeoDataFrame:
    """A clockwise BNG square and a point near Swansea, with a NaN and Welsh names."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ["H01", "H02"],
            "name": ["Gŵyl", "Tŷ"],
            "cells": np.array([3, 4], dtype="int64"),
            "strength": [2.5, np.nan],
        },
        geometry=[
            box(265000, 193000, 265250, 193250, ccw=False),
            Point(265100.123, 193100.456),
        ],
        crs="EPSG:27700",
    )


def test_geojson_is_rfc7946_in_wgs84(layer):
    """FeatureCollection, lon/lat near Swansea, no crs member, NaN as null."""
    doc = json.loads(geojson_bytes(layer))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert [f["properties"] for f in doc["features"]] == [
        {"hotspot_id": "H01", "name": "Gŵyl", "cells": 3, "strength": 2.5},
        {"hotspot_id": "H02", "name": "Tŷ", "cells": 4, "strength": None},
    ]
    lon, lat = doc["features"][1]["geometry"]["coordinates"]
    assert -4.0 < lon < -3.9
    assert 51.6 < lat < 51.7


def test_geojson_coordinates_rounded_and_anticlockwise(layer):
    """Every coordinate has at most 6 dp; polygon exteriors run anticlockwise."""
    doc = json.loads(geojson_bytes(layer))
    coords = shapely.get_coordinates(
        shapely.from_geojson(json.dumps(doc["features"][0]["geometry"]))
    )
    assert np.array_equal(coords, np.round(coords, 6))
    ring = shapely.from_geojson(json.dumps(doc["features"][0]["geometry"])).exterior
    assert ring.is_ccw


def test_geojson_is_deterministic(layer):
    """The same layer gives identical bytes."""
    assert geojson_bytes(layer) == geojson_bytes(layer.copy())


def test_geojson_needs_a_crs(layer):
    """A layer without a CRS cannot be reprojected and is refused."""
    with pytest.raises(ValueError, match="no CRS"):
        geojson_bytes(layer.set_crs(None, allow_override=True))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Panel pack 14/04/2026.html", "Panel-pack-14-04-2026.html"),
        ("Gŵyl Tŷ rota.ics", "Gwyl-Ty-rota.ics"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON.csv", "_CON.csv"),
        ("???", "export"),
    ],
)
def test_safe_filename(name, expected):
    """Unsafe characters, paths and reserved names become a portable name."""
    assert safe_filename(name) == expected


def test_geojson_same_from_any_crs_and_geometry_column_name(layer):
    """BNG (the quick path), Web Mercator and a renamed geometry give one document."""
    expected = geojson_bytes(layer)
    assert geojson_bytes(layer.to_crs("EPSG:3857")) == expected
    renamed = geojson_bytes(layer.rename_geometry("shape"))
    assert renamed == expected
    assert b'"shape"' not in renamed


@pytest.mark.parametrize(
    "column",
    [
        ["Gŵyl Tŷ", 'quote " and \\ slash', "<5"],  # text only: written as it is
        ["Gŵyl Tŷ", None, "<5"],  # a gap: null
        ["Gŵyl Tŷ", np.nan, "<5"],
    ],
)
@pytest.mark.parametrize("dtype", [object, "string", "category"])
def test_geojson_text_properties_as_json_writes_them(column, dtype):
    layer = gpd.GeoDataFrame(
        {"name": pd.Series(column, dtype=dtype)},
        geometry=[Point(265_000, 193_000)] * 3,
        crs="EPSG:27700",
    )
    data = geojson_bytes(layer)
    names = [f["properties"]["name"] for f in json.loads(data)["features"]]
    assert names == [None if v is None or v is np.nan else v for v in column]
    assert "Gŵyl Tŷ".encode() in data  # not escaped as \\u0175
