"""The bad-input corpus: every malformed or hostile file gets its one clear message."""

from __future__ import annotations

import io
import tomllib
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely import Point

from geodata import tables
from geodata.crs import BNG
from geodata.errors import InputDataError
from geodata.read import read_area, read_incidents

CORPUS = Path(__file__).with_name("corpus")
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
HEADER = b"date,category,latitude,longitude\n"


def _read(reader: str, name: str, data: bytes) -> None:
    if reader == "area":
        read_area((name, data))
    else:
        read_incidents([(name, data)])


def test_corpus_is_large_and_every_file_has_a_case():
    """At least 30 committed files, each listed once in cases.toml, none unlisted."""
    files = {p.name for p in CORPUS.iterdir() if p.name != "cases.toml"}
    listed = [c["file"] for c in CASES]
    assert len(files) >= 30
    assert sorted(listed) == sorted(files)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_file_gets_its_message(case):
    """Each committed bad file raises InputDataError with exactly its message."""
    data = (CORPUS / case["file"]).read_bytes()
    with pytest.raises(InputDataError, match=case["match"]):
        _read(case.get("reader", "incidents"), case["file"], data)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buf.getvalue()


def _locked(data: bytes) -> bytes:
    """Set the 'encrypted' flag bit in the local and central headers."""
    patched = bytearray(data)
    patched[6] |= 0x1
    central = data.index(b"PK\x01\x02")
    patched[central + 8] |= 0x1
    return bytes(patched)


def _two_layer_gpkg(tmp_path: Path) -> bytes:
    path = tmp_path / "two.gpkg"
    for layer in ("incidents", "boundaries"):
        gpd.GeoDataFrame(
            {"date": ["2025-01-01"], "category": ["drugs"]},
            geometry=[Point(265500, 193000)],
            crs=BNG,
        ).to_file(path, layer=layer, driver="GPKG")
    return path.read_bytes()


def _two_shapefiles_zip(tmp_path: Path) -> bytes:
    members = []
    for stem in ("north", "south"):
        gpd.GeoDataFrame(
            {"date": ["2025-01-01"], "category": ["drugs"]},
            geometry=[Point(265500, 193000)],
            crs=BNG,
        ).to_file(tmp_path / f"{stem}.shp")
        members += [
            (f"{stem}{s}", (tmp_path / f"{stem}{s}").read_bytes())
            for s in (".shp", ".shx", ".dbf", ".prj")
        ]
    return _zip(members)


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["date", "category", "latitude", "longitude"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


GENERATED = {
    "huge_field.csv": (
        lambda _: HEADER + b"2025-01-01," + b"x" * 2_500_000 + b",51.6,-3.9\n",
        r"^huge_field\.csv: one line is longer than 1,000,000 characters\.",
    ),
    "zip_bomb.zip": (
        lambda _: _zip([("bomb.csv", HEADER + bytes(50_000_000))]),
        r"^zip_bomb\.zip: member 'bomb\.csv' would unpack to 50 MB \(\d+ times its "
        r"packed size\)\. This looks like a zip bomb and is refused",
    ),
    "workbook_bomb.xlsx": (
        lambda _: _zip([("xl/workbook.xml", bytes(50_000_000))]),
        r"^workbook_bomb\.xlsx: member 'xl/workbook\.xml' would unpack to 50 MB .* "
        r"zip bomb",
    ),
    "many_members.zip": (
        lambda _: _zip([(f"f{i}.csv", b"a") for i in range(501)]),
        r"^many_members\.zip: the archive holds 501 files; the limit is 500\.",
    ),
    "locked.zip": (
        lambda _: _locked(_zip([("data.csv", HEADER)])),
        r"^locked\.zip: the archive is password-protected\.",
    ),
    "two.gpkg": (
        _two_layer_gpkg,
        r"^two\.gpkg: the GeoPackage has 2 layers \('incidents', 'boundaries'\)\. "
        r"Name the one to read after '#', e\.g\. 'two\.gpkg#incidents'\.",
    ),
    "two.gpkg#wards": (
        _two_layer_gpkg,
        r"^two\.gpkg#wards: there is no layer 'wards'\. Its layers are: 'incidents', "
        r"'boundaries'\.",
    ),
    "book.xlsx#Nope": (
        lambda _: _workbook(),
        r"^book\.xlsx#Nope: the workbook has no sheet 'Nope'\. Its sheets are: "
        r"'Sheet'\. Name one after '#', e\.g\. 'book\.xlsx#Sheet'\.",
    ),
    "layers.zip": (
        _two_shapefiles_zip,
        r"^layers\.zip: the archive holds 2 shapefiles \('north', 'south'\)\. Name the "
        r"one to read after '#'",
    ),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_hostile_file_gets_its_message(name, tmp_path):
    """Files too big or too binary to commit are made here and refused clearly."""
    make, message = GENERATED[name]
    with pytest.raises(InputDataError, match=message):
        _read("incidents", name, make(tmp_path))


def test_file_over_the_size_limit_is_refused_before_parsing(monkeypatch):
    """The size limit is checked first (here shrunk to 10 bytes)."""
    monkeypatch.setattr(tables, "MAX_BYTES", 10)
    with pytest.raises(InputDataError, match=r"^big\.csv: the file is 0 MB; the limit"):
        read_incidents([("big.csv", HEADER + b"2025-01-01,x,51.6,-3.9\n")])
