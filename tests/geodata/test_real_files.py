"""The real third-party files in ../shared/data/real read right, or are refused."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.errors import InputDataError
from geodata.layers import join_wimd, read_boundaries, read_wimd
from geodata.postcodes import read_postcode_table
from geodata.read import read_area, read_incidents

pytestmark = pytest.mark.real

# PROVENANCE.md: rows, rows without coordinates, and rows in Swansea LSOAs per file.
POLICE = {
    "2018-10-dyfed-powys-street.csv": (3415, 28, 0),
    "2018-10-south-wales-street.csv": (12363, 223, 2148),
    "2018-11-dyfed-powys-street.csv": (3137, 34, 0),
    "2018-11-south-wales-street.csv": (11560, 170, 2008),
    "2018-12-dyfed-powys-street.csv": (3163, 32, 4),
    "2018-12-south-wales-street.csv": (10595, 187, 1944),
    "2019-01-dyfed-powys-street.csv": (3276, 22, 2),
    "2019-01-south-wales-street.csv": (11241, 201, 1993),
    "2019-02-dyfed-powys-street.csv": (3129, 15, 1),
    "2019-02-south-wales-street.csv": (11278, 245, 1917),
    "2022-05-south-wales-street.csv": (11401, 448, 1899),
}


def _source(path) -> tuple[str, bytes]:
    return path.name, path.read_bytes()


@pytest.fixture
def swansea(real_data):
    """Swansea's 148 LSOA 2011 boundaries (generalised, clipped)."""
    return read_area(
        _source(real_data / "boundaries" / "swansea_lsoa2011_W06000011.geojson")
    )


def test_every_police_file_reads_with_the_documented_counts(real_data, swansea):
    """All 11 months of both forces, incl. the re-saved 2022 file, match PROVENANCE."""
    sources = [_source(real_data / "crime" / name) for name in POLICE]
    frame, reports = read_incidents(sources, area=swansea)
    for report in reports:
        rows, no_coords, in_swansea = POLICE[report.file]
        assert report.format == "police.uk street-level CSV", report.file
        assert report.rows_read == rows, report.file
        assert report.dropped.get("no location", 0) == no_coords, report.file
        assert report.rows_kept == in_swansea, report.file
        assert report.rows_kept + sum(report.dropped.values()) == rows, report.file
        assert set(report.dropped) <= {"no location", "outside the study area"}
    assert len(frame) == sum(v[2] for v in POLICE.values())
    assert set(frame["source"].astype(str)) == {
        "South Wales Police",
        "Dyfed-Powys Police",
    }


def test_resaved_2022_file_has_lower_case_header_and_crlf(real_data):
    """The re-saved file's quirks (longitude/latitude, CRLF) do not matter."""
    path = real_data / "crime" / "2022-05-south-wales-street.csv"
    assert b"\r\n" in path.read_bytes()[:2000]
    frame, reports = read_incidents([_source(path)])
    assert reports[0].rows_kept == 11401 - 448
    assert frame["when"].min().isoformat() == "2022-05-01T00:00:00"


def test_codepoint_postcode_path(real_data):
    """Postcode-only rows (Swansea libraries' postcodes) are all found in Code-Point."""
    postcodes = _source(real_data / "postcodes" / "codepoint_open_2014-08_sa.csv")
    table = read_postcode_table(postcodes)
    assert len(table.units) == 23091
    libraries = pd.read_csv(real_data / "poi" / "libraries_wales.csv", dtype=str)
    local = libraries[libraries["Local authority code"] == "W06000011"]
    rows = pd.DataFrame(
        {"Date": "25/12/2025", "Crime Type": "Drugs", "Postcode": local["Postcode"]}
    )
    data = rows.to_csv(index=False).encode()
    frame, reports = read_incidents([("libraries.csv", data)], postcodes=postcodes)
    assert reports[0].rows_read == 17
    assert reports[0].rows_kept == 17
    assert frame["x"].min() > 240_000
    assert frame["x"].max() < 275_000


@pytest.mark.parametrize(
    ("folder", "name", "columns"),
    [
        (
            "poi",
            "libraries_wales.csv",
            r"'address_1', 'address_2', 'address_3', 'email_address'",
        ),
        (
            "poi",
            "swansea_schools_address_list_20210825.csv",
            r"'address_1'.*'phone_number'",
        ),
    ],
)
def test_real_files_with_contact_details_are_refused_as_incidents(
    real_data, folder, name, columns
):
    """Address lists are refused as incident files, naming every such column."""
    with pytest.raises(
        InputDataError, match=rf"column\(s\) {columns} look like personal"
    ):
        read_incidents([_source(real_data / folder / name)])


def test_swansea_lsoas_join_all_148_wimd_ranks(real_data):
    """148 Swansea LSOAs (2011) match the 148 Swansea rows of WIMD 2019."""
    boundaries = read_boundaries(
        _source(real_data / "boundaries" / "swansea_lsoa2011_W06000011.geojson")
    )
    wimd = read_wimd(
        _source(real_data / "deprivation" / "wimd2019_ranks_wales_lsoa2011.csv")
    )
    joined = join_wimd(boundaries, wimd)
    assert len(boundaries) == 148
    assert joined["wimd_rank"].notna().sum() == 148
    most = joined.nsmallest(3, "wimd_rank")
    assert most["code"].tolist() == ["W01000863", "W01000862", "W01000832"]
    assert most["wimd_rank"].tolist() == [16, 18, 22]


def test_official_strict_workbook_matches_the_csv(real_data):
    """The Welsh Government workbook (Strict Open XML) gives the same ranks."""
    folder = real_data / "deprivation"
    book = read_wimd(
        _source(
            folder
            / (
                "welsh-index-multiple-deprivation-2019-index-and-domain-ranks-"
                "by-small-area.xlsx"
            )
        )
    )
    csv = read_wimd(_source(folder / "wimd2019_ranks_wales_lsoa2011.csv"))
    assert len(book) == 1909
    pd.testing.assert_series_equal(book["wimd_rank"], csv["wimd_rank"])
    pd.testing.assert_series_equal(book["housing_rank"], csv["housing_rank"])


def test_2021_lsoas_against_2011_ranks_match_partly(real_data):
    """WIMD 2019 (2011 codes) on 2021 LSOAs: unchanged codes match, new ones do not."""
    boundaries = read_boundaries(
        _source(real_data / "boundaries" / "lsoa_analysis.gpkg")
    )
    wimd = read_wimd(
        _source(real_data / "deprivation" / "wimd2019_ranks_wales_lsoa2011.csv")
    )
    joined = join_wimd(boundaries, wimd)
    assert len(joined) == 1917
    assert 1800 < joined["wimd_rank"].notna().sum() < 1909
    assert joined.loc[joined["code"] == "W01001991", "wimd_rank"].isna().all()
