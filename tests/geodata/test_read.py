"""Reading partners' files into canonical incidents, with every drop counted."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geodata.crs import BNG
from geodata.errors import InputDataError
from geodata.read import read_area, read_contacts, read_incidents, read_places


def _csv(text: str) -> bytes:
    return text.encode()


GOOD = _csv(
    "date,time,category,source,latitude,longitude\n"
    "2026-01-02,18:30,Violence,police,51.6200,-3.9410\n"
    "2026-01-03,,drugs,,51.6195,-3.9395\n"
)


def test_reads_lat_lon_to_british_national_grid():
    """WGS84 rows come out in EPSG:27700 with the canonical columns."""
    frame, reports = read_incidents([("inc.csv", GOOD)])
    assert not isinstance(frame, gpd.GeoDataFrame)  # coordinates, not points
    assert list(frame.columns) == [
        "when",
        "has_day",
        "has_time",
        "category",
        "source",
        "x",
        "y",
    ]
    assert frame["x"].dtype == float
    assert frame["y"].dtype == float
    assert frame["category"].tolist() == ["violence", "drugs"]
    assert frame["source"].tolist() == ["police", "inc.csv"]
    assert frame["has_time"].tolist() == [True, False]
    assert 265_000 < frame["x"].iloc[0] < 266_000
    assert 192_000 < frame["y"].iloc[0] < 194_000
    assert reports[0].as_dict()["rows_kept"] == 2


def test_easting_northing_and_synonyms_and_uk_dates():
    """Eastings/northings, 'Crime Type' and 25/12/2025 21:30 dates are understood."""
    data = _csv(
        "Occurred_At;Crime Type;Eastings;Northings\n"
        "25/12/2025 21:30;Weapon;265500;193000\n"
    )
    frame, _ = read_incidents([("export.csv", data)])
    assert frame["when"].iloc[0].isoformat() == "2025-12-25T21:30:00"
    assert frame["category"].iloc[0] == "weapon"
    assert frame["x"].iloc[0] == pytest.approx(265500)


def test_police_uk_month_has_neither_day_nor_time():
    """A police.uk 'Month' (2019-01) is the 1st of the month with no day or time."""
    data = _csv(
        "Crime ID,Month,Reported by,Longitude,Latitude,Crime type\n"
        "abc,2019-01,South Wales Police,-3.94,51.62,Drugs\n"
    )
    frame, _ = read_incidents([("2019-01-south-wales-street.csv", data)])
    assert frame["when"].iloc[0].isoformat() == "2019-01-01T00:00:00"
    assert not frame["has_day"].iloc[0]
    assert not frame["has_time"].iloc[0]
    assert frame["source"].iloc[0] == "South Wales Police"


def test_windows_1252_file_is_read():
    """A file re-saved by Excel on a council laptop (cp1252) still reads."""
    data = (
        "date,category,latitude,longitude,source\n2026-01-01,drugs,51.62,-3.94,Café\n"
    )
    frame, _ = read_incidents([("cp.csv", data.encode("cp1252"))])
    assert frame["source"].iloc[0] == "Café"


def test_drops_are_counted_by_reason():
    """No row is lost silently: each drop is counted under its reason."""
    data = _csv(
        "date,category,latitude,longitude\n"
        "2026-01-01,drugs,51.62,-3.94\n"
        "not a date,drugs,51.62,-3.94\n"
        "2026-01-01,,51.62,-3.94\n"
        "2026-01-01,drugs,,\n"
        "2026-01-01,drugs,48.0,-3.94\n"
    )
    frame, reports = read_incidents([("mixed.csv", data)])
    report = reports[0].as_dict()
    assert len(frame) == 1
    assert report["rows_read"] == 5
    assert report["dropped"] == {
        "unparseable date": 1,
        "no category": 1,
        "no location": 1,
        "outside Great Britain": 1,
    }


def test_rows_outside_study_area_are_counted():
    """With an area, points outside it are dropped and counted."""
    area = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [-3.95, 51.61],
                            [-3.93, 51.61],
                            [-3.93, 51.63],
                            [-3.95, 51.63],
                            [-3.95, 51.61],
                        ]
                    ],
                },
            }
        ],
    }
    polygons = read_area(("area.geojson", json.dumps(area).encode()))
    data = _csv(
        "date,category,latitude,longitude\n"
        "2026-01-01,drugs,51.62,-3.94\n2026-01-01,drugs,51.70,-3.80\n"
    )
    frame, reports = read_incidents([("a.csv", data)], area=polygons)
    assert len(frame) == 1
    assert reports[0].dropped == {"outside the study area": 1}


def test_several_files_are_concatenated_with_one_report_each():
    """Two files give one frame and two reports."""
    frame, reports = read_incidents([("a.csv", GOOD), ("b.csv", GOOD)])
    assert len(frame) == 4
    assert [r.file for r in reports] == ["a.csv", "b.csv"]


def test_geojson_points_are_read():
    """A GeoJSON layer of points keeps its attributes and is projected."""
    layer = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"date": "2026-02-01T20:00", "category": "ASB"},
                "geometry": {"type": "Point", "coordinates": [-3.94, 51.62]},
            }
        ],
    }
    frame, _ = read_incidents([("pts.geojson", json.dumps(layer).encode())])
    assert frame["category"].iloc[0] == "asb"
    assert 265_000 < frame["x"].iloc[0] < 266_000  # projected to EPSG:27700


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "bad.csv",
            b"date,category,place\n2025-01-01,violence,Kingsway\n",
            r"bad\.csv: no location columns\. Found: date, category, place",
        ),
        ("empty.csv", b"", r"empty\.csv: the file is empty"),
        (
            "header.csv",
            b"date,category,latitude,longitude\n",
            r"header\.csv: the file has a header but no rows",
        ),
        (
            "people.csv",
            b"date,category,Name,latitude,longitude\n2026-01-01,x,A,51.6,-3.9\n",
            r"people\.csv: column\(s\) 'name' look like personal data",
        ),
        (
            "swap.csv",
            b"date,category,latitude,longitude\n2026-01-01,x,-3.94,51.62\n"
            b"2026-01-01,x,51.62,-3.94\n",
            r"swap\.csv: columns 'longitude' and 'latitude' look swapped in 1 of 2",
        ),
        (
            "abroad.csv",
            b"date,category,latitude,longitude\n2026-01-01,x,40.4,-3.7\n",
            r"abroad\.csv: most points are outside Great Britain",
        ),
        (
            "text.csv",
            b"date,category,latitude,longitude\n2026-01-01,x,north,west\n",
            r"text\.csv: column 'latitude' should hold numbers",
        ),
        (
            "nocat.csv",
            b"date,latitude,longitude\n2026-01-01,51.6,-3.9\n",
            r"nocat\.csv: missing column\(s\) category",
        ),
        (
            "junk.csv",
            b"\x00\x01\x02binary",
            r"junk\.csv: this does not look like a text file",
        ),
        ("data.pdf", b"%PDF-1.4", r"data\.pdf: files of type '\.pdf' are not accepted"),
        (
            "broken.geojson",
            b'{"type": "FeatureCollection", "feat',
            r"broken\.geojson: could not read it as GeoJSON",
        ),
    ],
)
def test_bad_files_get_one_clear_message(name, data, message):
    """Each kind of bad file is refused with a message naming the file and the fix."""
    with pytest.raises(InputDataError, match=message):
        read_incidents([(name, data)])


def test_contacts_and_services():
    """Contacts keep young_people; services keep name, category and opening hours."""
    contacts, _ = read_contacts(
        [("c.csv", b"date,young_people,latitude,longitude\n2026-01-01,3,51.62,-3.94\n")]
    )
    assert contacts["young_people"].tolist() == [3]
    services, _ = read_places(
        [
            (
                "s.csv",
                b"name,category,opening_hours,latitude,longitude\n"
                b"Hub,Mental Health,Mo-Fr 09:00-17:00,51.62,-3.94\n",
            )
        ],
        "services",
    )
    assert services[["name", "category", "opening_hours"]].values.tolist() == [
        ["Hub", "mental health", "Mo-Fr 09:00-17:00"]
    ]
    assert np.isfinite(services.geometry.x).all()


def test_geopackage_layer_in_bng_is_read(tmp_path):
    """A GeoPackage in EPSG:27700 (as council GIS exports) reads without change."""
    from shapely import Point

    layer = gpd.GeoDataFrame(
        {"date": ["2026-03-01"], "category": ["Drugs"]},
        geometry=[Point(265500, 193000)],
        crs=BNG,
    )
    path = tmp_path / "council.gpkg"
    layer.to_file(path, layer="incidents", driver="GPKG")
    frame, _ = read_incidents([("council.gpkg", path.read_bytes())])
    assert frame["x"].iloc[0] == pytest.approx(265500)
    assert frame["category"].iloc[0] == "drugs"


def test_from_to_window_becomes_when_end():
    """date_end/time_end give each record the end of its window; bad ends are noted."""
    data = _csv(
        "date,time,date_end,time_end,category,latitude,longitude\n"
        "2026-12-11,20:00,2026-12-11,23:00,missing episode,51.62,-3.94\n"
        "2026-12-11,20:00,,,missing episode,51.62,-3.94\n"
        "2026-12-12,20:00,2026-12-10,23:00,missing episode,51.62,-3.94\n"
    )
    frame, reports = read_incidents([("missing.csv", data)])
    assert frame["when_end"].iloc[0].isoformat() == "2026-12-11T23:00:00"
    assert frame["when_end"].iloc[1:].isna().all()
    assert any("time window is ignored" in note for note in reports[0].notes)


def test_several_files_keep_categories_as_one_categorical():
    """Files with different themes combine into one categorical, values unchanged."""
    head = b"date,category,source,latitude,longitude\n"
    first = (
        "a.csv",
        head + b"2025-01-01,violence,p,51.62,-3.94\n2025-01-02,drugs,p,51.62,-3.94\n",
    )
    second = ("b.csv", head + b"2025-01-03,weapon,q,51.62,-3.94\n")
    frame, _ = read_incidents([first, second])
    assert isinstance(frame["category"].dtype, pd.CategoricalDtype)
    assert list(frame["category"].astype(str)) == ["violence", "drugs", "weapon"]
    assert list(frame["source"].astype(str)) == ["p", "p", "q"]
    assert sorted(frame["category"].cat.categories) == ["drugs", "violence", "weapon"]
