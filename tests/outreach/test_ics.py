"""Tests for outreach.ics: rota as iCalendar events, one per worker and session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from icalendar import Calendar

from outreach.ics import rota_to_ics

STAMP = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def rota() -> pd.DataFrame:
    """Two staffed pairs, one uncovered session, one crossing midnight, and a
    stray categories column that must never reach a calendar."""
    return pd.DataFrame(
        {
            "session_id": ["S1", "S2", "S3"],
            "date": [dt.date(2026, 3, 28), dt.date(2026, 3, 29), dt.date(2026, 3, 30)],
            "start": ["18:00", "22:30", "15:30"],
            "end": ["21:00", "00:30", "18:00"],
            "hotspot_id": ["H01", "H02", "H01"],
            "hotspot_name": ["Castle Square", "Gŵyl Square", "Castle Square"],
            "band": ["evening", "late night", "after school"],
            "priority": [1, 2, 1],
            "workers": ["Ann;Bob", "Cy;Dee", ""],
            "staffed": [True, True, False],
            "categories": ["drugs 37; violence <5"] * 3,
        }
    )


@pytest.fixture
def routes() -> pd.DataFrame:
    """Stops and links for the first two sessions."""
    return pd.DataFrame(
        {
            "session_id": ["S1", "S2"],
            "stops": ["Castle Square → Wind Street", "Gŵyl Square"],
            "directions_url": ["https://example.invalid/1", ""],
        }
    )


def _events(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def test_one_event_per_worker_and_staffed_session(rota, routes):
    """Two staffed pairs give four events; the uncovered session gives none."""
    events = _events(rota_to_ics(rota, rota_id="r1", stamp=STAMP, routes=routes))
    assert len(events) == 4
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "Outreach: Castle Square (evening)",
        "Outreach: Castle Square (evening)",
        "Outreach: Gŵyl Square (late night)",
        "Outreach: Gŵyl Square (late night)",
    ]


def test_times_are_europe_london_and_cross_midnight(rota):
    """Local times in Europe/London (BST from 29 March); 22:30-00:30 ends next day."""
    events = _events(rota_to_ics(rota, rota_id="r1", stamp=STAMP))
    london = ZoneInfo("Europe/London")
    late = next(e for e in events if "late night" in str(e["SUMMARY"]))
    assert late.start == dt.datetime(2026, 3, 29, 22, 30, tzinfo=london)
    assert late.end == dt.datetime(2026, 3, 30, 0, 30, tzinfo=london)
    assert late.start.utcoffset() == dt.timedelta(hours=1)
    assert all(e.DTSTAMP == STAMP for e in events)
    assert b"BEGIN:VTIMEZONE" in rota_to_ics(rota, rota_id="r1", stamp=STAMP)


def test_uids_stable_across_calls_and_unique(rota):
    """Re-publishing gives the same UIDs (and bytes); each event's UID differs."""
    first = rota_to_ics(rota, rota_id="r1", stamp=STAMP)
    second = rota_to_ics(rota.copy(), rota_id="r1", stamp=STAMP)
    uids = [str(e["UID"]) for e in _events(first)]
    assert uids == [str(e["UID"]) for e in _events(second)]
    assert first == second
    assert len(set(uids)) == len(uids)
    other = rota_to_ics(rota, rota_id="r2", stamp=STAMP)
    assert set(uids).isdisjoint(str(e["UID"]) for e in _events(other))


def test_description_and_location(rota, routes):
    """Description names the pair and stops; location is the named place."""
    events = _events(rota_to_ics(rota, rota_id="r1", stamp=STAMP, routes=routes))
    ann = next(e for e in events if "For: Ann" in str(e["DESCRIPTION"]))
    assert "Pair: Ann and Bob" in str(ann["DESCRIPTION"])
    assert "Stops: Castle Square → Wind Street" in str(ann["DESCRIPTION"])
    assert str(ann["LOCATION"]) == "Castle Square"


def test_no_incident_detail_in_event_text(rota, routes):
    """Incident categories and counts never reach the calendar."""
    data = rota_to_ics(rota, rota_id="r1", stamp=STAMP, routes=routes)
    for event in _events(data):
        text = " ".join(str(event[k]) for k in ("SUMMARY", "DESCRIPTION", "LOCATION"))
        for word in ("drugs", "violence", "37", "<5"):
            assert word not in text
    assert b"drugs" not in data


def test_calendar_name(rota):
    """The calendar carries the name apps show."""
    cal = Calendar.from_ical(
        rota_to_ics(rota, rota_id="r1", stamp=STAMP, calendar_name="Rota Ebrill")
    )
    assert str(cal["X-WR-CALNAME"]) == "Rota Ebrill"
