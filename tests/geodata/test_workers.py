"""Tests for reading the outreach team (geodata.workers)."""

from __future__ import annotations

from datetime import date, time

import pytest

from geodata.errors import InputDataError
from geodata.workers import (
    Window,
    Worker,
    may_pair,
    mixed_pair,
    parse_available,
    read_workers,
)

HEADER = "worker,lead,max_hours,available,unavailable"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    """Build a team CSV from a header and rows."""
    return ("\n".join([header, *rows]) + "\n").encode()


GOOD = _csv(
    "Sam,yes,12,Mon-Fri 16:00-22:00; Sat 12:00-23:00,2026-12-24;2026-12-25",
    'Alex,no,7.5,"Mon,Wed 18:00-02:00",',
    "Jo,No,9,any,",
)


def test_reads_a_good_team() -> None:
    """A well-formed file gives one Worker per row with parsed fields."""
    sam, alex, jo = read_workers("workers.csv", GOOD)
    assert sam == Worker(
        name="Sam",
        lead=True,
        max_hours=12.0,
        available=(
            *(Window(day, time(16), time(22)) for day in range(5)),
            Window(5, time(12), time(23)),
        ),
        unavailable=frozenset({date(2026, 12, 24), date(2026, 12, 25)}),
    )
    assert alex.available == (
        Window(0, time(18), time(2)),
        Window(2, time(18), time(2)),
    )
    assert (alex.lead, alex.max_hours, alex.unavailable) == (False, 7.5, frozenset())
    assert len(jo.available) == 7
    assert not jo.welsh_speaker


def test_headers_any_case_bom_and_cp1252() -> None:
    """Headers in any case, a UTF-8 BOM and Windows-1252 text are all read."""
    header = "Worker,LEAD,Max Hours,Available,Unavailable,Welsh speaker"
    text = "\n".join([header, "Siân,yes,10,any,,yes", "Rhys,no,10,any,,"]) + "\n"
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("cp1252")):
        sian, rhys = read_workers("workers.csv", data)
        assert sian.name == "Siân"
        assert sian.welsh_speaker
        assert not rhys.welsh_speaker


def test_available_syntax_variants() -> None:
    """Wrapping ranges, Welsh names, 24:00 and an empty value are understood."""
    assert {w.weekday for w in parse_available("Fri-Mon 18:00-24:00")} == {4, 5, 6, 0}
    assert parse_available("sadwrn 10:00-12:00") == (Window(5, time(10), time(12)),)
    assert parse_available("Sat 20:00-24:00")[0].end == time(0, 0)
    assert parse_available("") == ()
    commas = parse_available("Mon 09:00-10:00, Tue 09:00-10:00")
    assert [w.weekday for w in commas] == [0, 1]


def test_can_work_windows_midnight_and_leave() -> None:
    """can_work needs the whole session inside windows and no unavailable date."""
    sam, alex, jo = read_workers("workers.csv", GOOD)
    monday, saturday = date(2026, 12, 7), date(2026, 12, 12)
    assert sam.can_work(monday, time(18, 30), time(21, 30))
    assert not sam.can_work(monday, time(21, 0), time(0, 0))
    assert sam.can_work(saturday, time(12, 0), time(15, 0))
    assert not sam.can_work(date(2026, 12, 12 + 12), time(16), time(19))
    assert alex.can_work(monday, time(23, 0), time(1, 0))
    assert not alex.can_work(monday, time(23, 0), time(3, 0))
    assert jo.can_work(monday, time(22, 0), time(2, 0))


def test_adjacent_windows_join_up() -> None:
    """A session across two touching windows (Fri evening + Sat night) is allowed."""
    worker = Worker(
        "Ann",
        True,
        10,
        parse_available("Fri 20:00-24:00; Sat 00:00-03:00"),
        frozenset(),
    )
    assert worker.can_work(date(2026, 12, 11), time(22), time(2))
    assert not worker.can_work(date(2026, 12, 11), time(22), time(4))


def test_leave_on_the_next_day_blocks_a_session_past_midnight() -> None:
    """A session running past midnight into an unavailable date is refused."""
    worker = Worker(
        "Ann", True, 10, parse_available("any"), frozenset({date(2026, 12, 8)})
    )
    assert worker.can_work(date(2026, 12, 7), time(21), time(0))
    assert not worker.can_work(date(2026, 12, 7), time(22), time(1))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Sam,yes,12,Mun 16:00-22:00,",
            r"workers\.csv: worker 'Sam', column available: could not read "
            r"'Mun 16:00-22:00'\. Write day ranges and times like 'Mon-Fri",
        ),
        (
            "Sam,yes,12,Mon 16:00-25:00,",
            r"worker 'Sam', column available: could not read 'Mon 16:00-25:00'",
        ),
        (
            "Sam,yes,12,Mon 16:00-16:00,",
            r"worker 'Sam', column available: could not read 'Mon 16:00-16:00'",
        ),
        (
            "Sam,yes,12,Mon,",
            r"worker 'Sam', column available: could not read 'Mon'",
        ),
        (
            "Sam,yes,12,any,24/12/2026",
            r"worker 'Sam', column unavailable: could not read '24/12/2026' as a "
            r"date\. Write dates as YYYY-MM-DD",
        ),
        (
            "Sam,maybe,12,any,",
            r"worker 'Sam', column lead: could not read 'maybe'\. Write yes or no",
        ),
        (
            "Sam,,12,any,",
            r"worker 'Sam', column lead: could not read ''\. Write yes or no",
        ),
        (
            "Sam,yes,lots,any,",
            r"worker 'Sam', column max_hours: could not read 'lots' as a number",
        ),
        (
            "Sam,yes,-3,any,",
            r"worker 'Sam', column max_hours: could not read '-3' as a number",
        ),
        (
            "Sam;Jo,yes,12,any,",
            r"worker 'Sam;Jo', column worker: names must not contain ';'",
        ),
        (",yes,12,any,", r"workers\.csv: row 3 has no worker name"),
    ],
)
def test_bad_values_name_file_worker_and_column(row: str, message: str) -> None:
    """Every bad cell is reported with the file, the worker and the column."""
    data = _csv("Jo,yes,10,any,", row)
    with pytest.raises(InputDataError, match=message):
        read_workers("workers.csv", data)


def test_bad_welsh_speaker_value() -> None:
    """welsh_speaker must be yes/no when given."""
    data = _csv("Jo,yes,10,any,,ja", "Al,no,10,any,,", header=HEADER + ",welsh_speaker")
    with pytest.raises(InputDataError, match=r"worker 'Jo', column welsh_speaker"):
        read_workers("workers.csv", data)


def test_missing_columns() -> None:
    """A file without the required columns lists what is missing and found."""
    data = _csv("Jo,yes,10", header="worker,lead,max_hours")
    with pytest.raises(
        InputDataError,
        match=r"workers\.csv: missing column\(s\) available, unavailable\. "
        r"Found: worker, lead, max_hours",
    ):
        read_workers("workers.csv", data)


def test_semicolon_separated_file_gets_a_hint() -> None:
    """A file saved with ';' between columns is told to use commas."""
    data = b"worker;lead;max_hours;available;unavailable\nJo;yes;10;any;\n"
    with pytest.raises(InputDataError, match=r"seems to use ';' between columns"):
        read_workers("workers.csv", data)


def test_duplicate_names() -> None:
    """The same worker twice (any case) is refused."""
    data = _csv("Jo,yes,10,any,", "jo,no,10,any,")
    with pytest.raises(InputDataError, match=r"worker 'jo' appears twice"):
        read_workers("workers.csv", data)


def test_no_lead() -> None:
    """A team without a lead is refused."""
    data = _csv("Jo,no,10,any,", "Al,no,10,any,")
    with pytest.raises(InputDataError, match=r"no worker has lead = yes"):
        read_workers("workers.csv", data)


def test_fewer_than_two_workers() -> None:
    """A one-person team is refused: nobody works alone."""
    with pytest.raises(InputDataError, match=r"found 1 worker\(s\).*at least 2"):
        read_workers("workers.csv", _csv("Jo,yes,10,any,"))


def test_empty_file() -> None:
    """An empty upload says so."""
    with pytest.raises(InputDataError, match=r"workers\.csv: the file is empty"):
        read_workers("workers.csv", b"\n\n")


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("Email", "email"),
        ("phone_number", "phone"),
        ("Home Address", "address"),
        ("DOB", "date of birth"),
        ("Date of birth", "date of birth"),
    ],
)
def test_personal_data_columns_are_refused(column: str, kind: str) -> None:
    """Columns with personal data are named and refused."""
    data = _csv("Jo,yes,10,any,,x", "Al,no,10,any,,y", header=f"{HEADER},{column}")
    with pytest.raises(
        InputDataError, match=rf"must not carry personal data.*'{column}' \({kind}\)"
    ):
        read_workers("workers.csv", data)


def test_not_with_and_gender_columns() -> None:
    """not_with names are matched to the team (any case); gender is kept short."""
    data = _csv(
        "Sam,yes,12,any,,ceri;Jo,F",
        "Ceri,no,12,any,,,M",
        "Jo,no,12,any,,,",
        header=HEADER + ",not_with,gender",
    )
    sam, ceri, jo = read_workers("workers.csv", data)
    assert sam.not_with == frozenset({"Ceri", "Jo"})
    assert (sam.gender, ceri.gender, jo.gender) == ("F", "M", "")
    assert not may_pair(sam, ceri)
    assert not may_pair(ceri, sam)
    assert not may_pair(ceri, jo)  # no lead
    assert mixed_pair(sam, ceri)
    assert not mixed_pair(sam, jo)  # gender not given


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Sam,yes,12,any,,Zed,", r"worker 'Sam', column not_with: 'Zed' is not in"),
        ("Sam,yes,12,any,,sam,", r"worker 'Sam', column not_with: a worker cannot"),
        (
            "Sam,yes,12,any,,," + "x" * 21,
            r"worker 'Sam', column gender: .* longer than 20 characters",
        ),
    ],
)
def test_bad_not_with_and_gender(row: str, message: str) -> None:
    """Unknown or self bans and over-long genders are refused with the column."""
    data = _csv(row, "Jo,no,12,any,,,", header=HEADER + ",not_with,gender")
    with pytest.raises(InputDataError, match=message):
        read_workers("workers.csv", data)
