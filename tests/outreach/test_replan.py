"""Tests for re-planning a rota mid-period (outreach.replan): scenario 4."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geodata.errors import InputDataError
from geodata.workers import Worker, parse_available
from outreach.checker import check_rota
from outreach.exports import csv_bytes
from outreach.params import RotaParams
from outreach.replan import agreed_pairs, replan_rota, rota_changes
from outreach.rota import plan_rota
from outreach.sessions import make_sessions

MONDAY = date(2026, 11, 30)
WEEK_TWO = frozenset(MONDAY + timedelta(days=7 + d) for d in range(7))
PARAMS = RotaParams(start=MONDAY, time_limit_s=10)


def _worker(name: str, lead: bool, available: str = "Mon-Sun 12:00-24:00", **kw):
    """A worker with 12 hours a week, available as written in a team file."""
    return Worker(
        name, lead, 12, parse_available(available), kw.pop("off", frozenset()), **kw
    )


def _team() -> list[Worker]:
    """Scenario 4: eight workers, two off sick next week, one with no weekends."""
    return [
        _worker("Dafydd", True, welsh_speaker=True),
        _worker("Rhian", True),
        _worker("Owain", True, off=WEEK_TWO),
        _worker("Megan", True),
        _worker("Sam", False),
        _worker("Ceri", False, welsh_speaker=True),
        _worker("Jordan", False, off=WEEK_TWO),
        _worker("Priya", False, available="Mon-Fri 12:00-24:00"),
    ]


def _hotspots() -> gpd.GeoDataFrame:
    """Four hotspots peaking on Saturday, Wednesday, Sunday and Friday."""
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


@pytest.fixture(scope="module")
def planned() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fortnight's sessions and its first rota."""
    sessions = make_sessions(_hotspots(), PARAMS, welsh=["Castle Square"])
    result = plan_rota(sessions, _team(), PARAMS)
    assert result.rota["staffed"].all()
    return sessions, result.rota


def test_sick_day_changes_only_the_sessions_that_must_change(planned) -> None:
    """Sam goes sick on his first day next week: that session alone changes."""
    sessions, rota = planned
    today = MONDAY + timedelta(days=7)
    mine = rota[rota["workers"].str.contains("Sam") & (rota["date"] >= today)]
    sick = mine["date"].iloc[0]
    team = [
        replace(w, unavailable=w.unavailable | {sick}) if w.name == "Sam" else w
        for w in _team()
    ]
    result = replan_rota(rota, team, PARAMS, today=today, sessions=sessions)
    assert check_rota(result.rota, team, PARAMS) == []
    before = rota.set_index("session_id")["workers"]
    after = result.rota.set_index("session_id")["workers"]
    changed = set(before.index[before != after])
    assert changed == {mine["session_id"].iloc[0]}
    assert len(result.changes) == 1
    assert result.changes[0].startswith(
        f"{sick:%a} {sick.day} {sick:%b}, {mine['hotspot_name'].iloc[0]} "
    )
    assert "Sam \u2192 " in result.changes[0]
    assert list(result.rota.columns) == list(rota.columns)
    assert result.goals.set_index("goal").loc["change", "amount"] == 1


def test_past_sessions_stay_as_they_were(planned) -> None:
    """Sessions before today are kept even if the team file now says otherwise."""
    sessions, rota = planned
    today = MONDAY + timedelta(days=7)
    past = rota[rota["date"] < today]
    lead = past["workers"].iloc[0].split(";")[0]
    team = [
        replace(w, unavailable=w.unavailable | set(past["date"]))
        if w.name == lead
        else w
        for w in _team()
    ]
    result = replan_rota(rota, team, PARAMS, today=today, sessions=sessions)
    kept = result.rota[result.rota["date"] < today]
    assert kept["workers"].tolist() == past["workers"].tolist()
    assert result.changes == []
    assert result.explanations == []


def test_rota_changes_in_plain_words() -> None:
    """Swaps, newly uncovered sessions and dropped sessions are each listed."""
    before = pd.DataFrame(
        {
            "session_id": ["S1", "S2", "S3"],
            "date": [date(2026, 12, 16)] * 3,
            "hotspot_name": ["Castle Square", "Quadrant", "Parc Tawe"],
            "band": ["evening", "after school", "daytime"],
            "workers": ["Ann;Sam", "Bo;Lee", "Cy;Di"],
        }
    )
    after = before.iloc[:2].assign(workers=["Ann;Ceri", ""])
    assert rota_changes(before, after) == [
        "Wed 16 Dec, Castle Square evening: Sam \u2192 Ceri",
        "Wed 16 Dec, Quadrant after school: Bo and Lee \u2192 uncovered",
        "Wed 16 Dec, Parc Tawe daytime: removed from the rota",
    ]
    welsh = rota_changes(before, after, lang="cy")
    assert welsh[1].endswith("Bo a Lee \u2192 heb ei staffio")


def test_agreed_pairs_from_a_rota_table() -> None:
    """Rows marked agreed become fixed pairs; an agreed row without a pair fails."""
    rota = pd.DataFrame(
        {
            "session_id": ["S1", "S2"],
            "workers": ["Sam;Ann", ""],
            "agreed": ["yes", "no"],
        }
    )
    assert agreed_pairs(rota) == {"S1": ("Ann", "Sam")}
    assert agreed_pairs(rota.drop(columns="agreed")) == {}
    with pytest.raises(InputDataError, match="'S2' is marked agreed but names 0"):
        agreed_pairs(rota.assign(agreed="yes"))


def test_replanning_a_rota_read_back_from_csv(planned) -> None:
    """rota.csv as text (dates, flags and numbers as strings) re-plans unchanged."""
    _, rota = planned
    text = pd.read_csv(io.BytesIO(csv_bytes(rota)), encoding="utf-8-sig", dtype=str)
    result = replan_rota(text, _team(), PARAMS, today=MONDAY + timedelta(days=7))
    assert result.changes == []
    assert check_rota(result.rota, _team(), PARAMS) == []
