"""Dates: UK and ISO forms, one day/month order per file, times and time zones."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.dates import apply_clock, parse_dates
from geodata.errors import InputDataError


def _iso(parsed) -> list[str | None]:
    return [None if pd.isna(t) else t.isoformat() for t in parsed.when]


def test_uk_and_iso_forms():
    """25/12/2025 21:30, 25/12/2025, ISO, a police.uk month and month names parse."""
    raw = pd.Series(
        [
            "25/12/2025 21:30",
            "25/12/2025",
            "2025-12-25T21:30:00",
            "2019-01",
            "25 Dec 2025 9:30pm",
            "1/2/25 9:05 pm",
            "2025/12/25 08:00",
        ]
    )
    parsed = parse_dates(raw, "f.csv")
    assert _iso(parsed) == [
        "2025-12-25T21:30:00",
        "2025-12-25T00:00:00",
        "2025-12-25T21:30:00",
        "2019-01-01T00:00:00",
        "2025-12-25T21:30:00",
        "2025-02-01T21:05:00",
        "2025-12-25T08:00:00",
    ]
    assert parsed.has_day.tolist() == [True, True, True, False, True, True, True]
    assert parsed.has_time.tolist() == [True, False, True, False, True, True, True]


def test_ambiguous_dates_are_day_first_for_the_whole_file():
    """03/04/2025 is 3 April in every row, and the report says so."""
    parsed = parse_dates(pd.Series(["03/04/2025", "25/12/2025", "04/03/2025"]), "f.csv")
    assert _iso(parsed) == [
        "2025-04-03T00:00:00",
        "2025-12-25T00:00:00",
        "2025-03-04T00:00:00",
    ]
    assert "read day-first (3 April 2025)" in parsed.notes[0]


def test_us_order_is_chosen_for_the_whole_file_when_evident():
    """One 12/25/2025 makes the whole file month-first, noted, never row by row."""
    parsed = parse_dates(pd.Series(["12/25/2025", "01/02/2025"]), "us.csv")
    assert _iso(parsed) == ["2025-12-25T00:00:00", "2025-01-02T00:00:00"]
    assert "month-first" in parsed.notes[0]


def test_both_orders_in_one_file_are_refused():
    """A file with 13/01 and 01/13 cannot be read consistently: refused."""
    with pytest.raises(InputDataError, match=r"^m\.csv: column 'Date' mixes day-first"):
        parse_dates(pd.Series(["13/01/2025", "01/13/2025"]), "m.csv", "Date")


def test_impossible_dates_are_not_guessed():
    """31/02/2025 and text are unparseable (NaT), not moved to another day."""
    parsed = parse_dates(pd.Series(["31/02/2025", "soon", ""]), "f.csv")
    assert parsed.when.isna().all()


def test_time_zones_become_uk_local_time():
    """Z and +01:00 offsets are converted to Europe/London wall-clock time."""
    parsed = parse_dates(
        pd.Series(
            ["2025-07-01T20:30:00Z", "2025-12-01T20:30:00Z", "2025-07-01T21:30+01:00"]
        ),
        "tz.csv",
    )
    assert _iso(parsed) == [
        "2025-07-01T21:30:00",
        "2025-12-01T20:30:00",
        "2025-07-01T21:30:00",
    ]


def test_excel_serial_numbers():
    """A column of Excel day numbers is converted (45651.5 is noon on 25/12/2024)."""
    parsed = parse_dates(pd.Series(["45651", "45651.5"]), "x.csv")
    assert _iso(parsed) == ["2024-12-25T00:00:00", "2024-12-25T12:00:00"]
    assert parsed.has_time.tolist() == [False, True]


def test_all_midnight_means_no_time():
    """Excel date cells read as 00:00:00: times are unknown, and noted."""
    parsed = parse_dates(
        pd.Series(["2025-12-25 00:00:00", "2025-12-26 00:00"]), "x.csv"
    )
    assert not parsed.has_time.any()
    assert "every time in 'date' is 00:00" in parsed.notes[0]


def test_separate_time_column():
    """21:30, 9:30 pm and 2130 add a time; 25:00 and blanks do not; months ignore it."""
    parsed = parse_dates(pd.Series(["2025-12-25"] * 5 + ["2019-01"]), "t.csv")
    timed = apply_clock(
        parsed, pd.Series(["21:30", "9:30 pm", "2130", "25:00", "", "20:00"])
    )
    assert [t.strftime("%H:%M") for t in timed.when] == [
        "21:30",
        "21:30",
        "21:30",
        "00:00",
        "00:00",
        "00:00",
    ]
    assert timed.has_time.tolist() == [True, True, True, False, False, False]


def test_file_with_no_readable_date_is_refused():
    """When no date can be read at all, the file is refused with an example."""
    from geodata.read import read_incidents

    data = b"When,category,latitude,longitude\nlast week,x,51.62,-3.94\n"
    with pytest.raises(
        InputDataError, match=r"column 'When' .* \(e\.g\. 'last week'\)"
    ):
        read_incidents([("w.csv", data)])
