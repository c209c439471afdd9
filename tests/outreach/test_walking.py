"""Tests for outreach.walking: straight-line to walking estimates."""

from __future__ import annotations

import numpy as np
import pytest

from outreach.walking import walk_metres, walk_minutes


def test_walk_minutes_is_ceil_of_distance_times_circuity_over_speed():
    """800 m x 1.3 / 80 = 13 exactly; 100 m gives 1.625, rounded up to 2."""
    minutes = walk_minutes(np.array([0.0, 100.0, 800.0, 1000.0]))
    np.testing.assert_array_equal(minutes, [0, 2, 13, 17])


def test_walk_minutes_uses_speed_and_circuity():
    """Custom speed and circuity change the estimate as the formula says."""
    assert walk_minutes(600.0, speed_m_per_min=60.0, circuity=1.0) == 10
    assert walk_minutes(600.0, speed_m_per_min=60.0, circuity=1.5) == 15


def test_walk_metres_scales_and_keeps_nan():
    """Walking metres are straight metres times circuity; NaN stays NaN."""
    metres = walk_metres([1000.0, np.nan], circuity=1.3)
    assert metres[0] == pytest.approx(1300.0)
    assert np.isnan(metres[1])
    assert np.isnan(walk_minutes([np.nan])[0])


def test_nonsense_speed_is_refused():
    """A zero speed would divide by zero, so it is refused with a message."""
    with pytest.raises(ValueError, match="walking speed must be above 0"):
        walk_minutes(100.0, speed_m_per_min=0)
    with pytest.raises(ValueError, match="circuity must be at least 1"):
        walk_metres(100.0, circuity=0.5)
