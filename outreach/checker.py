"""Re-check any rota table against the hard rules, independently of the solver."""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

import pandas as pd

from geodata.workers import Worker
from outreach.params import RotaParams

log = logging.getLogger(__name__)

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
_MONTHS += ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_WEEKDAYS += ("Sunday",)
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def _clock(value: object) -> time:
    if isinstance(value, time):
        return value
    parts = str(value).strip().split(":")
    hours, minutes = int(parts[0]), int(parts[1])
    return time(0, 0) if (hours, minutes) == (24, 0) else time(hours, minutes)


def _text(value: object) -> str:
    return (
        ""
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else str(value)
    )


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def _label(day: date, row: pd.Series) -> str:
    when = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    place = " ".join(
        _text(row.get(column)).strip() for column in ("hotspot_name", "band")
    ).strip()
    return f"{when}, {place or _text(row.get('session_id')) or 'session'}"


def _pair_rules(
    label: str,
    names: list[str],
    staffed: bool | None,
    team: dict[str, Worker],
    bounds: tuple[datetime, datetime],
) -> list[str]:
    problems = []
    if staffed is True and not names:
        problems.append(f"{label}: marked staffed but no workers are named.")
    if staffed is False and names:
        problems.append(f"{label}: marked not staffed but names {', '.join(names)}.")
    if len(names) == 1:
        problems.append(f"{label}: only one worker ({names[0]}); nobody works alone.")
    if len(names) > 2:
        problems.append(
            f"{label}: {len(names)} workers ({', '.join(names)}); a session needs "
            "exactly two."
        )
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(f"{label}: {name} is named twice; a pair is two people.")
    for name in names:
        if name not in team:
            problems.append(f"{label}: '{name}' is not in the team.")
    known = [team[name] for name in dict.fromkeys(names) if name in team]
    if (
        len(names) >= 2
        and len(known) == len(set(names))
        and not any(worker.lead for worker in known)
    ):
        problems.append(f"{label}: no lead in the pair ({', '.join(names)}).")
    for first, second in itertools.combinations(known, 2):
        if second.name in first.not_with or first.name in second.not_with:
            problems.append(
                f"{label}: {first.name} and {second.name} must not work together "
                "(not_with in the team file)."
            )
    start_at, end_at = bounds
    for worker in known:
        touched = {start_at.date(), (end_at - timedelta(minutes=1)).date()}
        off = sorted(touched & worker.unavailable)
        if off:
            problems.append(
                f"{label}: {worker.name} is unavailable on {off[0].isoformat()}."
            )
        elif not worker.can_work(start_at.date(), start_at.time(), end_at.time()):
            problems.append(
                f"{label}: {worker.name} is not available "
                f"{start_at:%H:%M}-{end_at:%H:%M} on {_WEEKDAYS[start_at.weekday()]}s."
            )
    return problems


def _worker_rules(
    worker: Worker, shifts: list[tuple[datetime, datetime, str]], params: RotaParams
) -> list[str]:
    problems = []
    by_day: dict[date, list[str]] = defaultdict(list)
    by_week: dict[int, float] = defaultdict(float)
    for start_at, end_at, label in shifts:
        by_day[start_at.date()].append(label)
        week = (start_at.date() - params.start).days // 7
        by_week[week] += (end_at - start_at).total_seconds() / 3600
    for labels in by_day.values():
        if len(labels) > 1:
            problems.append(
                f"{worker.name} has {len(labels)} sessions on one day "
                f"({'; '.join(labels)}); at most one a day."
            )
    for week, hours in sorted(by_week.items()):
        if hours > worker.max_hours + 1e-9:
            first = params.start + timedelta(days=7 * week)
            problems.append(
                f"{worker.name} works {hours:g} h in the week from "
                f"{first.isoformat()}; the limit is {worker.max_hours:g} h."
            )
    rest = timedelta(hours=params.min_rest_hours)
    ordered = sorted(shifts)
    for n, (start_a, end_a, label_a) in enumerate(ordered):
        for start_b, _, label_b in ordered[n + 1 :]:
            if start_b.date() != start_a.date() and start_b < end_a + rest:
                gap = max((start_b - end_a).total_seconds() / 3600, 0)
                problems.append(
                    f"{worker.name} has only {gap:g} h rest between {label_a} and "
                    f"{label_b}; at least {params.min_rest_hours:g} h is needed."
                )
    return problems


def _fixed_rules(rota: pd.DataFrame, fixed: Mapping[str, Sequence[str]]) -> list[str]:
    if not fixed:
        return []
    if "session_id" not in rota.columns:
        return ["the rota has no session_id column, so agreed sessions can't be found."]
    rows = {str(row["session_id"]): row for _, row in rota.iterrows()}
    problems = []
    for session_id, pair in fixed.items():
        agreed = sorted(name.strip() for name in pair)
        row = rows.get(str(session_id))
        if row is None:
            problems.append(
                f"agreed session {session_id} ({' and '.join(agreed)}) is missing "
                "from the rota."
            )
            continue
        names = sorted(n.strip() for n in _text(row["workers"]).split(";") if n.strip())
        if names != agreed:
            label = _label(_day(row["date"]), row)
            now = " and ".join(names) if names else "nobody"
            problems.append(
                f"{label}: the agreed pair {' and '.join(agreed)} was changed to {now}."
            )
    return problems


def check_rota(
    rota: pd.DataFrame,
    workers: Sequence[Worker],
    params: RotaParams,
    *,
    fixed: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """List every hard-rule violation in a rota, in plain words.

    Checks each session (exactly two workers on a staffed session, never one, no
    one named twice, everyone in the team, at least one lead, never a banned
    pairing from ``not_with``, both available then and not on an unavailable
    date), each worker (at most one session a day, ``max_hours`` in every 7-day
    block from ``params.start``, at least ``params.min_rest_hours`` between
    sessions) and every agreed session in ``fixed`` (still there, same pair).
    Uses no solver, so it can audit the solver's rota, a hand-edited one or one
    read back from rota.csv.

    Parameters
    ----------
    rota
        Columns ``date`` (date or ISO text), ``start`` and ``end`` ("HH:MM"; an
        end at or before the start is after midnight) and ``workers`` ("A;B" or
        empty); optional ``staffed`` (bool or text), ``hotspot_name``, ``band``
        and ``session_id`` for messages.
    workers
        The team.
    params
        Rota settings; uses ``start`` and ``min_rest_hours``.
    fixed
        Agreed pairs: session_id -> (worker, worker).

    Returns
    -------
    list of str
        One sentence per violation; empty when the rota keeps every rule.
    """
    missing = [c for c in ("date", "start", "end", "workers") if c not in rota.columns]
    if missing:
        return [f"the rota has no column(s) {', '.join(missing)}."]
    team = {worker.name: worker for worker in workers}
    problems: list[str] = []
    shifts: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for number, (_, row) in enumerate(rota.iterrows(), start=1):
        try:
            day = _day(row["date"])
            start_at = datetime.combine(day, _clock(row["start"]))
            end_at = datetime.combine(day, _clock(row["end"]))
        except (ValueError, IndexError, TypeError):
            problems.append(
                f"row {number}: could not read date '{_text(row['date'])}' or times "
                f"'{_text(row['start'])}'-'{_text(row['end'])}'."
            )
            continue
        if end_at <= start_at:
            end_at += timedelta(days=1)
        label = _label(day, row)
        names = [name.strip() for name in _text(row["workers"]).split(";")]
        names = [name for name in names if name]
        staffed = _flag(row["staffed"]) if "staffed" in rota.columns else None
        problems += _pair_rules(label, names, staffed, team, (start_at, end_at))
        for name in dict.fromkeys(names):
            if name in team:
                shifts[name].append((start_at, end_at, label))
    for name, worked in shifts.items():
        problems += _worker_rules(team[name], worked, params)
    problems += _fixed_rules(rota, fixed or {})
    log.info("rota check: %d rows, %d problems", len(rota), len(problems))
    return problems
