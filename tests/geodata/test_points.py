"""Coordinates: WGS84 or BNG from the values, swapped columns, outside Great Britain."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.errors import InputDataError
from geodata.points import locate
from geodata.read import read_incidents


def _table(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: [str(v) for v in vs] for k, vs in columns.items()})


def test_swapped_in_every_row_is_corrected_with_a_note():
    """Latitude/longitude the wrong way round in every row: swapped back, noted."""
    located = locate(_table(latitude=[-3.94, -3.95], longitude=[51.62, 51.63]), "s.csv")
    assert located.x[0] == pytest.approx(265_900, abs=1_000)
    assert located.y[0] == pytest.approx(193_000, abs=1_000)
    assert "wrong way round in every row (2 rows)" in located.notes[0]


def test_swap_note_reaches_the_report():
    """The correction is visible in the file's validation report."""
    data = b"date,category,lat,lon\n2026-01-01,x,-3.94,51.62\n"
    frame, reports = read_incidents([("s.csv", data)])
    assert len(frame) == 1
    assert any("swapped back" in note for note in reports[0].notes)


def test_swapped_in_some_rows_is_refused():
    """A mix of swapped and correct rows cannot be fixed safely."""
    table = _table(latitude=[51.62, -3.94], longitude=[-3.94, 51.62])
    with pytest.raises(InputDataError, match=r"look swapped in 1 of 2 rows"):
        locate(table, "m.csv")


def test_metres_in_lat_lon_columns_are_bng():
    """Columns named latitude/longitude holding metres are read as BNG, noted."""
    located = locate(_table(latitude=[193000], longitude=[265500]), "m.csv")
    assert (located.x[0], located.y[0]) == (265500, 193000)
    assert "hold metres" in located.notes[0]


def test_degrees_in_easting_columns_are_wgs84():
    """Columns named easting/northing holding degrees are read as WGS84, noted."""
    located = locate(_table(easting=[-3.94], northing=[51.62]), "d.csv")
    assert located.x[0] == pytest.approx(265_900, abs=1_000)
    assert "hold degrees" in located.notes[0]


@pytest.mark.parametrize(
    ("x", "y"), [([-3.94, -3.95], [51.62, 51.63]), ([265500, 265600], [193000, 193100])]
)
def test_x_y_in_either_crs(x, y):
    """x/y columns are degrees or metres, decided from the values."""
    located = locate(_table(x=x, y=y), "xy.csv")
    assert 260_000 < located.x[0] < 270_000


def test_a_few_points_abroad_are_counted_not_refused():
    """A minority of points outside Great Britain is dropped and counted."""
    data = (
        b"date,category,latitude,longitude\n2026-01-01,x,51.62,-3.94\n"
        b"2026-01-02,x,51.63,-3.95\n2026-01-03,x,41.7,-71.1\n"
    )
    frame, reports = read_incidents([("few.csv", data)])
    assert len(frame) == 2
    assert reports[0].dropped == {"outside Great Britain": 1}
