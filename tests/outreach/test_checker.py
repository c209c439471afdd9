"""Tests for the independent rota checker (outreach.checker): one planted fault each."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geodata.workers import Worker, parse_available
from outreach.checker import check_rota
from outreach.params import RotaParams
from outreach.rota import plan_rota
from outreach.sessions import make_sessions

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


def test_banned_pair() -> None:
    """A pair the team file bans (either way round) is caught."""
    team = [*TEAM[:3], replace(TEAM[3], not_with=frozenset({"Lee"}))]
    rota = _rota(("2026-12-07", "18:30", "21:30", "Bo;Lee"))
    assert check_rota(rota, team, PARAMS) == [
        "Mon 7 Dec, Castle Square evening: Bo and Lee must not work together "
        "(not_with in the team file)."
    ]


def test_fixed_sessions_changed_or_missing() -> None:
    """An agreed pair that was changed, or an agreed session dropped, is caught."""
    rota = GOOD.iloc[:2]
    fixed = {"S0": ("Mo", "Lee"), "S1": ("Bo", "Lee"), "S9": ("Ann", "Lee")}
    assert check_rota(rota, TEAM, PARAMS, fixed=fixed) == [
        "Tue 8 Dec, Castle Square evening: the agreed pair Bo and Lee was changed "
        "to Ann and Lee.",
        "agreed session S9 (Ann and Lee) is missing from the rota.",
    ]


def _varied_hotspots() -> gpd.GeoDataFrame:
    """Four hotspots with weekday, Friday and weekend peaks."""
    frame = pd.DataFrame(
        {
            "hotspot_id": ["H01", "H02", "H03", "H04"],
            "name": ["Castle Square", "Quadrant", "Parc Tawe", "Wind Street"],
            "strength": [6.0, 5.0, 4.0, 3.0],
            "peak_day": ["Sat", "Wed", "Sun", "Fri"],
            "peak_band": ["evening", "after school", "daytime", "late night"],
        }
    )
    cells = [box(265000 + 400 * n, 192000, 265250 + 400 * n, 192250) for n in range(4)]
    return gpd.GeoDataFrame(frame, geometry=cells, crs="EPSG:27700")


def _member(name: str, lead: bool, available: str = "any", off=(), **kw) -> Worker:
    """A worker with 9 hours a week (three sessions)."""
    return Worker(name, lead, 9, parse_available(available), frozenset(off), **kw)


WEDNESDAYS = (date(2026, 12, 9), date(2026, 12, 16))
VARIED_TEAMS = {
    "short-staffed": [_member("Lee", True), _member("Ann", False)],
    "no leads on Wednesdays": [
        _member("Lee", True, off=WEDNESDAYS),
        _member("Mo", True, off=WEDNESDAYS),
        _member("Ann", False),
        _member("Bo", False),
    ],
    "all weekends off": [
        _member("Lee", True),
        _member("Mo", True, available="Mon-Fri 12:00-24:00"),
        _member("Ann", False),
        _member("Bo", False, not_with=frozenset({"Lee"})),
        _member("Cy", False),
    ],
}


@pytest.mark.parametrize("team_name", sorted(VARIED_TEAMS))
def test_checker_passes_every_rota_the_planner_makes(team_name: str) -> None:
    """Short-staffed, no lead on a day, weekends off: the rota keeps every rule."""
    team = VARIED_TEAMS[team_name]
    params = RotaParams(start=date(2026, 12, 7), time_limit_s=5)
    sessions = make_sessions(_varied_hotspots(), params)
    fixed = (
        {sessions["session_id"].iloc[-1]: ("Ann", "Lee")}
        if team_name == ("short-staffed")
        else {}
    )
    result = plan_rota(sessions, team, params, fixed=fixed)
    assert check_rota(result.rota, team, params, fixed=fixed) == []
    assert len(result.explanations) == int((~result.rota["staffed"]).sum())
    if team_name == "no leads on Wednesdays":
        wednesday = result.rota[[d in WEDNESDAYS for d in result.rota["date"]]]
        assert not wednesday["staffed"].any()
        assert all(
            "no lead is available then" in line
            for line in result.explanations
            if line.startswith("Wed")
        )
    if team_name == "all weekends off":
        weekend = result.rota[[d.weekday() >= 5 for d in result.rota["date"]]]
        assert all("Mo" not in names for names in weekend["workers"])
        assert all(
            set(names.split(";")) != {"Bo", "Lee"} for names in result.rota["workers"]
        )
    if team_name == "short-staffed":
        assert result.rota["staffed"].sum() == 6  # Ann: 9 hours a week, two weeks
