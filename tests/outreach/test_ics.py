"""Tests for outreach.ics: rota as iCalendar events, one per worker and session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from icalendar import Calendar

from outreach.ics import ics_sequences, rota_to_ics

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


def _by_uid(data: bytes) -> dict:
    """Events of a calendar by UID."""
    return {str(e["UID"]): e for e in _events(data)}


def test_republishing_bumps_changed_sessions_and_cancels_removed_workers(rota):
    """Sam -> Ceri on S1: Ann's event goes to SEQUENCE 1, Bob's is cancelled, Ceri's
    is new; the unchanged session keeps SEQUENCE 0 and the same UIDs."""
    first = rota.assign(workers=["Ann;Bob", "Cy;Dee", ""])
    second = first.assign(workers=["Ann;Ceri", "Cy;Dee", ""])
    old = _by_uid(rota_to_ics(first, rota_id="r1", stamp=STAMP))
    new = _by_uid(rota_to_ics(second, rota_id="r1", stamp=STAMP, previous=first))
    assert set(old) <= set(new)
    states = {
        str(e["DESCRIPTION"]).splitlines()[0]: (
            str(e["STATUS"]),
            int(e["SEQUENCE"]),
        )
        for e in new.values()
    }
    assert states["For: Ann"] == ("CONFIRMED", 1)
    assert states["For: Ceri"] == ("CONFIRMED", 1)
    assert states["For: Cy"] == ("CONFIRMED", 0)
    bob = next(e for e in new.values() if str(e["STATUS"]) == "CANCELLED")
    assert "Bob" in str(bob["DESCRIPTION"])
    assert str(bob["UID"]) in old
    assert int(bob["SEQUENCE"]) == 1


def test_uncovered_session_cancels_both_events(rota):
    """A session that loses its pair cancels both workers' events."""
    later = rota.assign(workers=["", "Cy;Dee", ""], staffed=[False, True, False])
    events = _events(rota_to_ics(later, rota_id="r1", stamp=STAMP, previous=rota))
    cancelled = [e for e in events if str(e["STATUS"]) == "CANCELLED"]
    assert len(cancelled) == 2
    assert all(str(e["SUMMARY"]).startswith("Cancelled") for e in cancelled)


def test_sequences_count_on_from_a_stored_column(rota):
    """ics_sequences adds one to a changed session's stored sequence."""
    stored = rota.assign(sequence=[3, 0, 0])
    moved = rota.assign(start=["18:30", "22:30", "15:30"])
    assert ics_sequences(moved, stored).tolist() == [4, 0, 0]
    assert ics_sequences(moved, None).tolist() == [0, 0, 0]
    with_column = moved.assign(sequence=[7, 7, 7])
    events = _events(rota_to_ics(with_column, rota_id="r1", stamp=STAMP))
    assert {int(e["SEQUENCE"]) for e in events} == {7}


def test_event_text_in_welsh(rota):
    """lang="cy" writes the summary, pair and calendar name in Welsh."""
    data = rota_to_ics(rota, rota_id="r1", stamp=STAMP, lang="cy")
    cal = Calendar.from_ical(data)
    assert str(cal["X-WR-CALNAME"]) == "Rota allgymorth CMET"
    event = next(e for e in _events(data) if "Castle Square" in str(e["SUMMARY"]))
    assert str(event["SUMMARY"]).startswith("Allgymorth: Castle Square (")
    assert "Pâr: Ann a Bob" in str(event["DESCRIPTION"])
