"""The store never holds incidents, uploaded files or their coordinates."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import shapely
import sqlalchemy as sa

from hotspots import HotspotParams, detect_hotspots
from hotspots.simulate import planted_incidents, study_square
from store.debriefs import read_debriefs, save_debriefs
from store.models import metadata
from store.rotas import save_rota
from store.snapshots import save_snapshot

INCIDENT_COLUMNS = {
    "when",
    "has_time",
    "has_day",
    "latitude",
    "longitude",
    "lat",
    "lon",
    "easting",
    "northing",
    "x",
    "y",
    "category",
    "source",
    "geometry",
    "young_people_contacted",
    "address",
    "postcode",
}


@pytest.fixture(scope="module")
def detected():
    """A real hotspot run on 680 simulated incidents with two planted clusters."""
    centres = np.array([[1500.0, 1500.0], [3500.0, 3000.0]])
    incidents = planted_incidents(600, centres, 40, seed=3)
    result = detect_hotspots(incidents, HotspotParams(), area=study_square())
    assert result.status == "ok"
    assert len(result.hotspots) >= 2
    return incidents, result


def _dump(engine) -> list[tuple[str, tuple]]:
    with engine.connect() as conn:
        return [
            (table.name, tuple(row))
            for table in metadata.sorted_tables
            for row in conn.execute(sa.select(table)).all()
        ]


def test_schema_has_no_column_for_incident_records():
    """No table has an incident's columns, a geometry type or a binary blob."""
    for table in metadata.sorted_tables:
        names = {c.name for c in table.columns}
        assert not names & INCIDENT_COLUMNS, table.name
        for column in table.columns:
            assert not isinstance(column.type, sa.LargeBinary), column


def test_saved_records_hold_no_incident_or_upload(
    engine, detected, rota, debrief_csv, today
):
    """After saving a real panel, no row is an incident and no coordinate leaks."""
    incidents, result = detected
    save_snapshot(engine, date(2026, 12, 1), result, user="jo", decisions=["Go"])
    save_rota(engine, "cmet-2026-12-07", rota, user="jo")
    save_debriefs(engine, read_debriefs("d.csv", debrief_csv, today=today), user="jo")
    dump = _dump(engine)
    assert len(dump) < len(incidents) / 10
    text = repr(dump)
    xy = shapely.get_coordinates(incidents.geometry.to_numpy())
    for value in np.unique(np.round(xy.ravel(), 3)):
        assert f"{value:.3f}" not in text
    assert debrief_csv.splitlines()[1].decode() not in text
    vertices = shapely.get_coordinates(
        shapely.from_wkt([row[-1] for name, row in dump if name == "snapshot_hotspots"])
    )
    nearest = np.min(
        np.hypot(*(xy[:, None, :] - vertices[None, :, :]).transpose(2, 0, 1)), axis=1
    )
    assert nearest.min() > 0.01
    stored_counts = [row[5] for name, row in dump if name == "snapshot_hotspots"]
    for count in stored_counts:
        assert count.startswith("<") or int(count) == 0 or int(count) >= 5
