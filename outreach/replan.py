"""Re-plan a rota mid-period with as few changes as possible, and say what changed."""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

import pandas as pd

from geodata.errors import InputDataError
from geodata.workers import Worker, may_pair
from i18n import t
from outreach.facts import SESSION_EXTRAS, session_facts
from outreach.history import known_faces, offsets
from outreach.labels import names_label, session_label
from outreach.model import Setup
from outreach.params import RotaParams
from outreach.rota import RotaResult, check_fixed, rota_columns, solve_rota

log = logging.getLogger(__name__)

_TRUE = {"true", "yes", "y", "1"}


def _names(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return sorted(name.strip() for name in value.split(";") if name.strip())


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def agreed_pairs(rota: pd.DataFrame, column: str = "agreed") -> dict[str, tuple]:
    """Return the pairs marked as agreed in a rota table: session_id -> names.

    A row counts when ``column`` says yes/true/1 and ``workers`` names two
    people; pass the result as ``fixed`` to `outreach.rota.plan_rota` or
    `replan_rota`. A rota without the column has no agreed pairs.
    """
    if column not in rota.columns:
        return {}
    marked = rota[column].fillna("").astype(str).str.strip().str.lower().isin(_TRUE)
    if rota[column].dtype == bool:
        marked = rota[column]
    pairs = {}
    for session_id, workers in zip(
        rota.loc[marked, "session_id"], rota.loc[marked, "workers"], strict=True
    ):
        names = _names(workers)
        if len(names) != 2:
            raise InputDataError(
                f"rota: session '{session_id}' is marked {column} but names "
                f"{len(names)} worker(s); an agreed session needs its pair."
            )
        pairs[str(session_id)] = tuple(names)
    return pairs


def rota_changes(
    before: pd.DataFrame, after: pd.DataFrame, *, lang: str = "en"
) -> list[str]:
    """List, in plain words, every session whose pair differs between two rotas.

    Parameters
    ----------
    before, after
        Rotas with ``session_id``, ``date``, ``hotspot_name``, ``band`` and
        ``workers``; sessions are matched by ``session_id``.
    lang
        Language of the lines.

    Returns
    -------
    list of str
        In the order of ``after`` (then sessions only in ``before``), e.g.
        "Wed 16 Dec, Castle Square evening: Sam \u2192 Ceri", "...: Ann and Bo
        \u2192 uncovered", "...: removed from the rota".
    """
    old = before.set_index(before["session_id"].astype(str))
    lines = []
    seen = set()
    for row in after.itertuples(index=False):
        sid = str(row.session_id)
        seen.add(sid)
        label = session_label(
            _day(row.date), str(row.hotspot_name), str(row.band), lang
        )
        now = set(_names(row.workers))
        was = set(_names(old.at[sid, "workers"])) if sid in old.index else set()
        if now == was:
            continue
        gone, came = sorted(was - now), sorted(now - was)
        lines.append(
            t(
                "rota.change",
                lang,
                session=label,
                before=names_label(gone, lang)
                if gone
                else t("rota.change.nobody", lang),
                after=names_label(came, lang)
                if came
                else t("rota.change.nobody", lang),
            )
        )
    for row in before.itertuples(index=False):
        if str(row.session_id) not in seen:
            label = session_label(
                _day(row.date), str(row.hotspot_name), str(row.band), lang
            )
            lines.append(t("rota.change.removed", lang, session=label))
    return lines


def _with_extras(previous: pd.DataFrame, sessions: pd.DataFrame | None) -> pd.DataFrame:
    """Return the previous rota with the extra session columns (Welsh, mixed...)."""
    frame = previous.reset_index(drop=True)
    if sessions is None:
        return frame
    extras = [c for c in SESSION_EXTRAS if c in sessions.columns]
    lookup = sessions.set_index(sessions["session_id"].astype(str))[extras]
    ids = frame["session_id"].astype(str)
    for column in extras:
        frame[column] = ids.map(lookup[column]).to_numpy()
    return frame


def replan_rota(
    previous_rota: pd.DataFrame,
    workers: Sequence[Worker],
    params: RotaParams,
    *,
    today: date | datetime,
    sessions: pd.DataFrame | None = None,
    fixed: Mapping[str, tuple[str, str]] | None = None,
    history: pd.DataFrame | None = None,
    deterministic_time: float | None = None,
    lang: str = "en",
) -> RotaResult:
    """Re-plan the rest of a rota after the team changed, changing as little as can be.

    Sessions that start before ``today`` stay exactly as they were (they are
    past). The rest are planned again under every hard rule with the team as it
    is now (e.g. a new unavailable date), starting from the previous pairs as a
    solution hint and with a penalty of ``params.weights.change`` points for every
    worker taken off a session, so only the sessions that must change do.
    ``RotaResult.changes`` lists them, e.g. "Wed 16 Dec, Castle Square evening:
    Sam \u2192 Ceri".

    Parameters
    ----------
    previous_rota
        The rota as published (``plan_rota``'s rota, a stored version or
        rota.csv read back), with ``workers`` and ``staffed``.
    workers
        The team now, with its new unavailability.
    params
        Rota settings (same ``start`` as the previous rota).
    today
        Sessions starting before this (midnight of a date) are kept.
    sessions
        Optional sessions table to restore ``welsh``/``mixed``/``holiday``
        columns a stored rota does not keep.
    fixed
        Agreed future pairs that must stay: session_id -> (worker, worker).
    history
        Past rotas before this one, as for `outreach.rota.plan_rota`.
    deterministic_time
        Optional CP-SAT deterministic limit for repeatable runs.
    lang
        Language of the explanations and changes.

    Returns
    -------
    RotaResult
        In the previous rota's session order; ``changes`` filled in.
    """
    began = clock.perf_counter()
    frame = _with_extras(previous_rota, sessions)
    columns = rota_columns(frame)
    if len(frame) == 0:
        return RotaResult(rota=pd.DataFrame(columns=columns), weights=params.weights)
    cutoff = (
        today
        if isinstance(today, datetime)
        else datetime.combine(today, datetime.min.time())
    )
    plan = session_facts(
        frame.drop(columns=["workers", "staffed"], errors="ignore"), workers, params
    )
    number = {worker.name: w for w, worker in enumerate(workers)}
    before = [_names(text) for text in frame["workers"]]
    locked: dict[int, tuple[int, int] | None] = {}
    previous: dict[int, tuple[int, ...]] = {}
    hint: dict[int, tuple[int, int]] = {}
    for i, names in enumerate(before):
        known = tuple(sorted(number[n] for n in names if n in number))
        if plan.starts[i] < cutoff:
            locked[i] = known if len(known) == 2 else None
            if len(known) == 2:
                hint[i] = known
            continue
        previous[i] = known
        if (
            len(known) == 2
            and all(w in plan.able[i] for w in known)
            and may_pair(workers[known[0]], workers[known[1]])
        ):
            hint[i] = known
    past_rows = frame.iloc[sorted(locked)]
    setup = Setup(
        fixed=check_fixed(plan, fixed or {}),
        locked=locked,
        previous=previous,
        past=offsets(history, [worker.name for worker in workers]),
        known=known_faces(
            pd.concat([history, past_rows]) if history is not None else past_rows
        ),
    )
    result, _ = solve_rota(
        plan,
        setup,
        began=began,
        hint=hint,
        deterministic_time=deterministic_time,
        lang=lang,
    )
    rota = result.rota.copy()
    # Past sessions keep their text exactly, even naming someone who has left.
    for i in locked:
        rota.loc[i, ["workers", "staffed"]] = [
            ";".join(before[i]),
            bool(before[i]),
        ]
    rota = rota[columns]
    changes = rota_changes(frame, rota, lang=lang)
    log.info(
        "re-planned from %s: %d past sessions kept, %d changed",
        cutoff,
        len(locked),
        len(changes),
    )
    return replace(result, rota=rota, changes=changes)
