"""Tests for store.snapshots and store.changes: panel memory and what changed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Point, box

from geodata.errors import InputDataError
from hotspots.changes import compare_hotspots
from store import audit_log
from store.snapshots import (
    HOTSPOT_FIELDS,
    latest_snapshot,
    list_snapshots,
    load_snapshot,
    save_snapshot,
)

USER = "jo.bloggs@swansea.gov.uk"


def test_snapshot_round_trip_keeps_the_table_decisions_and_shapes(engine, result):
    """What the panel saw comes back: suppressed counts, polygons, decisions."""
    at = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
    decisions = [
        "Target Castle Square and Parc Tawe",
        "  Ask the police for a joint Friday patrol  ",
    ]
    sid = save_snapshot(
        engine, date(2026, 12, 1), result, user=USER, decisions=decisions, at=at
    )
    snap = load_snapshot(engine, sid)
    assert snap.meeting_date == date(2026, 12, 1)
    assert snap.created_at == at
    assert snap.created_by == USER
    assert snap.threshold == 5
    assert snap.decisions == (
        "Target Castle Square and Parc Tawe",
        "Ask the police for a joint Friday patrol",
    )
    table = snap.hotspots
    assert list(table.columns) == [*HOTSPOT_FIELDS, "geometry"]
    assert table.crs == "EPSG:27700"
    assert table["incidents"].tolist() == ["42", "<5"]
    assert table["incidents_shown"].iloc[0] == 42.0
    assert np.isnan(table["incidents_shown"].iloc[1])
    assert table["categories"].tolist() == ["violence 30; drugs 12", "drugs <5"]
    assert table["trend"].isna().all()
    assert "visits" not in table
    assert table.geometry.iloc[0].equals(result.hotspots.geometry.iloc[0])
    events = audit_log(engine)
    assert events[["event", "user_id", "object_id"]].values.tolist() == [
        ["snapshot_saved", USER, f"snapshot:{sid}"]
    ]


def test_small_counts_in_the_method_choices_are_hidden(engine, result):
    """A count of records below the threshold in the choices is kept as "<5"."""
    sid = save_snapshot(engine, date(2026, 12, 1), result, user=USER)
    choices = load_snapshot(engine, sid).choices
    assert choices["incidents_outside_units"] == "<5"
    assert choices["incidents_analysed"] == 46
    assert choices["recent_periods"] == 3  # a setting, not a count of records
    assert choices["cell_size_m"] == 150.0


def test_trends_can_be_given_by_hotspot_id(engine, result):
    """Trend classes from hotspots.trends are kept with each hotspot."""
    sid = save_snapshot(
        engine, date(2026, 12, 1), result, user=USER, trends={"H01": "persistent"}
    )
    trend = load_snapshot(engine, sid).hotspots["trend"].tolist()
    assert trend[0] == "persistent"
    assert trend[1] is None or trend[1] != trend[1]


def test_latest_snapshot_is_the_last_meeting_before_the_date(engine, result):
    """Since the last panel: the newest meeting before the date, latest save."""
    save_snapshot(engine, date(2026, 11, 3), result, user=USER, decisions=["a"])
    save_snapshot(engine, date(2026, 11, 17), result, user=USER, decisions=["b"])
    save_snapshot(engine, date(2026, 11, 17), result, user=USER, decisions=["c"])
    save_snapshot(engine, date(2026, 12, 1), result, user=USER, decisions=["d"])
    assert latest_snapshot(engine, date(2026, 12, 1)).decisions == ("c",)
    assert latest_snapshot(engine, date(2026, 11, 17)).decisions == ("a",)
    assert latest_snapshot(engine, date(2026, 11, 3)) is None
    listed = list_snapshots(engine)
    assert listed["meeting_date"].tolist()[0] == date(2026, 12, 1)
    assert listed["hotspots"].tolist() == [2, 2, 2, 2]
    assert listed["decisions"].tolist() == [1, 1, 1, 1]


def test_missing_snapshot_is_a_lookup_error(engine):
    """Asking for an id that was never saved says so."""
    with pytest.raises(LookupError, match="no panel snapshot with id 99"):
        load_snapshot(engine, 99)


def _with_hotspots(result, **changes):
    hotspots = result.hotspots.copy()
    for column, values in changes.items():
        hotspots[column] = values
    return dataclasses.replace(result, hotspots=hotspots)


@pytest.mark.parametrize(
    "changes",
    [
        {"incidents": ["42", "3"]},
        {"incidents_shown": [42.0, 3.0]},
        {"categories": ["violence 30; drugs 2", "drugs <5"]},
        {"sources": ["police 42", "police 1"]},
        {"incidents": ["42", "<3"]},
    ],
)
def test_unsuppressed_counts_are_refused(engine, result, changes):
    """A count from 1 to k-1 anywhere in the table is never stored."""
    with pytest.raises(ValueError, match="not suppressed at the disclosure threshold"):
        save_snapshot(
            engine, date(2026, 12, 1), _with_hotspots(result, **changes), user=USER
        )
    assert list_snapshots(engine).empty


def test_points_are_refused(engine, result):
    """A layer of points (e.g. incidents) can never become a snapshot."""
    points = gpd.GeoDataFrame(
        result.hotspots.drop(columns="geometry"),
        geometry=[Point(265600, 192950), Point(266000, 193100)],
        crs=27700,
    )
    with pytest.raises(ValueError, match="a snapshot never keeps points"):
        save_snapshot(
            engine,
            date(2026, 12, 1),
            dataclasses.replace(result, hotspots=points),
            user=USER,
        )


def test_an_incident_table_is_not_a_hotspot_table(engine, result):
    """Canonical incidents lack the hotspot columns and are refused."""
    incidents = gpd.GeoDataFrame(
        {"when": [datetime(2026, 1, 1)], "category": ["violence"]},
        geometry=[box(0, 0, 1, 1)],
        crs=27700,
    )
    with pytest.raises(ValueError, match="not a hotspot table"):
        save_snapshot(
            engine,
            date(2026, 12, 1),
            dataclasses.replace(result, hotspots=incidents),
            user=USER,
        )


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("Refer to jo@example.org", r"decision 1: .*an e-mail address"),
        ("Call 07700 900123 tonight", r"decision 1: .*a phone number"),
        ("Girl DOB 01/02/2011 seen", r"decision 1: .*a date of birth"),
        ("x" * 1001, r"decision 1: 1001 characters; at most 1000"),
    ],
)
def test_decisions_that_name_people_are_refused(engine, result, decision, message):
    """Decisions are about places and actions; personal details are refused."""
    with pytest.raises(InputDataError, match=message):
        save_snapshot(
            engine, date(2026, 12, 1), result, user=USER, decisions=[decision]
        )
    assert list_snapshots(engine).empty


@pytest.mark.parametrize("user", ["", "two words", "x" * 121, None])
def test_user_must_be_an_id(engine, result, user):
    """The user is an id, never free text."""
    with pytest.raises(ValueError, match="user id must be"):
        save_snapshot(engine, date(2026, 12, 1), result, user=user)


def test_a_snapshot_feeds_since_the_last_panel(engine, result):
    """The saved table is what hotspots.changes compares today's map with."""
    save_snapshot(engine, date(2026, 11, 17), result, user=USER)
    previous = latest_snapshot(engine, date(2026, 12, 1)).hotspots
    today = result.hotspots.iloc[[0]].copy()
    today["geometry"] = [box(265550, 192900, 265850, 193050)]
    far = result.hotspots.iloc[[0]].copy()
    far["hotspot_id"], far["name"] = "H02", "Mumbles Pier"
    far["geometry"] = [box(262000, 187000, 262150, 187150)]
    now = gpd.GeoDataFrame(pd.concat([today, far], ignore_index=True), crs=27700)
    change, gone = compare_hotspots(previous, now)
    assert change.tolist() == ["steady", "new"]
    assert gone["name"].tolist() == ["Parc Tawe"]
