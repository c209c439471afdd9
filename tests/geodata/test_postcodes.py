"""Postcode-only rows located with a postcode table the user supplies."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from geodata.errors import InputDataError
from geodata.postcodes import geocode, normalise_postcodes, read_postcode_table
from geodata.read import read_contacts, read_incidents, read_places

# OS Code-Point Open as shipped: no header, quoted fixed-width postcodes, CRLF.
CODEPOINT = (
    b'"SA1 1AA",10,266979,196105,"W92000004","","","","W06000011","W05000971"\r\n'
    b'"SA1 1AF",10,265786,193020,"W92000004","","","","W06000011","W05000961"\r\n'
    b'"SA1 1ZZ",90,0,0,"W92000004","","","","W06000011","W05000961"\r\n'
    b'"SA106AA",10,272401,196830,"W92000004","","","","W06000012","W05000999"\r\n'
)
# ONS Postcode Directory layout: header, pcds, lat/long (99.999999 = no grid ref).
ONSPD = (
    b"pcd,pcds,lat,long,oseast1m,osnrth1m\n"
    b"SA1 1AA,SA1 1AA,51.631,-3.939,,\n"
    b"SA9 9ZZ,SA9 9ZZ,99.999999,0.000000,,\n"
)


def test_normalise_spacing_case_and_sectors():
    """Units ignore case and spacing; a sector needs its space (SA11 is a district)."""
    units, sectors = normalise_postcodes(
        pd.Series(["sa1 1aa", "SA106AA", " SA1  1 ", "SA11", "not one", ""])
    )
    assert units.tolist()[:2] == ["SA1 1AA", "SA10 6AA"]
    assert units.iloc[2:].isna().all()
    assert sectors.iloc[2] == "SA1 1"
    assert sectors.drop(index=2).isna().all()


def test_codepoint_table_without_header():
    """Code-Point's header-less CSV is read by its documented column order."""
    table = read_postcode_table(("sa.csv", CODEPOINT))
    assert table.layout == "OS Code-Point Open (no header)"
    assert table.units.loc["SA10 6AA"].tolist() == [272401, 196830]
    assert "SA1 1ZZ" not in table.units.index  # quality 90: no coordinates
    assert table.sectors.loc["SA1 1"].tolist() == [pytest.approx(266382.5), 194562.5]


def test_onspd_layout_with_latitude_longitude():
    """pcds with lat/long is projected; 99.999999 means no grid reference."""
    table = read_postcode_table(("onspd.csv", ONSPD))
    assert list(table.units.index) == ["SA1 1AA"]
    assert table.units.loc["SA1 1AA", "easting"] == pytest.approx(265_894, abs=5)


def test_codepoint_zip_download():
    """The Code-Point zip (Data/CSV/*.csv plus docs) is read whole."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("Data/CSV/sa.csv", CODEPOINT)
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", b"PC,PQ,EA,NO\n")
    table = read_postcode_table(("codepo_gb.zip", buf.getvalue()))
    assert len(table.units) == 3


def test_geocode_outcomes():
    """Units, sectors, unknown postcodes, non-postcodes and blanks are told apart."""
    table = read_postcode_table(("sa.csv", CODEPOINT))
    x, _, outcome = geocode(
        pd.Series(["sa11aa", "SA1 1", "SA1 9XX", "hello", ""]), table
    )
    assert outcome.tolist() == ["unit", "sector", "unmatched", "invalid", "empty"]
    assert x[0] == 266979


def test_postcode_only_incidents_are_located_and_counted():
    """Rows with only a postcode are placed; failures are counted by reason."""
    data = (
        b"Date,Crime Type,Post Code\n25/12/2025 21:30,Drugs,sa1 1aa\n"
        b"26/12/2025,ASB,SA1 1\n27/12/2025,ASB,SA1 9XX\n28/12/2025,ASB,n/a\n"
        b"29/12/2025,ASB,\n"
    )
    frame, reports = read_incidents([("pc.csv", data)], postcodes=("sa.csv", CODEPOINT))
    report = reports[0].as_dict()
    assert frame["x"].tolist() == [266979, pytest.approx(266382.5)]
    assert report["dropped"] == {
        "no location": 1,
        "invalid postcode": 1,
        "unmatched postcode": 1,
    }
    assert report["notes"] == [
        "2 rows located by postcode "
        "(1 by postcode sector, placed at the sector's centre)"
    ]


def test_postcode_fills_rows_without_coordinates():
    """With both, coordinates win and the postcode fills the gaps."""
    data = (
        b"date,category,latitude,longitude,postcode\n2026-01-01,x,51.62,-3.94,\n"
        b"2026-01-02,x,,,SA1 1AF\n"
    )
    frame, reports = read_incidents([("m.csv", data)], postcodes=("sa.csv", CODEPOINT))
    assert frame["x"].iloc[1] == 265786
    assert reports[0].dropped == {}


def test_wrong_area_postcode_table_is_refused():
    """No postcode found at all means the table is for another area: say so."""
    data = b"date,category,postcode\n2026-01-01,x,CF10 1AA\n"
    with pytest.raises(InputDataError, match=r"none of the postcodes was found"):
        read_incidents([("cf.csv", data)], postcodes=("sa.csv", CODEPOINT))


def test_not_a_postcode_table():
    """A CSV without postcode and coordinate columns is refused as a postcode table."""
    with pytest.raises(
        InputDataError, match=r"^t\.csv: not a postcode table\. Found: a, b"
    ):
        read_postcode_table(("t.csv", b"a,b\n1,2\n"))


def test_contacts_and_places_use_postcodes_too():
    """Contacts and services can also be located by postcode."""
    contacts, _ = read_contacts(
        [("c.csv", b"date,young_people,postcode\n2026-01-01,4,SA1 1AA\n")],
        postcodes=("sa.csv", CODEPOINT),
    )
    services, _ = read_places(
        [("s.csv", b"name,category,postcode\nHub,health,SA10 6AA\n")],
        "services",
        postcodes=("sa.csv", CODEPOINT),
    )
    assert contacts.geometry.x.tolist() == [266979]
    assert services.geometry.x.tolist() == [272401]
