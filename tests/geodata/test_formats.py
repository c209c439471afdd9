"""Every file format and dialect partners bring reads to the same canonical frame."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import geopandas as gpd
import openpyxl
import pytest
from shapely import Point

from geodata.archive import expand_archives, split_part
from geodata.crs import BNG
from geodata.read import read_area, read_incidents, read_places
from geodata.tables import list_parts, load_table

ROWS = [
    ("2026-01-02 18:30", "Violence", "51.6200", "-3.9410"),
    ("2026-01-03", "Drugs", "51.6195", "-3.9395"),
]
HEADER = ("date", "category", "latitude", "longitude")


def _text(delimiter: str = ",", newline: str = "\n") -> str:
    lines = [delimiter.join(HEADER)] + [delimiter.join(r) for r in ROWS]
    return newline.join(lines) + newline


def _book(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("comma.csv", _text(",").encode()),
        ("semicolon.csv", _text(";").encode()),
        ("tab.tsv", _text("\t").encode()),
        ("tab_named.csv", _text("\t").encode()),
        ("pipe.txt", _text("|").encode()),
        ("bom.csv", b"\xef\xbb\xbf" + _text().encode()),
        ("unicode.txt", _text("\t", "\r\n").encode("utf-16")),
        ("crlf.csv", _text(",", "\r\n").encode()),
        ("old_mac.csv", _text(",", "\r").encode()),
        ("excel_sep.csv", ("sep=;\n" + _text(";")).encode()),
    ],
)
def test_text_dialects_give_the_same_rows(name, data):
    """Any common delimiter, BOM, UTF-16 or line ending gives the same two rows."""
    frame, reports = read_incidents([(name, data)])
    assert frame["category"].tolist() == ["violence", "drugs"]
    assert frame["has_time"].tolist() == [True, False]
    assert reports[0].rows_kept == 2


def test_mixed_line_endings_in_one_file():
    """CRLF, LF and CR in one file are all line breaks."""
    third = ("2026-01-04", "Drugs", "51.62", "-3.94")
    lines = [",".join(r) for r in (HEADER, *ROWS, third)]
    data = (lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3]).encode()
    frame, _ = read_incidents([("mixed.csv", data)])
    assert len(frame) == 3


def test_format_is_described_in_the_report():
    """The report says what was read: encoding and delimiter."""
    _, reports = read_incidents([("semi.csv", _text(";").encode("cp1252"))])
    assert reports[0].as_dict()["format"] == "CSV (UTF-8, semicolon-separated)"


def test_trailing_empty_columns_and_short_rows():
    """Excel's trailing commas are ignored; a short row is counted, not lost."""
    data = b"date,category,latitude,longitude,,\n2026-01-01,drugs,51.62,-3.94,,\n"
    data += b"2026-01-01,drugs\n"
    frame, reports = read_incidents([("short.csv", data)])
    assert len(frame) == 1
    assert reports[0].dropped == {"no location": 1}


def test_blank_and_duplicate_rows_are_counted():
    """Rows that are all empty and exact repeats are dropped under their reasons."""
    data = _text() + ",,,\n" + ",".join(ROWS[0]) + "\n"
    frame, reports = read_incidents([("dups.csv", data.encode())])
    report = reports[0].as_dict()
    assert len(frame) == 2
    assert report["dropped"] == {"blank row": 1, "duplicate row": 1}
    assert report["rows_read"] == report["rows_kept"] + sum(report["dropped"].values())


def test_police_rows_without_id_are_not_duplicates():
    """Identical police.uk ASB rows (no Crime ID) are separate reports: kept, noted."""
    head = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
        "LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
    )
    asb = ",2019-01,South Wales Police,South Wales Police,-3.94,51.62,On or near X,"
    asb += "W01000001,Swansea 001A,Anti-social behaviour,,\n"
    frame, reports = read_incidents(
        [("2019-01-south-wales-street.csv", (head + asb * 3).encode())]
    )
    assert len(frame) == 3
    assert reports[0].format == "police.uk street-level CSV"
    assert reports[0].notes == [
        "2 rows without a Crime ID repeat another row; kept, since police.uk lists "
        "each anti-social-behaviour report separately"
    ]


def test_excel_first_sheet_with_title_rows_and_datetime_cells():
    """The first sheet is read, title rows skipped; real date-time cells keep times."""
    data = _book(
        {
            "Export": [
                ["Case system export"],
                [],
                ["Occurred At", "Crime Type", "Eastings", "Northings"],
                [dt.datetime(2025, 12, 25, 21, 30), "Weapon", 265500, 193000],
            ],
            "Notes": [["anything"]],
        }
    )
    frame, reports = read_incidents([("export.xlsx", data)])
    assert frame["when"].iloc[0].isoformat() == "2025-12-25T21:30:00"
    assert frame["has_time"].iloc[0]
    assert frame["x"].iloc[0] == pytest.approx(265500)
    assert reports[0].format == "Excel, sheet 'Export'"
    assert (
        "skipped 2 title row(s) above the header in sheet 'Export'" in reports[0].notes
    )
    assert any("the first of 2" in note for note in reports[0].notes)


def test_excel_named_sheet_and_date_only_cells():
    """'book.xlsx#Cases' picks the sheet; date cells (midnight) have no time."""
    data = _book(
        {
            "Front": [["nothing"]],
            "Cases": [
                ["Date", "Offence", "Lat", "Lng", "Time"],
                [dt.datetime(2025, 12, 24), "Drugs", 51.62, -3.94, dt.time(19, 5)],
                [dt.datetime(2025, 12, 25), "Drugs", 51.62, -3.94, None],
            ],
        }
    )
    assert list_parts("book.xlsx", data) == ["Front", "Cases"]
    frame, _ = read_incidents([("book.xlsx#cases", data)])
    assert frame["has_time"].tolist() == [True, False]
    assert frame["when"].iloc[0].isoformat() == "2025-12-24T19:05:00"


def _layer(tmp_path, **layers: gpd.GeoDataFrame) -> bytes:
    path = tmp_path / "gis.gpkg"
    for name, frame in layers.items():
        frame.to_file(path, layer=name, driver="GPKG")
    return path.read_bytes()


def _points_bng() -> gpd.GeoDataFrame:
    """Two incidents in British National Grid."""
    return gpd.GeoDataFrame(
        {"date": ["2026-03-01", "2026-03-02"], "category": ["Drugs", "ASB"]},
        geometry=[Point(265500, 193000), Point(265600, 193100)],
        crs=BNG,
    )


def test_geopackage_named_layer(tmp_path):
    """'gis.gpkg#incidents' reads that layer of a two-layer GeoPackage."""
    other = _points_bng().iloc[:1]
    data = _layer(tmp_path, boundaries=other, incidents=_points_bng())
    assert sorted(list_parts("gis.gpkg", data)) == ["boundaries", "incidents"]
    frame, reports = read_incidents([("gis.gpkg#incidents", data)])
    assert len(frame) == 2
    assert reports[0].format == "GeoPackage, layer 'incidents'"


def _shapefile_members(
    tmp_path, frame: gpd.GeoDataFrame, prj: bool
) -> dict[str, bytes]:
    frame.to_file(tmp_path / "inc.shp")
    suffixes = [".shp", ".shx", ".dbf"] + ([".prj"] if prj else [])
    return {f"layers/inc{s}": (tmp_path / f"inc{s}").read_bytes() for s in suffixes}


def test_zipped_shapefile(tmp_path):
    """A zipped shapefile in a folder reads, with its CRS from the .prj."""
    data = _zip(_shapefile_members(tmp_path, _points_bng(), prj=True))
    frame, reports = read_incidents([("inc.zip", data)])
    assert frame["x"].tolist() == pytest.approx([265500, 265600])
    assert reports[0].format == "zipped shapefile"


def test_zipped_shapefile_without_prj_gets_crs_from_values(tmp_path):
    """No .prj: metres in the BNG range are read as EPSG:27700, with a note."""
    data = _zip(_shapefile_members(tmp_path, _points_bng(), prj=False))
    frame, reports = read_incidents([("inc.zip", data)])
    assert frame["x"].iloc[0] == pytest.approx(265500)
    assert "read as EPSG:27700" in reports[0].notes[0]


def test_geojson_holding_metres_is_read_as_bng():
    """A GeoJSON (degrees by definition) holding BNG metres is read as BNG, noted."""
    layer = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"date": "2026-02-01", "category": "ASB"},
                "geometry": {"type": "Point", "coordinates": [265500, 193000]},
            }
        ],
    }
    frame, reports = read_incidents([("bng.geojson", json.dumps(layer).encode())])
    assert frame["x"].iloc[0] == pytest.approx(265500)
    assert "holds metres" in reports[0].notes[0]


def test_zip_of_csvs_is_read_member_by_member():
    """A zip of data files gives one report per member, named archive/member."""
    data = _zip(
        {"a/one.csv": _text().encode(), "two.csv": _text().encode(), "README.txt": b"x"}
    )
    frame, reports = read_incidents([("bundle.zip", data)])
    assert len(frame) == 4
    assert [r.file for r in reports] == ["bundle.zip/a/one.csv", "bundle.zip/two.csv"]


def test_police_download_zip_keeps_street_files():
    """In a police.uk download only the street files are incidents."""
    data = _zip(
        {
            "2019-01/2019-01-south-wales-street.csv": _text().encode(),
            "2019-01/2019-01-south-wales-outcomes.csv": b"Crime ID,Month\n",
        }
    )
    sources = expand_archives([("download.zip", data)])
    assert [name for name, _ in sources] == [
        "download.zip/2019-01/2019-01-south-wales-street.csv"
    ]


def test_split_part():
    """'#' picks a sheet/layer/member only after a workbook, GeoPackage or zip name."""
    assert split_part("book.xlsx#Sheet 2") == ("book.xlsx", "Sheet 2")
    assert split_part("gis.gpkg#wards") == ("gis.gpkg", "wards")
    assert split_part("report#2.csv") == ("report#2.csv", None)


def test_places_accept_polygons_and_single_part_multipoints(tmp_path):
    """Parks drawn as areas get a point inside; single-part MultiPoints are points."""
    from shapely import MultiPoint, box

    layer = gpd.GeoDataFrame(
        {"name": ["Park", "GP"], "category": ["park", "health"]},
        geometry=[box(265000, 193000, 265200, 193200), MultiPoint([(265500, 193000)])],
        crs=BNG,
    )
    data = _layer(tmp_path, places=layer)
    frame, reports = read_places([("places.gpkg", data)], "spaces")
    assert layer.geometry.iloc[0].contains(frame.geometry.iloc[0])
    assert frame.geometry.x.iloc[1] == pytest.approx(265500)
    assert reports[0].notes == ["1 area feature(s) placed at a point inside the area"]


def test_area_from_zipped_shapefile(tmp_path):
    """A study area can be a zipped shapefile of polygons."""
    from shapely import box

    polygons = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 10, 10)], crs=BNG)
    polygons.to_file(tmp_path / "area.shp")
    data = _zip(
        {
            f"area{s}": (tmp_path / f"area{s}").read_bytes()
            for s in (".shp", ".shx", ".dbf", ".prj")
        }
    )
    area = read_area(("area.zip", data))
    assert area.crs == BNG
    assert area.geometry.iloc[0].area == pytest.approx(100)


def test_load_table_keeps_the_users_headers():
    """The report can name columns as the user wrote them."""
    loaded = load_table("h.csv", b"Occurred At,Crime Type\n2026-01-01,x\n")
    assert list(loaded.frame.columns) == ["date", "category"]
    assert loaded.headers == {"date": "Occurred At", "category": "Crime Type"}
