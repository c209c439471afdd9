"""What past rotas say about each worker: unsocial shifts done and places known.

Fairness is carried across periods (a worker who did most Saturday evenings last
month does fewer this month) and continuity looks back too (a "known face" is a
worker who has worked a place before). Both read past rota rows, e.g. earlier
versions from ``store.load_rota`` concatenated, or old rota.csv files.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import pandas as pd

from outreach.term_dates import holiday_kind

log = logging.getLogger(__name__)

HISTORY_COLUMNS = ("worker", "evening", "weekend", "holiday")
# The same rule as the rota's: a session ending after 20:00 is evening work.
_EVENING_FROM = time(20)


def _names(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [name.strip() for name in value.split(";") if name.strip()]


def _staffed_rows(history: pd.DataFrame | None) -> pd.DataFrame:
    if history is None or len(history) == 0:
        return pd.DataFrame(columns=["date", "start", "end", "hotspot_name", "workers"])
    missing = [
        c for c in ("date", "start", "end", "workers") if c not in history.columns
    ]
    if missing:
        raise ValueError(
            f"rota history: no column(s) {', '.join(missing)}; pass past rota rows "
            "(the columns of rota.csv)."
        )
    rows = history[history["workers"].fillna("").astype(str).str.strip() != ""]
    return rows.reset_index(drop=True)


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def _is_evening(day: date, start: object, end: object) -> bool:
    begin = time.fromisoformat(str(start).strip()[:5])
    text = str(end).strip()[:5]
    finish = time(0, 0) if text == "24:00" else time.fromisoformat(text)
    start_at = datetime.combine(day, begin)
    end_at = datetime.combine(day, finish)
    if end_at <= start_at:
        end_at += timedelta(days=1)
    return end_at > datetime.combine(day, _EVENING_FROM)


def history_counts(history: pd.DataFrame | None) -> pd.DataFrame:
    """Count each worker's evening, weekend and bank-holiday sessions in past rotas.

    Parameters
    ----------
    history
        Past rota rows with ``date``, ``start``, ``end`` and ``workers`` ("A;B";
        empty when uncovered). Rows from several periods may be concatenated.

    Returns
    -------
    DataFrame
        Columns `HISTORY_COLUMNS`, one row per worker named, sorted by name;
        counts are ints.
    """
    rows = _staffed_rows(history)
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows.itertuples(index=False):
        day = _day(row.date)
        kinds = {
            "evening": _is_evening(day, row.start, row.end),
            "weekend": day.weekday() >= 5,
            "holiday": holiday_kind(day) == "bank holiday",
        }
        for name in _names(row.workers):
            counts[name].update(kind for kind, hit in kinds.items() if hit)
    table = pd.DataFrame(
        [
            {"worker": name, **{k: counts[name][k] for k in HISTORY_COLUMNS[1:]}}
            for name in sorted(counts)
        ],
        columns=list(HISTORY_COLUMNS),
    )
    return table.astype(dict.fromkeys(HISTORY_COLUMNS[1:], int))


def known_faces(history: pd.DataFrame | None) -> dict[str, set[str]]:
    """Return, for each place (hotspot name, case-folded), who has worked there."""
    rows = _staffed_rows(history)
    if "hotspot_name" not in rows.columns:
        return {}
    faces: dict[str, set[str]] = defaultdict(set)
    for place, workers in zip(rows["hotspot_name"], rows["workers"], strict=True):
        faces[str(place).strip().casefold()].update(_names(workers))
    return dict(faces)


def offsets(history: pd.DataFrame | None, names: Sequence[str]) -> dict[str, list[int]]:
    """Return past evening, weekend and holiday counts per kind, in team order."""
    counts = history_counts(history).set_index("worker")
    return {
        kind: [int(counts[kind].get(name, 0)) for name in names]
        for kind in HISTORY_COLUMNS[1:]
    }
