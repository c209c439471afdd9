"""Tests for outreach dosage per hotspot from debriefs (outreach.dosage)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from outreach.dosage import DOSAGE_COLUMNS, dosage_table

HOTSPOTS = pd.DataFrame(
    {
        "hotspot_id": ["H01", "H02", "H03"],
        "name": ["Castle Square", "Quadrant", "Parc Tawe"],
    }
)


def _debriefs() -> pd.DataFrame:
    """Castle Square: 4 held (9 young people); Quadrant: 1 held, 3 young people;
    one not held; one at a place that is no longer a hotspot; one too old."""
    rows = [
        ("2026-11-02", "Castle Square", True, 2),
        ("2026-11-09", "castle  square", True, 3),
        ("2026-11-16", "Castle Square", True, 4),
        ("2026-11-23", "Castle Square", True, 0),
        ("2026-11-20", "Quadrant", True, 3),
        ("2026-11-21", "Quadrant", False, 0),
        ("2026-11-22", "Mumbles Pier", True, 12),
        ("2026-09-01", "Parc Tawe", True, 7),
    ]
    return pd.DataFrame(rows, columns=["date", "hotspot", "visited", "young_people"])


def test_counts_suppression_and_reach() -> None:
    """Held visits and young people per hotspot; 3 shows as '<5'; reach levels."""
    table = dosage_table(
        _debriefs(),
        HOTSPOTS,
        threshold=5,
        start=date(2026, 10, 31),
        end=date(2026, 11, 27),
    )
    assert list(table.columns) == list(DOSAGE_COLUMNS)
    assert table["held"].tolist() == [4, 1, 0]
    assert table["debriefed"].tolist() == [4, 2, 0]
    assert table["young_people"].tolist() == ["9", "<5", "0"]
    assert table["young_people_shown"].isna().tolist() == [False, True, False]
    assert table["held_per_fortnight"].tolist() == [2.0, 0.5, 0.0]
    assert table["reach_level"].tolist() == ["regular", "rare", "none"]


def test_bad_period() -> None:
    """A period that ends before it starts is a bug."""
    with pytest.raises(ValueError, match="ends"):
        dosage_table(
            _debriefs(),
            HOTSPOTS,
            threshold=5,
            start=date(2026, 11, 2),
            end=date(2026, 11, 1),
        )
