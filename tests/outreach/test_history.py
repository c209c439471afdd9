"""Tests for reading past rotas (outreach.history): unsocial counts, known faces."""

from __future__ import annotations

import pandas as pd

from outreach.history import HISTORY_COLUMNS, history_counts, known_faces


def _history() -> pd.DataFrame:
    """A Friday evening, a Saturday after-school session, Christmas Day, uncovered."""
    return pd.DataFrame(
        {
            "date": ["2026-11-27", "2026-11-28", "2026-12-25", "2026-11-29"],
            "start": ["18:30", "15:30", "12:00", "18:30"],
            "end": ["21:30", "18:30", "15:00", "21:30"],
            "hotspot_name": ["Castle Square", "Quadrant", "Castle Square", "Quadrant"],
            "workers": ["Ann;Bo", "Bo;Cy", "Ann;Cy", ""],
        }
    )


def test_counts_per_worker() -> None:
    """Evening = ends after 20:00; weekend = Sat/Sun; holiday = bank holiday."""
    counts = history_counts(_history()).set_index("worker")
    assert list(counts.reset_index().columns) == list(HISTORY_COLUMNS)
    assert counts.loc["Ann"].tolist() == [1, 0, 1]
    assert counts.loc["Bo"].tolist() == [1, 1, 0]
    assert counts.loc["Cy"].tolist() == [0, 1, 1]


def test_known_faces_by_place() -> None:
    """Everyone who worked a place is a known face there (names case-folded keys)."""
    faces = known_faces(_history())
    assert faces == {"castle square": {"Ann", "Bo", "Cy"}, "quadrant": {"Bo", "Cy"}}
    assert known_faces(None) == {}
    assert history_counts(None).empty
