"""Settings a user can change for outreach sessions and the rota, validated once."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from geodata.errors import InputDataError

# "Try harder" triples the time limit and runs 8 search workers: CP-SAT's
# fuller portfolio (more bounding and search strategies) proves rotas that 2
# workers cannot, even when the 8 share 2 cores.
HARDER_TIME_FACTOR = 3
HARDER_WORKERS = 8
NORMAL_WORKERS = 2


@dataclass(frozen=True)
class RotaWeights:
    """Penalty points of the rota's soft goals, one per unit of each; all visible.

    Cover comes first and is not weighed against these: the solver first finds
    the most priority it can cover, then, holding that, minimises the sum of
    these weights times their amounts (see `outreach.rota.plan_rota`).

    Attributes
    ----------
    evening_fairness, weekend_fairness, holiday_fairness
        Per session of spread between the most- and least-loaded worker in
        evening (ending after 20:00), weekend and bank-holiday sessions, past
        rotas included (workers who cannot work such sessions are left out).
    known_face
        Per session at a hotspot with a history whose pair has never worked
        there before.
    core_team
        Per worker in a hotspot's team over the period (a small core team).
    same_pair
        Per different pair at a hotspot over the period (the same pair returns).
    welsh_speaker
        Per session that asks for a Welsh speaker and has none.
    mixed_pair
        Per session that asks for a mixed pair and does not get one.
    change
        Re-planning only: per worker taken off a session they were rostered on.
    """

    evening_fairness: int = 4
    weekend_fairness: int = 4
    holiday_fairness: int = 4
    known_face: int = 3
    core_team: int = 1
    same_pair: int = 1
    welsh_speaker: int = 6
    mixed_pair: int = 3
    change: int = 20

    def __post_init__(self) -> None:
        for item in fields(self):
            _check_int(
                f"rota weight {item.name}", getattr(self, item.name), 0, 1000, ""
            )


@dataclass(frozen=True)
class PriorityWeights:
    """How much each reason counts towards a hotspot's session priority.

    Priority = 100 x the weighted mean of four scores between 0 and 1 (see
    `outreach.priority.hotspot_priorities`); a score with no data (e.g. no
    trends yet) is left out and the others count proportionally more.

    Attributes
    ----------
    strength
        Gi* strength relative to the strongest hotspot.
    trend
        Trend class, recent change and change since the last panel.
    services
        Share of key services (youth, mental health, substance misuse) not
        open within 15 minutes' walk at the peak time.
    reach
        How rarely outreach reached the hotspot lately (contacts, debriefs).
    """

    strength: int = 55
    trend: int = 20
    services: int = 15
    reach: int = 10

    def __post_init__(self) -> None:
        for item in fields(self):
            _check_int(
                f"priority weight {item.name}", getattr(self, item.name), 0, 100, ""
            )
        if self.strength == 0:
            raise InputDataError(
                "priority weight strength must be above 0: hotspot strength is "
                "the one reason every hotspot has."
            )


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
    try_harder
        Search longer (3 x ``time_limit_s``, at most 600 s) with 8 search
        workers instead of 2, for a better rota or a proof that it is the best.
    dwell_minutes
        Minutes spent at each stop of a walking route (5-120).
    school_holidays
        Move "after school" sessions on school-holiday weekdays to the
        afternoon (``outreach.term_dates``).
    weights
        Penalty points of the rota's soft goals.
    priority_weights
        How strength, trend, service gaps and reach make session priority.
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
    try_harder: bool = False
    dwell_minutes: int = 20
    school_holidays: bool = True
    weights: RotaWeights = field(default_factory=RotaWeights)
    priority_weights: PriorityWeights = field(default_factory=PriorityWeights)

    def solver_time_s(self) -> float:
        """Return the solver's time limit in seconds (longer when trying harder)."""
        if self.try_harder:
            return min(self.time_limit_s * HARDER_TIME_FACTOR, 600.0)
        return float(self.time_limit_s)

    def solver_workers(self) -> int:
        """Return how many search workers the solver runs (8 when trying harder)."""
        return HARDER_WORKERS if self.try_harder else NORMAL_WORKERS

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
        if not isinstance(self.try_harder, bool):
            raise InputDataError(
                f"try harder must be true or false; got {self.try_harder!r}."
            )
        _check_int("time at each stop", self.dwell_minutes, 5, 120, "minutes")
        if not isinstance(self.school_holidays, bool):
            raise InputDataError(
                f"school holidays must be true or false; got {self.school_holidays!r}."
            )
        if not isinstance(self.weights, RotaWeights):
            raise InputDataError("rota weights must be a RotaWeights.")
        if not isinstance(self.priority_weights, PriorityWeights):
            raise InputDataError("priority weights must be a PriorityWeights.")


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
        unit = f" {unit}" if unit else ""
        raise InputDataError(
            f"{label} must be a whole number from {lo} to {hi}{unit}; got {value!r}."
        )
