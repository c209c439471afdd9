"""Tests for outreach.exports.xlsx_bytes: Excel exports that never run formulas."""

from __future__ import annotations

import io
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl import load_workbook
from shapely import Point

from outreach.exports import csv_bytes, xlsx_bytes


def _sheet(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return book.worksheets[0]


def test_formula_text_is_neutralised_like_csv():
    """=cmd, +1, -1 text, @SUM, tab and CR get a ' prefix and stay text."""
    hostile = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A2)", "\tx", "\ry"]
    sheet = _sheet(xlsx_bytes(pd.DataFrame({"text": hostile})))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [
        "'=cmd|' /C calc'!A0",
        "'+1",
        "'-1",
        "'@SUM(A1:A2)",
        "'\tx",
        "'\ny",  # XML reads a bare carriage return back as a line feed
    ]
    assert {c.data_type for c in cells} == {"s"}
    csv_text = csv_bytes(pd.DataFrame({"text": hostile})).decode("utf-8-sig")
    assert all(value in csv_text for value in ("'=cmd", "'+1", "'@SUM"))


def test_no_cell_is_a_formula_and_headers_are_neutralised():
    """A hostile header is text; nothing in the workbook is a formula."""
    table = pd.DataFrame({'=HYPERLINK("http://x")': ["=1+1"], "n": [-1]})
    sheet = _sheet(xlsx_bytes(table))
    assert sheet["A1"].value == '\'=HYPERLINK("http://x")'
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_numbers_dates_and_blanks_keep_their_type():
    """Numbers stay numbers (a negative number is not text), NaN is blank."""
    table = pd.DataFrame(
        {
            "n": [-1, 2],
            "x": [1.5, np.nan],
            "d": [date(2026, 12, 7), None],
            "t": pd.to_datetime(["2026-12-07 18:30", "2026-12-08 21:00"]).tz_localize(
                "Europe/London"
            ),
            "ok": [True, False],
            "name": ["Gŵyl Tŷ", None],
        }
    )
    rows = list(_sheet(xlsx_bytes(table)).iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == (-1, 1.5)
    assert rows[1][:2] == (2, None)
    assert rows[0][2] == datetime(2026, 12, 7)
    assert rows[1][2] is None
    assert rows[0][3] == datetime(2026, 12, 7, 18, 30)
    assert rows[0][4] is True
    assert rows[0][5] == "Gŵyl Tŷ"


def test_control_characters_and_overlong_text_are_made_safe():
    """Characters Excel cannot hold are dropped, even before a formula sign."""
    table = pd.DataFrame({"text": ["\x01=cmd", "a\x00b", "x" * 40_000]})
    values = [
        row[0]
        for row in _sheet(xlsx_bytes(table)).iter_rows(min_row=2, values_only=True)
    ]
    assert values[0] == "'=cmd"
    assert values[1] == "ab"
    assert len(values[2]) == 32_767


def test_geometry_is_left_out_and_sheet_named_safely():
    """Geometry goes to GeoJSON, not Excel; forbidden sheet characters go."""
    layer = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(0, 0)], crs=27700)
    book = load_workbook(io.BytesIO(xlsx_bytes(layer, sheet="Rota [14/12]?")))
    assert book.sheetnames == ["Rota 1412"]
    assert [c.value for c in book.worksheets[0][1]] == ["n"]
