"""Tests for session priorities (outreach.priority): the visible weighting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.errors import InputDataError
from outreach.params import PriorityWeights
from outreach.priority import PRIORITY_COLUMNS, hotspot_priorities


def _hotspots(**extra: list) -> pd.DataFrame:
    """Two equally strong hotspots, with any extra columns given."""
    return pd.DataFrame(
        {"hotspot_id": ["H01", "H02"], "name": ["A", "B"], "strength": [4.0, 4.0]}
        | extra
    )


def _gaps(open_minutes: dict[str, float | None]) -> pd.DataFrame:
    """A gaps table where each hotspot's key services are that many minutes away."""
    rows = []
    for hid, minutes in open_minutes.items():
        for category in ("youth and diversionary", "mental health", "substance misuse"):
            rows.append(
                {
                    "hotspot_id": hid,
                    "category": category,
                    "walk_minutes": minutes,
                    "open_walk_minutes": minutes,
                    "checked_at": "Fri 19:30",
                }
            )
    frame = pd.DataFrame(rows)
    frame["open_walk_minutes"] = frame["open_walk_minutes"].astype("Int64")
    return frame


def test_strength_alone_is_proportional() -> None:
    """With no other data, priority is 100 x strength / strongest."""
    frame = pd.DataFrame(
        {"hotspot_id": ["H1", "H2"], "name": ["A", "B"], "strength": [8.0, 2.0]}
    )
    scored = hotspot_priorities(frame)
    assert list(scored.columns) == list(PRIORITY_COLUMNS)
    assert scored["priority"].tolist() == [100, 25]
    assert scored["trend_score"].isna().all()


def test_hand_computed_weighted_mean() -> None:
    """Strength 1, trend new + up (1.2 -> 1), services 1, reach none: 100 vs 53."""
    hotspots = _hotspots(
        trend=["new", "historical"],
        recent=["up", "same"],
        reach_level=["none", "regular"],
    )
    scored = hotspot_priorities(hotspots, gaps=_gaps({"H01": None, "H02": 5}))
    assert scored["trend_score"].tolist() == [1.0, 0.1]
    assert scored["services_score"].tolist() == [1.0, 0.0]
    assert scored["reach_score"].tolist() == [1.0, 0.0]
    # H02: (55 x 1 + 20 x 0.1 + 15 x 0 + 10 x 0) / 100 = 0.57
    assert scored["priority"].tolist() == [100, 57]
    assert "strength 1.00" in scored.loc[1, "why"]


def test_weights_change_the_order() -> None:
    """Putting all the weight on reach ranks the unreached hotspot first."""
    hotspots = _hotspots(reach_level=["regular", "none"])
    weights = PriorityWeights(strength=1, trend=0, services=0, reach=99)
    scored = hotspot_priorities(hotspots, weights=weights)
    assert scored["priority"].tolist() == [1, 100]


def test_debriefs_count_as_reach() -> None:
    """A hotspot with no contacts but regular debriefed visits is not 'unreached'."""
    hotspots = _hotspots(reach_level=["none", "none"])
    dosage = pd.DataFrame({"hotspot_id": ["H01"], "reach_level": ["regular"]})
    scored = hotspot_priorities(hotspots, dosage=dosage)
    assert scored["reach_score"].tolist() == [0.0, 1.0]
    assert scored["priority"].iloc[0] < scored["priority"].iloc[1]


def test_zero_strength_weight_is_refused() -> None:
    """Strength is the one score every hotspot has, so it must count."""
    with pytest.raises(InputDataError, match="priority weight strength must be"):
        PriorityWeights(strength=0)
    assert np.isnan(hotspot_priorities(_hotspots())["reach_score"]).all()
