"""Tests for the CP-SAT pair rota (outreach.rota) on small hand-built teams."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geodata.errors import InputDataError
from geodata.workers import Worker, parse_available
from outreach.checker import check_rota
from outreach.params import RotaParams, RotaWeights
from outreach.rota import plan_rota
from outreach.sessions import SESSION_COLUMNS, SESSION_EXTRAS, make_sessions

MONDAY = date(2026, 12, 7)
PARAMS = RotaParams(start=MONDAY, time_limit_s=5)


def _worker(
    name: str,
    lead: bool,
    hours: float = 12,
    available: str = "any",
    off: tuple[date, ...] = (),
) -> Worker:
    """Build a worker from the same text a team CSV would hold."""
    return Worker(name, lead, hours, parse_available(available), frozenset(off))


def _sessions(*rows: tuple[str, str, str, str, str, int]) -> pd.DataFrame:
    """Build sessions from (date, start, end, hotspot_id, band, priority) rows."""
    records = [
        {
            "session_id": f"S{day}-{spot}-{band}",
            "date": date.fromisoformat(day),
            "start": start,
            "end": end,
            "hotspot_id": spot,
            "hotspot_name": {"H01": "Castle Square", "H02": "Quadrant"}[spot],
            "band": band,
            "priority": priority,
        }
        for day, start, end, spot, band, priority in rows
    ]
    return pd.DataFrame(records, columns=list(SESSION_COLUMNS))


def _hotspots() -> gpd.GeoDataFrame:
    """Three hotspots with evening, weekend and after-school peaks."""
    frame = pd.DataFrame(
        {
            "hotspot_id": ["H01", "H02", "H03"],
            "name": ["Castle Square", "Quadrant", "Mumbles Pier"],
            "strength": [6.0, 4.0, 3.0],
            "peak_day": ["Sat", "Wed", "Fri"],
            "peak_band": ["evening", "after school", "late night"],
        }
    )
    cells = [box(265000 + 400 * n, 192000, 265250 + 400 * n, 192250) for n in range(3)]
    return gpd.GeoDataFrame(frame, geometry=cells, crs="EPSG:27700")


TEAM = [
    _worker("Lee", True),
    _worker("Mo", True, available="Mon-Fri 12:00-24:00"),
    _worker("Ann", False, hours=9),
    _worker("Bo", False),
    _worker("Cy", True, hours=6, available="Wed-Sun 15:00-24:00"),
    _worker("Di", False, available="Fri-Sun 12:00-24:00"),
]


def _teams(rota: pd.DataFrame) -> list[set[str]]:
    """Return the set of workers on each session."""
    return [set(team.split(";")) - {""} for team in rota["workers"]]


def test_normal_team_covers_everything_and_passes_the_checker() -> None:
    """A well-staffed team covers every session with a valid pair."""
    sessions = make_sessions(_hotspots(), PARAMS)
    result = plan_rota(sessions, TEAM, PARAMS)
    assert result.status == "optimal"
    assert result.rota["staffed"].all()
    assert result.explanations == []
    assert check_rota(result.rota, TEAM, PARAMS) == []
    assert list(result.rota.columns) == [
        *SESSION_COLUMNS,
        *SESSION_EXTRAS,
        "workers",
        "staffed",
    ]
    assert list(result.rota["session_id"]) == list(sessions["session_id"])
    for team in result.rota["workers"]:
        names = team.split(";")
        assert names == sorted(names)
        assert len(names) == 2
    assert result.gap == 0
    assert result.bound == pytest.approx(result.objective)
    assert 0 <= result.wall_time_s < 5


def test_short_staffed_gives_best_rota_and_explains() -> None:
    """With one lead, the higher-priority clash is covered and the other explained."""
    sessions = _sessions(
        ("2026-12-12", "18:30", "21:30", "H02", "evening", 50),
        ("2026-12-12", "18:30", "21:30", "H01", "evening", 100),
        ("2026-12-13", "18:30", "21:30", "H01", "evening", 100),
    )
    team = [_worker("Lee", True), _worker("Ann", False), _worker("Bo", False)]
    result = plan_rota(sessions, team, PARAMS)
    assert result.status == "optimal"
    assert result.rota["staffed"].tolist() == [False, True, True]
    assert result.rota["workers"].iloc[0] == ""
    assert result.explanations == [
        "Sat 12 Dec, Quadrant evening: uncovered \u2014 only one lead is available "
        "then (Lee: on Castle Square evening that day)"
    ]
    assert check_rota(result.rota, team, PARAMS) == []


@pytest.mark.parametrize(
    ("team", "reason"),
    [
        (
            [_worker("Lee", True, available="Sun 12:00-24:00"), _worker("Ann", False)],
            "only one worker is available then (Ann) and nobody works alone",
        ),
        (
            [
                _worker("Lee", True, available="Sun 12:00-24:00"),
                _worker("Ann", False, available="Sun 12:00-24:00"),
            ],
            "nobody is available then",
        ),
        (
            [
                _worker("Lee", True, off=(date(2026, 12, 12),)),
                _worker("Ann", False),
                _worker("Bo", False),
            ],
            "no lead is available then (available: Ann, Bo)",
        ),
    ],
)
def test_availability_reasons(team: list[Worker], reason: str) -> None:
    """Uncovered sessions name the real availability problem."""
    sessions = _sessions(("2026-12-12", "18:30", "21:30", "H01", "evening", 80))
    result = plan_rota(sessions, team, PARAMS)
    assert result.explanations == [
        f"Sat 12 Dec, Castle Square evening: uncovered \u2014 {reason}"
    ]


def test_hours_used_up_is_explained_and_respected() -> None:
    """A lead with 3 hours a week does one session a week; the rest is explained."""
    sessions = _sessions(
        ("2026-12-08", "18:30", "21:30", "H01", "evening", 100),
        ("2026-12-10", "18:30", "21:30", "H01", "evening", 60),
        ("2026-12-15", "18:30", "21:30", "H01", "evening", 60),
    )
    team = [_worker("Lee", True, hours=3), _worker("Ann", False), _worker("Bo", False)]
    result = plan_rota(sessions, team, PARAMS)
    assert result.rota["staffed"].tolist() == [True, False, True]
    assert result.explanations == [
        "Thu 10 Dec, Castle Square evening: uncovered \u2014 only one lead is "
        "available then (Lee: hours used up that week (3 of 3 h))"
    ]


def test_max_hours_respected_per_week() -> None:
    """No worker goes over max_hours in any 7-day block."""
    team = [
        _worker("Lee", True, hours=6),
        _worker("Mo", True, hours=6),
        _worker("Ann", False, hours=3),
        _worker("Bo", False, hours=6),
        _worker("Cy", False, hours=6),
    ]
    sessions = make_sessions(_hotspots(), PARAMS)
    result = plan_rota(sessions, team, PARAMS)
    rota = result.rota.assign(
        week=[(d - MONDAY).days // 7 for d in result.rota["date"]]
    )
    load: Counter = Counter()
    for week, names in zip(rota["week"], _teams(rota), strict=True):
        for name in names:
            load[(name, week)] += 3
    assert load
    limits = {worker.name: worker.max_hours for worker in team}
    assert all(hours <= limits[name] for (name, _), hours in load.items())
    assert check_rota(result.rota, team, PARAMS) == []


def test_unavailable_date_is_never_used() -> None:
    """A worker is never rostered on a date they cannot work."""
    off = date(2026, 12, 12)
    team = [
        _worker("Lee", True, off=(off,)),
        _worker("Mo", True),
        _worker("Ann", False),
    ]
    sessions = make_sessions(_hotspots(), PARAMS)
    result = plan_rota(sessions, team, PARAMS)
    on_day = result.rota[result.rota["date"] == off]
    assert len(on_day) > 0
    assert all("Lee" not in names for names in _teams(on_day))


def test_no_weekends_worker_never_on_weekends() -> None:
    """A weekday-only worker is never on a Saturday or Sunday session."""
    team = [
        _worker("Lee", True),
        _worker("Mo", True, available="Mon-Fri 12:00-24:00"),
        _worker("Ann", False),
        _worker("Bo", False, available="Mon-Fri 12:00-24:00"),
    ]
    sessions = make_sessions(_hotspots(), PARAMS)
    result = plan_rota(sessions, team, PARAMS)
    weekend = result.rota[[d.weekday() >= 5 for d in result.rota["date"]]]
    assert len(weekend) > 0
    assert all(not names & {"Mo", "Bo"} for names in _teams(weekend))
    assert weekend["staffed"].all()


def test_rest_rule_refuses_late_then_early() -> None:
    """Nobody works a late session and then a morning one 9 hours later."""
    sessions = _sessions(
        ("2026-12-11", "21:00", "00:00", "H01", "late night", 90),
        ("2026-12-12", "09:00", "12:00", "H02", "daytime", 90),
    )
    team = [
        _worker("Lee", True),
        _worker("Mo", True),
        _worker("Ann", False),
        _worker("Bo", False),
    ]
    result = plan_rota(sessions, team, PARAMS)
    assert result.rota["staffed"].all()
    late, early = _teams(result.rota)
    assert not late & early
    short = plan_rota(sessions, team[:2] + team[2:3], PARAMS)
    assert short.rota["staffed"].sum() == 1
    assert "less than 11 h rest from" in short.explanations[0]


def test_fixed_assignment_is_kept() -> None:
    """An agreed pair stays, even where the solver chose another pair."""
    sessions = make_sessions(_hotspots(), PARAMS)
    target = sessions["session_id"].iloc[3]
    free = plan_rota(sessions, TEAM, PARAMS).rota.set_index("session_id")
    agreed = next(
        pair
        for pair in (("Bo", "Lee"), ("Ann", "Lee"))
        if ";".join(sorted(pair)) != free.loc[target, "workers"]
    )
    result = plan_rota(sessions, TEAM, PARAMS, fixed={target: agreed})
    row = result.rota.set_index("session_id").loc[target]
    assert row["workers"] == ";".join(sorted(agreed))
    assert row["staffed"]
    assert check_rota(result.rota, TEAM, PARAMS) == []


def test_replanning_a_rota_table_keeps_one_set_of_columns() -> None:
    """A rota fed back in as sessions gets fresh workers/staffed columns."""
    sessions = _sessions(("2026-12-12", "18:30", "21:30", "H01", "evening", 80))
    team = [_worker("Lee", True), _worker("Ann", False)]
    first = plan_rota(sessions, team, PARAMS).rota
    again = plan_rota(first.assign(workers="", staffed=False), team, PARAMS).rota
    assert list(again.columns) == [*SESSION_COLUMNS, "workers", "staffed"]
    assert again["workers"].tolist() == ["Ann;Lee"]


@pytest.mark.parametrize(
    ("fixed", "message"),
    [
        ({"S-nope": ("Lee", "Ann")}, r"session 'S-nope' is not in the plan"),
        ({0: ("Lee", "Zed")}, r"'Zed' is not in the team"),
        ({0: ("Lee", "Lee")}, r"a pair needs two different workers"),
        ({0: ("Ann", "Bo")}, r"neither Ann nor Bo is a lead"),
        ({0: ("Lee", "Di")}, r"Di is not available then"),
        (
            {0: ("Lee", "Ann"), 1: ("Lee", "Bo")},
            r"fixed assignments break the rota rules together: .*Lee has 2 "
            r"sessions on one day",
        ),
    ],
)
def test_bad_fixed_assignments_are_refused(fixed: dict, message: str) -> None:
    """Fixed pairs that break a hard rule raise InputDataError."""
    sessions = _sessions(
        ("2026-12-08", "18:30", "21:30", "H01", "evening", 100),
        ("2026-12-08", "15:30", "18:30", "H02", "after school", 100),
    )
    ids = sessions["session_id"].tolist()
    named = {
        ids[key] if isinstance(key, int) else key: pair for key, pair in fixed.items()
    }
    with pytest.raises(InputDataError, match=message):
        plan_rota(sessions, TEAM, PARAMS, fixed=named)


def test_fairness_spreads_evening_and_weekend_sessions() -> None:
    """Four weekend evenings with four workers: everyone does two."""
    sessions = _sessions(
        ("2026-12-12", "18:30", "21:30", "H01", "evening", 100),
        ("2026-12-13", "18:30", "21:30", "H01", "evening", 100),
        ("2026-12-19", "18:30", "21:30", "H01", "evening", 100),
        ("2026-12-20", "18:30", "21:30", "H01", "evening", 100),
    )
    team = [_worker("Lee", True), _worker("Mo", True), _worker("Ann", False)]
    team.append(_worker("Bo", False))
    result = plan_rota(sessions, team, PARAMS)
    counts = Counter(name for names in _teams(result.rota) for name in names)
    assert counts == {"Lee": 2, "Mo": 2, "Ann": 2, "Bo": 2}


def test_continuity_keeps_a_small_core_team() -> None:
    """Weekday after-school sessions at one hotspot go to the same pair."""
    sessions = _sessions(
        ("2026-12-08", "15:30", "18:30", "H02", "after school", 100),
        ("2026-12-09", "15:30", "18:30", "H02", "after school", 100),
        ("2026-12-15", "15:30", "18:30", "H02", "after school", 100),
        ("2026-12-16", "15:30", "18:30", "H02", "after school", 100),
    )
    result = plan_rota(sessions, TEAM[:4], PARAMS)
    assert len(set(result.rota["workers"])) == 1
    assert result.rota["staffed"].all()


def test_no_sessions() -> None:
    """An empty plan returns an empty rota with the extra columns."""
    sessions = _sessions()
    result = plan_rota(sessions, TEAM, PARAMS)
    assert result.status == "no sessions"
    assert list(result.rota.columns) == [*SESSION_COLUMNS, "workers", "staffed"]
    assert result.explanations == []


def _one(day: str = "2026-12-12", spot: str = "H01", **flags: bool) -> pd.DataFrame:
    """One evening session at a hotspot, with welsh/mixed flags if given."""
    sessions = _sessions((day, "18:30", "21:30", spot, "evening", 80))
    return sessions.assign(**flags)


def test_banned_pair_is_never_planned() -> None:
    """Lee must not work with Ann: every pair with Lee is Lee and Bo."""
    team = [
        Worker("Lee", True, 12, parse_available("any"), frozenset(), not_with={"Ann"}),
        _worker("Ann", False),
        _worker("Bo", False),
    ]
    result = plan_rota(make_sessions(_hotspots(), PARAMS), team, PARAMS)
    staffed = [names for names in _teams(result.rota) if names]
    assert staffed
    assert all(names == {"Bo", "Lee"} for names in staffed)
    assert check_rota(result.rota, team, PARAMS) == []


def test_banned_pair_leaves_a_session_uncovered_and_says_why() -> None:
    """Only Lee and Ann are free, and they may not be paired."""
    team = [
        Worker("Lee", True, 12, parse_available("any"), frozenset(), not_with={"Ann"}),
        _worker("Ann", False),
    ]
    result = plan_rota(_one(), team, PARAMS)
    assert result.explanations == [
        "Sat 12 Dec, Castle Square evening: uncovered \u2014 the free workers may "
        "not be paired together (Ann and Lee)"
    ]


def test_banned_fixed_pair_is_refused() -> None:
    """An agreed pair that is banned is refused before solving."""
    team = [
        Worker("Lee", True, 12, parse_available("any"), frozenset(), not_with={"Ann"}),
        _worker("Ann", False),
    ]
    sessions = _one()
    with pytest.raises(InputDataError, match="Lee and Ann must not work together"):
        plan_rota(
            sessions, team, PARAMS, fixed={sessions.session_id[0]: ("Lee", "Ann")}
        )


def test_welsh_speaker_where_asked_and_broken_preference_explained() -> None:
    """A Welsh-speaking lead is chosen; with none available the rota says so."""
    speaker = Worker("Mo", True, 12, parse_available("any"), frozenset(), True)
    team = [_worker("Lee", True), speaker, _worker("Ann", False)]
    result = plan_rota(_one(welsh=True), team, PARAMS)
    assert "Mo" in _teams(result.rota)[0]
    assert result.broken == []
    off = Worker("Mo", True, 12, parse_available("Sun 12:00-24:00"), frozenset(), True)
    short = plan_rota(
        _one(welsh=True), [_worker("Lee", True), off, _worker("Ann", False)], PARAMS
    )
    assert short.broken == [
        "Sat 12 Dec, Castle Square evening: no Welsh speaker in the pair (Ann and "
        "Lee) \u2014 no Welsh speaker is available then"
    ]
    assert short.goals.set_index("goal").loc["welsh_speaker", "amount"] == 1


def test_mixed_pair_where_asked() -> None:
    """Where a mixed pair is asked for, Lee (F) goes with Bo (M), not Ann (F)."""
    team = [
        Worker("Lee", True, 12, parse_available("any"), frozenset(), gender="F"),
        Worker("Ann", False, 12, parse_available("any"), frozenset(), gender="F"),
        Worker("Bo", False, 12, parse_available("any"), frozenset(), gender="M"),
    ]
    assert _teams(plan_rota(_one(mixed=True), team, PARAMS).rota)[0] == {"Bo", "Lee"}
    unmixed = plan_rota(_one(mixed=True), team[:2], PARAMS)
    assert unmixed.broken == [
        "Sat 12 Dec, Castle Square evening: not a mixed pair (Ann and Lee) as asked"
    ]


@pytest.mark.parametrize(("busy", "chosen"), [("Ann", "Bo"), ("Bo", "Ann")])
def test_weekend_fairness_carries_over_from_history(busy: str, chosen: str) -> None:
    """Whoever did three weekend evenings last period sits this Saturday out."""
    team = [_worker("Lee", True), _worker("Ann", False), _worker("Bo", False)]
    history = pd.DataFrame(
        {
            "date": ["2026-11-21", "2026-11-28", "2026-11-29"],
            "start": ["18:30"] * 3,
            "end": ["21:30"] * 3,
            "hotspot_name": ["Quadrant"] * 3,
            "workers": [f"{busy};Zed"] * 3,
        }
    )
    result = plan_rota(_one(), team, PARAMS, history=history)
    assert _teams(result.rota)[0] == {"Lee", chosen}


@pytest.mark.parametrize("face", ["Ann", "Bo"])
def test_known_face_from_history(face: str) -> None:
    """The worker who has been to Castle Square before goes back there."""
    team = [_worker("Lee", True), _worker("Ann", False), _worker("Bo", False)]
    history = pd.DataFrame(
        {
            "date": ["2026-11-24"],
            "start": ["15:30"],
            "end": ["18:30"],
            "hotspot_name": ["Castle Square"],
            "workers": [f"{face};Zed"],
        }
    )
    result = plan_rota(_one(), team, PARAMS, history=history)
    assert _teams(result.rota)[0] == {"Lee", face}
    assert result.goals.set_index("goal").loc["known_face", "amount"] == 0


def test_weights_goals_summary_and_try_harder_are_reported() -> None:
    """The result carries its weights, each goal's penalty and the solver limits."""
    harder = replace(PARAMS, try_harder=True, weights=RotaWeights(same_pair=5))
    result = plan_rota(make_sessions(_hotspots(), harder), TEAM, harder)
    assert result.weights == RotaWeights(same_pair=5)
    goals = result.goals.set_index("goal")
    assert goals.loc["same_pair", "weight"] == 5
    assert (goals["penalty"] == goals["weight"] * goals["amount"]).all()
    assert int(goals["penalty"].sum()) == result.soft
    assert result.time_limit_s == 15
    assert result.solver_workers == 8
    assert "proven bound" in result.summary
    assert result.status == "optimal"
    assert result.soft_bound == result.soft


def test_explanations_in_welsh() -> None:
    """lang="cy" gives the uncovered reasons in Welsh."""
    team = [_worker("Lee", True, available="Sun 12:00-24:00"), _worker("Ann", False)]
    result = plan_rota(_one(), team, PARAMS, lang="cy")
    assert len(result.explanations) == 1
    assert "heb ei staffio" in result.explanations[0]
    assert (
        "dim ond un gweithiwr sydd ar gael bryd hynny (Ann)" in result.explanations[0]
    )
