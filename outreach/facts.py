"""Sessions as datetimes, with who can work each: the facts a rota is planned on."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd

from geodata.errors import InputDataError
from geodata.workers import Worker
from outreach.labels import day_label as _day_label
from outreach.labels import place_label, session_label
from outreach.params import RotaParams
from outreach.term_dates import holiday_kind

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
# Extra columns make_sessions adds and the rota uses when present: ``holiday``
# ("bank holiday", "school holiday" or ""), ``welsh`` (a Welsh speaker is
# wanted) and ``mixed`` (a mixed pair is wanted).
SESSION_EXTRAS = ("holiday", "welsh", "mixed")

# Sessions ending after this hour count as evening work for fairness.
_UNSOCIAL_FROM_HOUR = 20


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
    evening, weekend, holiday
        Sessions ending after 20:00; on a Saturday or Sunday; on a bank holiday.
    welsh, mixed
        Sessions asking for a Welsh speaker; for a mixed pair.
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
    evening: list[bool] = field(default_factory=list)
    weekend: list[bool] = field(default_factory=list)
    holiday: list[bool] = field(default_factory=list)
    welsh: list[bool] = field(default_factory=list)
    mixed: list[bool] = field(default_factory=list)

    def label(self, i: int, lang: str = "en") -> str:
        """Return "Sat 12 Dec, Castle Square evening" for session ``i``."""
        row = self.frame.iloc[i]
        return session_label(
            self.days[i], str(row["hotspot_name"]), str(row["band"]), lang
        )

    def place(self, i: int, lang: str = "en") -> str:
        """Return "Castle Square evening" for session ``i``."""
        row = self.frame.iloc[i]
        return place_label(str(row["hotspot_name"]), str(row["band"]), lang)

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


def day_label(day: date, lang: str = "en") -> str:
    """Return a short date such as "Sat 12 Dec"."""
    return _day_label(day, lang)


def _flags(frame: pd.DataFrame, column: str) -> list[bool]:
    if column not in frame:
        return [False] * len(frame)
    values = frame[column]
    if values.dtype == bool:
        return values.tolist()
    text = values.fillna("").astype(str).str.strip().str.lower()
    return text.isin({"true", "yes", "y", "1"}).tolist()


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
    evening = [
        e > datetime.combine(s.date(), time(_UNSOCIAL_FROM_HOUR))
        for s, e in zip(starts, ends, strict=True)
    ]
    weekend = [day.weekday() >= 5 for day in days]
    if "holiday" in frame:
        holiday = (frame["holiday"].fillna("").astype(str) == "bank holiday").tolist()
    else:
        holiday = [holiday_kind(day) == "bank holiday" for day in days]
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
        unsocial=[a or b for a, b in zip(evening, weekend, strict=True)],
        able=able,
        evening=evening,
        weekend=weekend,
        holiday=holiday,
        welsh=_flags(frame, "welsh"),
        mixed=_flags(frame, "mixed"),
    )
