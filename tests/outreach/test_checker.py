"""Tests for the independent rota checker (outreach.checker): one planted fault each."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from geodata.workers import Worker, parse_available
from outreach.checker import check_rota
from outreach.params import RotaParams

PARAMS = RotaParams(start=date(2026, 12, 7))
TEAM = [
    Worker("Lee", True, 12, parse_available("any"), frozenset({date(2026, 12, 14)})),
    Worker("Mo", True, 6, parse_available("Mon-Fri 12:00-24:00"), frozenset()),
    Worker("Ann", False, 12, parse_available("any"), frozenset()),
    Worker("Bo", False, 12, parse_available("any"), frozenset()),
]


def _rota(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """Build a rota from (date, start, end, workers) rows at Castle Square."""
    frame = pd.DataFrame(rows, columns=["date", "start", "end", "workers"])
    return frame.assign(
        date=[date.fromisoformat(day) for day in frame["date"]],
        session_id=[f"S{n}" for n in range(len(frame))],
        hotspot_name="Castle Square",
        band="evening",
        staffed=frame["workers"] != "",
    )


GOOD = _rota(
    ("2026-12-07", "18:30", "21:30", "Lee;Mo"),
    ("2026-12-08", "18:30", "21:30", "Ann;Lee"),
    ("2026-12-09", "21:00", "00:00", "Bo;Lee"),
    ("2026-12-10", "18:30", "21:30", ""),
    ("2026-12-12", "18:30", "21:30", "Ann;Bo;Lee"),
)


def _only(rota: pd.DataFrame, index: int) -> pd.DataFrame:
    """Keep one row of a rota."""
    return rota.iloc[[index]]


def test_a_good_rota_has_no_violations() -> None:
    """A rota keeping every rule gives an empty list."""
    assert check_rota(GOOD.iloc[:4], TEAM, PARAMS) == []


def test_lone_working() -> None:
    """A staffed session with one worker is caught."""
    rota = _rota(("2026-12-07", "18:30", "21:30", "Lee"))
    assert check_rota(rota, TEAM, PARAMS) == [
        "Mon 7 Dec, Castle Square evening: only one worker (Lee); nobody works alone."
    ]


def test_more_than_two_workers() -> None:
    """Three names on a session is caught."""
    problems = check_rota(_only(GOOD, 4), TEAM, PARAMS)
    assert problems == [
        "Sat 12 Dec, Castle Square evening: 3 workers (Ann, Bo, Lee); a session "
        "needs exactly two."
    ]


def test_same_worker_twice() -> None:
    """A pair made of one person named twice is caught."""
    rota = _rota(("2026-12-07", "18:30", "21:30", "Lee;Lee"))
    assert check_rota(rota, TEAM, PARAMS) == [
        "Mon 7 Dec, Castle Square evening: Lee is named twice; a pair is two people."
    ]


def test_unknown_worker() -> None:
    """A name that is not in the team is caught."""
    rota = _rota(("2026-12-07", "18:30", "21:30", "Lee;Zed"))
    assert check_rota(rota, TEAM, PARAMS) == [
        "Mon 7 Dec, Castle Square evening: 'Zed' is not in the team."
    ]


def test_no_lead() -> None:
    """A pair without a lead is caught."""
    rota = _rota(("2026-12-07", "18:30", "21:30", "Ann;Bo"))
    assert check_rota(rota, TEAM, PARAMS) == [
        "Mon 7 Dec, Castle Square evening: no lead in the pair (Ann, Bo)."
    ]


def test_outside_availability() -> None:
    """A weekday-only worker on a Saturday is caught."""
    rota = _rota(("2026-12-12", "18:30", "21:30", "Ann;Mo"))
    assert check_rota(rota, TEAM, PARAMS) == [
        "Sat 12 Dec, Castle Square evening: Mo is not available 18:30-21:30 on "
        "Saturdays."
    ]


def test_unavailable_date() -> None:
    """A worker rostered on a date they cannot work is caught."""
    rota = _rota(("2026-12-14", "18:30", "21:30", "Ann;Lee"))
    assert check_rota(rota, TEAM, PARAMS) == [
        "Mon 14 Dec, Castle Square evening: Lee is unavailable on 2026-12-14."
    ]


def test_max_hours() -> None:
    """More hours in a week than the worker's limit is caught."""
    rota = _rota(
        ("2026-12-07", "18:30", "21:30", "Ann;Mo"),
        ("2026-12-08", "18:30", "21:30", "Bo;Mo"),
        ("2026-12-09", "18:30", "21:30", "Ann;Mo"),
    )
    assert check_rota(rota, TEAM, PARAMS) == [
        "Mo works 9 h in the week from 2026-12-07; the limit is 6 h."
    ]


def test_hours_count_per_week_from_the_start() -> None:
    """The same sessions spread over two 7-day blocks keep the limit."""
    rota = _rota(
        ("2026-12-07", "18:30", "21:30", "Ann;Mo"),
        ("2026-12-08", "18:30", "21:30", "Bo;Mo"),
        ("2026-12-15", "18:30", "21:30", "Ann;Mo"),
    )
    assert check_rota(rota, TEAM, PARAMS) == []


def test_two_sessions_in_a_day() -> None:
    """A worker on two sessions on one day is caught."""
    rota = _rota(
        ("2026-12-07", "12:00", "15:00", "Ann;Lee"),
        ("2026-12-07", "18:30", "21:30", "Bo;Lee"),
    )
    assert check_rota(rota, TEAM, PARAMS) == [
        "Lee has 2 sessions on one day (Mon 7 Dec, Castle Square evening; "
        "Mon 7 Dec, Castle Square evening); at most one a day."
    ]


def test_short_rest() -> None:
    """A late session then an early one next day (9 h rest) is caught."""
    rota = _rota(
        ("2026-12-07", "21:00", "00:00", "Ann;Lee"),
        ("2026-12-08", "09:00", "12:00", "Bo;Lee"),
    )
    assert check_rota(rota, TEAM, PARAMS) == [
        "Lee has only 9 h rest between Mon 7 Dec, Castle Square evening and "
        "Tue 8 Dec, Castle Square evening; at least 11 h is needed."
    ]


def test_staffed_flag_must_match_names() -> None:
    """A staffed flag that disagrees with the names is caught."""
    rota = GOOD.iloc[[0, 3]].assign(staffed=[False, True])
    assert check_rota(rota, TEAM, PARAMS) == [
        "Mon 7 Dec, Castle Square evening: marked not staffed but names Lee, Mo.",
        "Thu 10 Dec, Castle Square evening: marked staffed but no workers are named.",
    ]


def test_unreadable_row() -> None:
    """A row whose date or time cannot be read is reported, not crashed on."""
    rota = GOOD.iloc[:1].assign(start="half six")
    assert check_rota(rota, TEAM, PARAMS) == [
        "row 1: could not read date '2026-12-07' or times 'half six'-'21:30'."
    ]


def test_rota_read_back_from_csv() -> None:
    """A rota written to CSV and read back (all text) is checked the same way."""
    text = GOOD.to_csv(index=False)
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert check_rota(back.iloc[:4], TEAM, PARAMS) == []
    problems = check_rota(back, TEAM, PARAMS)
    assert len(problems) == 1
    assert "3 workers (Ann, Bo, Lee)" in problems[0]
    parsed = pd.read_csv(io.StringIO(text))
    assert check_rota(parsed.iloc[:4], TEAM, PARAMS) == []


@pytest.mark.parametrize("missing", ["date", "workers"])
def test_missing_columns(missing: str) -> None:
    """A table without the needed columns says which."""
    problems = check_rota(GOOD.drop(columns=missing), TEAM, PARAMS)
    assert problems == [f"the rota has no column(s) {missing}."]
