"""Walking distance and time estimated from straight-line distance.

Used until a street network is available: straight line x circuity at a walking
speed of 80 m/min (4.8 km/h, Manual for Streets: 800 m in 10 minutes). Estimates
are about +/-25 %; front doors label them "est.".
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

DEFAULT_SPEED_M_PER_MIN = 80.0
DEFAULT_CIRCUITY = 1.3

# Products such as 800 * 1.3 / 80 land a hair above a whole number in floating
# point; rounding first stops ceil() from adding a phantom minute.
_DECIMALS = 6


def _check(speed_m_per_min: float, circuity: float) -> None:
    if not speed_m_per_min > 0:
        raise ValueError(f"walking speed must be above 0 m/min; got {speed_m_per_min}.")
    if not circuity >= 1:
        raise ValueError(f"circuity must be at least 1; got {circuity}.")


def walk_metres(
    dist_m: npt.ArrayLike, circuity: float = DEFAULT_CIRCUITY
) -> np.ndarray:
    """Estimate walking metres from straight-line metres.

    Parameters
    ----------
    dist_m
        Straight-line distances in metres (scalar or array; NaN stays NaN).
    circuity
        Ratio of street distance to straight-line distance (at least 1).

    Returns
    -------
    numpy.ndarray
        Float walking distances in metres, same shape as ``dist_m``.
    """
    _check(DEFAULT_SPEED_M_PER_MIN, circuity)
    return np.asarray(dist_m, dtype=float) * circuity


def walk_minutes(
    dist_m: npt.ArrayLike,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> np.ndarray:
    """Estimate whole walking minutes (rounded up) from straight-line metres.

    Parameters
    ----------
    dist_m
        Straight-line distances in metres (scalar or array; NaN stays NaN).
    speed_m_per_min
        Walking speed in metres per minute (80 = 4.8 km/h).
    circuity
        Ratio of street distance to straight-line distance (at least 1).

    Returns
    -------
    numpy.ndarray
        Float array of whole minutes, ``ceil(dist_m * circuity / speed)``;
        NaN where ``dist_m`` is NaN.
    """
    _check(speed_m_per_min, circuity)
    minutes = walk_metres(dist_m, circuity) / speed_m_per_min
    return np.ceil(np.round(minutes, _DECIMALS))
