"""Tests for turning hotspots into outreach sessions (outreach.sessions)."""

from __future__ import annotations

from datetime import date, datetime

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geodata.errors import InputDataError
from outreach.params import RotaParams
from outreach.sessions import (
    SESSION_COLUMNS,
    SESSION_EXTRAS,
    make_sessions,
    session_bounds,
)

MONDAY = date(2026, 12, 7)


def _hotspots(*rows: tuple[str, str, float, str, str]) -> gpd.GeoDataFrame:
    """Build hotspots from (id, name, strength, peak_day, peak_band) rows."""
    frame = pd.DataFrame(
        rows, columns=["hotspot_id", "name", "strength", "peak_day", "peak_band"]
    )
    geometry = [
        box(265000 + 300 * n, 192000, 265250 + 300 * n, 192250)
        for n in range(len(rows))
    ]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:27700")


THREE = _hotspots(
    ("H02", "Castle Square", 4.0, "Sat", "evening"),
    ("H01", "Quadrant", 8.0, "Wed", "after school"),
    ("H03", "Mumbles Pier", 2.0, "Sun", "late night"),
)


def test_columns_priority_and_order() -> None:
    """Sessions carry the documented columns, priority follows strength."""
    sessions = make_sessions(THREE, RotaParams(start=MONDAY))
    assert tuple(sessions.columns) == (*SESSION_COLUMNS, *SESSION_EXTRAS)
    assert len(sessions) == 3 * 2 * 2
    priority = sessions.groupby("hotspot_id")["priority"].first()
    assert priority.to_dict() == {"H01": 100, "H02": 50, "H03": 25}
    keys = list(zip(sessions["date"], sessions["start"], strict=True))
    assert keys == sorted(keys)
    assert all(isinstance(day, date) for day in sessions["date"])


def test_peak_day_and_neighbour_each_week_in_band_times() -> None:
    """Two sessions a week go on the peak day and the day before, in the band."""
    sessions = make_sessions(THREE, RotaParams(start=MONDAY))
    castle = sessions[sessions["hotspot_id"] == "H02"]
    assert [d.isoformat() for d in castle["date"]] == [
        "2026-12-11",
        "2026-12-12",
        "2026-12-18",
        "2026-12-19",
    ]
    assert set(castle["start"]) == {"18:30"}
    assert set(castle["end"]) == {"21:30"}
    assert castle["session_id"].iloc[0] == "S2026-12-11-H02-evening"
    quadrant = sessions[sessions["hotspot_id"] == "H01"]
    assert {
        (d.weekday(), s)
        for d, s in zip(quadrant["date"], quadrant["start"], strict=True)
    } == {
        (2, "15:30"),
        (1, "15:30"),
    }


def test_late_night_sessions_end_by_midnight() -> None:
    """Late-night sessions run 21:00-00:00, and longer ones start earlier."""
    three_hours = make_sessions(THREE, RotaParams(start=MONDAY))
    late = three_hours[three_hours["band"] == "late night"]
    assert set(zip(late["start"], late["end"], strict=True)) == {("21:00", "00:00")}
    four_hours = make_sessions(THREE, RotaParams(start=MONDAY, session_hours=4))
    late = four_hours[four_hours["band"] == "late night"]
    assert set(zip(late["start"], late["end"], strict=True)) == {("20:00", "00:00")}


def test_max_hotspots_and_sessions_per_week() -> None:
    """Only the strongest hotspots get sessions, as many a week as asked."""
    params = RotaParams(start=MONDAY, days=7, max_hotspots=2, sessions_per_hotspot=3)
    sessions = make_sessions(THREE, params)
    assert set(sessions["hotspot_id"]) == {"H01", "H02"}
    castle = sessions[sessions["hotspot_id"] == "H02"]
    assert sorted(d.weekday() for d in castle["date"]) == [4, 5, 6]


def test_short_rota_and_mid_week_start() -> None:
    """A rota starting mid-week keeps every session inside its days."""
    params = RotaParams(start=date(2026, 12, 10), days=3)
    sessions = make_sessions(THREE, params)
    assert min(sessions["date"]) >= params.start
    assert max(sessions["date"]) <= date(2026, 12, 12)
    assert sorted(sessions["hotspot_id"]) == ["H02", "H02", "H03"]


def test_unknown_peaks_get_evenings_on_different_days() -> None:
    """Hotspots without known peaks get evening sessions, Friday then Saturday."""
    odd = _hotspots(
        ("H01", "Quadrant", 3.0, "unknown", "unknown"),
        ("H02", "Castle Square", 2.0, "unknown", "unknown"),
    )
    params = RotaParams(start=MONDAY, days=7, sessions_per_hotspot=1)
    sessions = make_sessions(odd, params)
    got = zip(sessions["hotspot_id"], sessions["date"], sessions["start"], strict=True)
    assert [(spot, day.weekday(), start) for spot, day, start in got] == [
        ("H01", 4, "18:30"),
        ("H02", 5, "18:30"),
    ]


def test_empty_hotspots_give_empty_frame() -> None:
    """No hotspots gives an empty table with the columns."""
    sessions = make_sessions(THREE.iloc[0:0], RotaParams(start=MONDAY))
    assert len(sessions) == 0
    assert tuple(sessions.columns) == (*SESSION_COLUMNS, *SESSION_EXTRAS)


def test_session_bounds_cross_midnight_and_text() -> None:
    """An end at or before the start is the next day; text dates are read."""
    frame = pd.DataFrame(
        {
            "date": ["2026-12-12", date(2026, 12, 13)],
            "start": ["21:00", "18:30"],
            "end": ["00:00", "21:30"],
        }
    )
    starts, ends = session_bounds(frame)
    assert starts[0] == datetime(2026, 12, 12, 21)
    assert ends[0] == datetime(2026, 12, 13, 0)
    assert ends[1] == datetime(2026, 12, 13, 21, 30)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"days": 0}, r"days must be a whole number from 1 to 56"),
        ({"days": 60}, r"days must be a whole number from 1 to 56"),
        ({"session_hours": 0.2}, r"session length must be between 0\.5 and 8"),
        ({"session_hours": 2.1}, r"in quarter hours"),
        ({"sessions_per_hotspot": 8}, r"sessions per hotspot must be a whole number"),
        ({"max_hotspots": 0}, r"hotspots to visit must be a whole number"),
        ({"time_limit_s": 0.1}, r"solver time limit must be between 1 and 600"),
        ({"min_rest_hours": 30}, r"rest between sessions must be between 0 and 24"),
        ({"walk_speed_m_per_min": 5}, r"walking speed must be between 30 and 150"),
        ({"circuity": 0.9}, r"circuity .* must be between 1\.0 and 2\.0"),
        ({"seed": 1.5}, r"seed must be a whole number"),
    ],
)
def test_params_are_validated(settings: dict, message: str) -> None:
    """Out-of-range settings raise InputDataError with a plain message."""
    with pytest.raises(InputDataError, match=message):
        RotaParams(start=MONDAY, **settings)


def test_params_start_text_and_bad_start() -> None:
    """The start may be ISO text; anything else that is not a date is refused."""
    assert RotaParams(start="2026-12-07").start == MONDAY  # type: ignore[arg-type]
    assert RotaParams(start=datetime(2026, 12, 7, 9)).start == MONDAY
    with pytest.raises(InputDataError, match=r"rota start must be a date"):
        RotaParams(start="7/12/2026")  # type: ignore[arg-type]


def test_school_holiday_moves_after_school_to_daytime() -> None:
    """In the Christmas holidays a Wednesday after-school peak becomes daytime."""
    christmas = RotaParams(start=date(2026, 12, 21), days=7)
    sessions = make_sessions(THREE, christmas)
    quadrant = sessions[sessions["hotspot_id"] == "H01"]
    assert set(quadrant["band"]) == {"daytime"}
    assert set(quadrant["start"]) == {"12:00"}
    assert set(quadrant["holiday"]) == {"school holiday"}
    assert quadrant["session_id"].iloc[0].endswith("-H01-daytime")
    kept = make_sessions(
        THREE, RotaParams(start=date(2026, 12, 21), days=7, school_holidays=False)
    )
    assert set(kept[kept["hotspot_id"] == "H01"]["band"]) == {"after school"}


def test_bank_holiday_is_marked() -> None:
    """A session on Boxing Day (Saturday 26 Dec 2026) is marked a bank holiday."""
    sessions = make_sessions(THREE, RotaParams(start=date(2026, 12, 21), days=7))
    boxing = sessions[sessions["date"] == date(2026, 12, 26)]
    assert len(boxing) > 0
    assert set(boxing["holiday"]) == {"bank holiday"}


def test_welsh_and_mixed_requests_by_id_or_name() -> None:
    """Hotspots asking for a Welsh speaker or a mixed pair mark their sessions."""
    sessions = make_sessions(
        THREE, RotaParams(start=MONDAY), welsh=["castle square"], mixed=["H03"]
    )
    welsh = sessions.groupby("hotspot_id")["welsh"].all().to_dict()
    mixed = sessions.groupby("hotspot_id")["mixed"].all().to_dict()
    assert welsh == {"H01": False, "H02": True, "H03": False}
    assert mixed == {"H01": False, "H02": False, "H03": True}


def test_priority_picks_the_unreached_new_hotspot() -> None:
    """With one slot, a new, unreached hotspot beats a slightly stronger old one."""
    hotspots = THREE.assign(
        trend=["new", "historical", "persistent"],
        reach_level=["none", "regular", "regular"],
    )
    sessions = make_sessions(hotspots, RotaParams(start=MONDAY, max_hotspots=1))
    assert set(sessions["hotspot_id"]) == {"H02"}
    strongest = make_sessions(THREE, RotaParams(start=MONDAY, max_hotspots=1))
    assert set(strongest["hotspot_id"]) == {"H01"}
