"""Context layers: boundaries with detected code/name columns, WIMD ranks, the join."""

from __future__ import annotations

import json

import pytest

from geodata.crs import BNG
from geodata.errors import InputDataError
from geodata.layers import join_wimd, read_boundaries, read_wimd


def _squares(properties: list[dict]) -> bytes:
    """GeoJSON of unit squares near Swansea, one per properties dict."""
    features = []
    for i, props in enumerate(properties):
        x0 = -3.95 + i * 0.01
        ring = [
            [x0, 51.61],
            [x0 + 0.01, 51.61],
            [x0 + 0.01, 51.62],
            [x0, 51.62],
            [x0, 51.61],
        ]
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.mark.parametrize(
    ("props", "code", "name"),
    [
        (
            {"LSOA11CD": "W01000001", "LSOA11NM": "Swansea 001A"},
            "W01000001",
            "Swansea 001A",
        ),
        (
            {"LSOA21CD": "W01001991", "LSOA21NM": "Swansea 030F"},
            "W01001991",
            "Swansea 030F",
        ),
        ({"lsoa_code": "W01000003", "lsoa_name": "Anglesey"}, "W01000003", "Anglesey"),
        (
            {"WD13CD": "W05000524", "WD13CDO": "00NXPA", "WD13NM": "Gower"},
            "W05000524",
            "Gower",
        ),
        ({"objectid": 1, "code": "X1"}, "X1", "X1"),
    ],
)
def test_code_and_name_columns_are_detected(props, code, name):
    """LSOA 2011/2021, lsoa_code, ward and generic code columns are recognised."""
    frame = read_boundaries(("b.geojson", _squares([props])))
    assert frame.crs == BNG
    assert list(frame.columns) == ["code", "name", "geometry"]
    assert frame[["code", "name"]].values.tolist() == [[code, name]]


def test_boundaries_without_code_are_refused():
    """No recognisable code column: refused, naming the columns found."""
    with pytest.raises(InputDataError, match=r"no area-code column\. Found: colour"):
        read_boundaries(("b.geojson", _squares([{"colour": "red"}])))


def test_split_features_are_merged_by_code():
    """Two features with one code become one area covering both."""
    props = [{"LSOA11CD": "W01000001", "LSOA11NM": "A"}] * 2
    frame = read_boundaries(("b.geojson", _squares(props)))
    single = read_boundaries(("b.geojson", _squares(props[:1])))
    assert len(frame) == 1
    assert frame.area.iloc[0] == pytest.approx(2 * single.area.iloc[0], rel=0.01)


WIMD = (
    b"lsoa11cd,lsoa11nm,wimd2019_rank,income_rank,wimd2019_decile\n"
    b"W01000001,Town 1,10,12,1\nW01000002,Town 2,1909,1800,10\n"
)


def test_wimd_csv_and_join():
    """Ranks join on LSOA code; an LSOA without a rank keeps a missing value."""
    wimd = read_wimd(("wimd.csv", WIMD))
    assert list(wimd.columns) == ["code", "wimd_rank", "income_rank", "wimd_decile"]
    boundaries = read_boundaries(
        ("b.geojson", _squares([{"LSOA11CD": "W01000001"}, {"LSOA11CD": "W01009999"}]))
    )
    joined = join_wimd(boundaries, wimd)
    assert joined["wimd_rank"].tolist()[0] == 10
    assert joined["wimd_rank"].isna().tolist() == [False, True]
    assert joined.crs == BNG


def test_decile_computed_when_absent():
    """Without a decile column, deciles come from the rank."""
    wimd = read_wimd(("w.csv", b"LSOA Code,WIMD 2019\nW01000001,1\nW01000002,1909\n"))
    assert wimd["wimd_decile"].tolist() == [1, 10]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"code,rank\nW01000001,1\n", r"no LSOA code and WIMD rank columns"),
        (
            b"lsoa11cd,wimd2019_rank\nW01000001,first\n",
            r"'wimd2019_rank' should hold whole",
        ),
        (
            b"lsoa11cd,wimd2019_rank\nW01000001,1\nW01000001,2\n",
            r"W01000001 appears twice",
        ),
    ],
)
def test_bad_wimd_tables(data, message):
    """WIMD tables without codes or ranks, or with bad ranks, are refused."""
    with pytest.raises(InputDataError, match=message):
        read_wimd(("w.csv", data))


def test_join_with_no_common_code_is_refused():
    """Different LSOA vintages with nothing in common: say which codes differ."""
    boundaries = read_boundaries(("b.geojson", _squares([{"LSOA21CD": "W01009999"}])))
    with pytest.raises(InputDataError, match=r"share no LSOA code"):
        join_wimd(boundaries, read_wimd(("wimd.csv", WIMD)))
