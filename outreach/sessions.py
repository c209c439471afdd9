"""Turn hotspots into outreach sessions: where, which days and at what times."""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.errors import InputDataError
from geodata.workers import DAY_NAMES, Worker
from outreach.params import RotaParams

log = logging.getLogger(__name__)

SESSION_COLUMNS = (
    "session_id",
    "date",
    "start",
    "end",
    "hotspot_id",
    "hotspot_name",
    "band",
    "priority",
)

# Where each time band's sessions start; late-night sessions are pulled earlier so
# that they end by midnight.
BAND_STARTS = {
    "after school": time(15, 30),
    "evening": time(18, 30),
    "late night": time(21, 0),
    "daytime": time(12, 0),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
_MONTHS += ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Sessions on a weekend or ending after this hour count as unsocial for fairness.
_UNSOCIAL_FROM_HOUR = 20
# Hotspots without a known peak (month-only dates) get evening sessions on these
# days in turn, so they do not all land on the same evening.
_FALLBACK_DAYS = ("Fri", "Sat", "Wed", "Thu", "Tue", "Mon", "Sun")
_FALLBACK_BAND = "evening"
# Weekday offsets from the peak day, nearest first: a Saturday peak with two
# sessions a week gives Saturday and Friday.
_OFFSETS = (0, -1, 1, -2, 2, -3, 3)


def _priorities(strength: np.ndarray) -> np.ndarray:
    top = np.nanmax(strength) if np.isfinite(strength).any() else np.nan
    if np.isfinite(strength).all() and top > 0:
        return np.clip(np.rint(100 * strength / top), 1, 100).astype(int)
    rank = np.arange(len(strength))
    return 100 - (rank * 90) // max(len(strength) - 1, 1)


def _clock(minutes: int) -> str:
    return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"


def _times(band: str, hours: float) -> tuple[str, str]:
    first = BAND_STARTS[band]
    begin = first.hour * 60 + first.minute
    length = round(hours * 60)
    begin = min(begin, 24 * 60 - length)
    return _clock(begin), _clock(begin + length)


def _peak(spot: pd.Series, column: str, known: Collection[str], fallback: str) -> str:
    value = spot[column]
    text = value.strip() if isinstance(value, str) else ""
    if text in known:
        return text
    log.info(
        "hotspot %s: %s '%s' is not known; planning sessions for '%s'",
        spot["hotspot_id"],
        column,
        value,
        fallback,
    )
    return fallback


def make_sessions(hotspots: gpd.GeoDataFrame, params: RotaParams) -> pd.DataFrame:
    """Plan outreach sessions at the strongest hotspots on their peak days and times.

    The top ``params.max_hotspots`` hotspots by strength get
    ``params.sessions_per_hotspot`` sessions in every 7-day block from
    ``params.start``: on their ``peak_day`` and the days nearest it, in the time
    band of their ``peak_band`` (after school from 15:30, evening from 18:30,
    late night 21:00-00:00, daytime from 12:00), each ``params.session_hours``
    long. A late-night session starts earlier rather than run past midnight.

    Parameters
    ----------
    hotspots
        Hotspot areas as in `hotspots.result.HotspotResult.hotspots`; uses
        ``hotspot_id``, ``name``, ``strength``, ``peak_day``, ``peak_band``. An
        unknown peak band (e.g. "unknown" for month-only dates) means evening
        sessions; unknown peak days are taken in turn from Fri, Sat, Wed, Thu,
        Tue, Mon, Sun (logged at INFO).
    params
        Rota settings.

    Returns
    -------
    DataFrame
        One row per session, ordered by date, start, priority (highest first) and
        hotspot. Columns: ``session_id`` (e.g. "S2026-12-07-H01-evening"),
        ``date`` (`datetime.date`), ``start``/``end`` ("HH:MM"; an ``end`` at or
        before ``start`` is after midnight, "00:00" is midnight), ``hotspot_id``,
        ``hotspot_name``, ``band``, ``priority`` (int 1-100, 100 for the
        strongest hotspot, in proportion to strength).
    """
    if len(hotspots) == 0:
        return pd.DataFrame(
            {column: pd.Series(dtype=object) for column in SESSION_COLUMNS}
        )
    chosen = (
        pd.DataFrame(hotspots.drop(columns="geometry", errors="ignore"))
        .assign(_strength=pd.to_numeric(hotspots["strength"], errors="coerce"))
        .sort_values(["_strength", "hotspot_id"], ascending=[False, True])
        .head(params.max_hotspots)
    )
    priority = _priorities(chosen["_strength"].to_numpy(float))
    blocks = -(-params.days // 7)
    rows = []
    unknown_days = 0
    for (_, spot), rank_priority in zip(chosen.iterrows(), priority, strict=True):
        fallback_day = _FALLBACK_DAYS[unknown_days % 7]
        peak_day = _peak(spot, "peak_day", DAY_NAMES, fallback_day)
        unknown_days += peak_day != spot["peak_day"]
        day = DAY_NAMES.index(peak_day)
        band = _peak(spot, "peak_band", BAND_STARTS, _FALLBACK_BAND)
        start, end = _times(band, params.session_hours)
        for block in range(blocks):
            first = params.start + timedelta(days=7 * block)
            for offset in _OFFSETS[: params.sessions_per_hotspot]:
                when = first + timedelta(days=(day + offset - first.weekday()) % 7)
                if (when - params.start).days >= params.days:
                    continue
                rows.append(
                    {
                        "session_id": (
                            f"S{when.isoformat()}-{spot['hotspot_id']}-"
                            f"{band.replace(' ', '-')}"
                        ),
                        "date": when,
                        "start": start,
                        "end": end,
                        "hotspot_id": str(spot["hotspot_id"]),
                        "hotspot_name": str(spot["name"]),
                        "band": band,
                        "priority": int(rank_priority),
                    }
                )
    frame = pd.DataFrame(rows, columns=list(SESSION_COLUMNS))
    frame = frame.sort_values(
        ["date", "start", "priority", "hotspot_id"],
        ascending=[True, True, False, True],
        kind="stable",
    ).reset_index(drop=True)
    log.info(
        "%d sessions at %d hotspots over %d days (%d a week each, %.2g h long)",
        len(frame),
        len(chosen),
        params.days,
        params.sessions_per_hotspot,
        params.session_hours,
    )
    return frame


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def _as_time(value: object) -> time:
    if isinstance(value, time):
        return value
    hours, minutes = str(value).strip().split(":")[:2]
    return time(0, 0) if int(hours) == 24 else time(int(hours), int(minutes))


def session_bounds(sessions: pd.DataFrame) -> tuple[list[datetime], list[datetime]]:
    """Return each session's start and end as datetimes.

    ``date`` may be a date, a datetime or ISO text and ``start``/``end`` "HH:MM"
    text or `datetime.time`; an ``end`` at or before ``start`` is on the next day.
    """
    starts, ends = [], []
    for day, begin, finish in zip(
        sessions["date"], sessions["start"], sessions["end"], strict=True
    ):
        start_at = datetime.combine(_as_date(day), _as_time(begin))
        end_at = datetime.combine(_as_date(day), _as_time(finish))
        if end_at <= start_at:
            end_at += timedelta(days=1)
        starts.append(start_at)
        ends.append(end_at)
    return starts, ends


@dataclass
class SessionFacts:
    """Sessions as datetimes, with who can work each, for the rota and its reasons.

    Attributes
    ----------
    frame
        The sessions table, index reset.
    workers, params
        The team and the rota settings.
    starts, ends
        Session start and end datetimes (an end past midnight is on the next day).
    days
        Session dates (of the start).
    minutes
        Session lengths in minutes.
    weeks
        7-day block of each session, counted from ``params.start``.
    unsocial
        Weekend sessions and sessions ending after 20:00.
    able
        For each session, the indices of workers available then.
    """

    frame: pd.DataFrame
    workers: Sequence[Worker]
    params: RotaParams
    starts: list[datetime]
    ends: list[datetime]
    days: list[date]
    minutes: list[int]
    weeks: list[int]
    unsocial: list[bool]
    able: list[list[int]]

    def label(self, i: int) -> str:
        """Return "Sat 12 Dec, Castle Square evening" for session ``i``."""
        return f"{day_label(self.days[i])}, {self.place(i)}"

    def place(self, i: int) -> str:
        """Return "Castle Square evening" for session ``i``."""
        row = self.frame.iloc[i]
        return f"{row['hotspot_name']} {row['band']}"

    def cap(self, w: int) -> int:
        """Return worker ``w``'s weekly limit in whole minutes."""
        return math.floor(self.workers[w].max_hours * 60 + 1e-6)

    def clash(self, i: int, j: int) -> bool:
        """Say whether one worker may not do both sessions (same day or short rest)."""
        if i == j:
            return False
        if self.days[i] == self.days[j]:
            return True
        first, second = (i, j) if self.starts[i] <= self.starts[j] else (j, i)
        rest = timedelta(hours=self.params.min_rest_hours)
        return self.starts[second] < self.ends[first] + rest


def day_label(day: date) -> str:
    """Return a short date such as "Sat 12 Dec"."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def session_facts(
    sessions: pd.DataFrame, workers: Sequence[Worker], params: RotaParams
) -> SessionFacts:
    """Check a sessions table and work out the facts the rota needs.

    Raises
    ------
    InputDataError
        If columns are missing, a session appears twice or two workers share a
        name.
    """
    missing = [column for column in SESSION_COLUMNS if column not in sessions.columns]
    if missing:
        raise InputDataError(
            f"sessions table: missing column(s) {', '.join(missing)}. "
            "Make the sessions with make_sessions or export them again."
        )
    duplicated = sessions["session_id"][sessions["session_id"].duplicated()]
    if len(duplicated):
        raise InputDataError(
            f"sessions table: session '{duplicated.iloc[0]}' appears twice. "
            "Give every session one row."
        )
    names = [worker.name for worker in workers]
    if len(set(names)) != len(names):
        raise InputDataError("team: two workers have the same name. Make names unique.")
    frame = sessions.reset_index(drop=True)
    try:
        starts, ends = session_bounds(frame)
    except (ValueError, TypeError, IndexError) as exc:
        raise InputDataError(
            f"sessions table: could not read a date or time ({exc}). Write dates as "
            "YYYY-MM-DD and times as HH:MM."
        ) from exc
    days = [start.date() for start in starts]
    able = [
        [
            w
            for w, worker in enumerate(workers)
            if worker.can_work(start.date(), start.time(), end.time())
        ]
        for start, end in zip(starts, ends, strict=True)
    ]
    return SessionFacts(
        frame=frame,
        workers=workers,
        params=params,
        starts=starts,
        ends=ends,
        days=days,
        minutes=[
            round((e - s).total_seconds() / 60)
            for s, e in zip(starts, ends, strict=True)
        ],
        weeks=[(day - params.start).days // 7 for day in days],
        unsocial=[
            s.weekday() >= 5
            or e > datetime.combine(s.date(), time(_UNSOCIAL_FROM_HOUR))
            for s, e in zip(starts, ends, strict=True)
        ],
        able=able,
    )
