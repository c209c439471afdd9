"""Settings a user can change for outreach sessions and the rota, validated once."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from datetime import date, datetime

from geodata.errors import InputDataError


@dataclass(frozen=True)
class RotaParams:
    """Session and rota settings shared by the CLI and the app.

    Attributes
    ----------
    start
        First day of the rota (a ``datetime`` or ISO text is turned into a date).
    days
        Length of the rota in days (1-56). Weekly rules (sessions per hotspot,
        workers' ``max_hours``) apply to each 7-day block counted from ``start``.
    session_hours
        Length of one session in hours (0.5-8, in quarter hours).
    sessions_per_hotspot
        Sessions per hotspot per week (1-7).
    max_hotspots
        Plan sessions for at most this many hotspots, strongest first (1-30).
    time_limit_s
        Wall-clock limit for the rota solver in seconds (1-600).
    seed
        Solver seed, so a rerun gives the same rota.
    min_rest_hours
        Least rest between the end of one session and the start of the next for
        the same worker (0-24 hours).
    walk_speed_m_per_min
        Walking speed for route estimates (30-150 metres a minute; 80 = 4.8 km/h).
    circuity
        Ratio of walked distance to straight-line distance (1.0-2.0).
    """

    start: date
    days: int = 14
    session_hours: float = 3.0
    sessions_per_hotspot: int = 2
    max_hotspots: int = 8
    time_limit_s: float = 10.0
    seed: int = 7
    min_rest_hours: float = 11.0
    walk_speed_m_per_min: float = 80.0
    circuity: float = 1.3

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _as_date(self.start))
        _check_int("days", self.days, 1, 56, "days")
        if not 0.5 <= self.session_hours <= 8 or (self.session_hours * 4) % 1:
            raise InputDataError(
                f"session length must be between 0.5 and 8 hours in quarter hours; "
                f"got {self.session_hours:g}."
            )
        _check_int(
            "sessions per hotspot", self.sessions_per_hotspot, 1, 7, "sessions a week"
        )
        _check_int("hotspots to visit", self.max_hotspots, 1, 30, "hotspots")
        if not 1 <= self.time_limit_s <= 600:
            raise InputDataError(
                f"solver time limit must be between 1 and 600 seconds; "
                f"got {self.time_limit_s:g}."
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral):
            raise InputDataError(f"seed must be a whole number; got {self.seed!r}.")
        if not 0 <= self.min_rest_hours <= 24:
            raise InputDataError(
                f"rest between sessions must be between 0 and 24 hours; "
                f"got {self.min_rest_hours:g}."
            )
        if not 30 <= self.walk_speed_m_per_min <= 150:
            raise InputDataError(
                "walking speed must be between 30 and 150 metres a minute "
                f"(80 is 4.8 km/h); got {self.walk_speed_m_per_min:g}."
            )
        if not 1.0 <= self.circuity <= 2.0:
            raise InputDataError(
                "circuity (walked distance / straight-line distance) must be between "
                f"1.0 and 2.0; got {self.circuity:g}."
            )


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputDataError(
        f"rota start must be a date written YYYY-MM-DD, e.g. 2026-12-07; got {value!r}."
    )


def _check_int(label: str, value: object, lo: int, hi: int, unit: str) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or not lo <= value <= hi
    ):
        raise InputDataError(
            f"{label} must be a whole number from {lo} to {hi} {unit}; got {value!r}."
        )
