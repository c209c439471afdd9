"""Plan who staffs each outreach session: a CP-SAT model over pairs of workers."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from geodata.errors import InputDataError
from geodata.workers import Worker, may_pair
from outreach.checker import check_rota
from outreach.explain import broken_preferences, goals_table, summary_line
from outreach.facts import SessionFacts, session_facts
from outreach.history import known_faces, offsets
from outreach.model import RotaModel, Setup
from outreach.params import RotaParams, RotaWeights
from outreach.solve import solve_model
from outreach.uncovered import explain_uncovered

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RotaResult:
    """A rota and how good it is.

    Attributes
    ----------
    rota
        The sessions' columns plus ``workers`` ("A;B", names sorted, "" when
        uncovered) and ``staffed`` (bool), in the sessions' order.
    explanations
        One plain-words line for every uncovered session saying why.
    status
        "optimal" (proven best), "feasible" (best found within the time limit)
        or "no sessions".
    objective, bound
        The solver's objective and its proven lower bound (smaller is better).
    gap
        Relative gap ``(objective - bound) / objective``; 0 when proven optimal.
    wall_time_s
        Seconds spent planning (building the model and both solver phases).
    broken
        One plain-words line per preference not met (Welsh speaker, mixed pair,
        known face, uneven shares, large teams).
    changes
        Re-planning: one line per session whose pair changed, e.g. "Wed 16 Dec,
        Castle Square evening: Sam → Ceri".
    summary
        One line: sessions staffed, objective, proven bound, gap and time.
    weights
        The soft-goal weights used.
    goals
        Each soft goal's weight, amount and penalty
        (`outreach.explain.goals_table`).
    uncovered_priority, cover_bound
        Priority points left uncovered, and the proven least possible.
    soft, soft_bound
        Soft-goal penalty of the rota and a proven lower bound on it (given the
        cover found).
    time_limit_s, solver_workers
        The solver's time limit and CPU cores (larger when trying harder).
    """

    rota: pd.DataFrame
    explanations: list[str] = field(default_factory=list)
    status: str = "no sessions"
    objective: float = 0.0
    bound: float = 0.0
    gap: float = 0.0
    wall_time_s: float = 0.0
    broken: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    summary: str = ""
    weights: RotaWeights = field(default_factory=RotaWeights)
    goals: pd.DataFrame = field(default_factory=pd.DataFrame)
    uncovered_priority: int = 0
    cover_bound: float = 0.0
    soft: int = 0
    soft_bound: float = 0.0
    time_limit_s: float = 0.0
    solver_workers: int = 0


def check_fixed(
    plan: SessionFacts, fixed: Mapping[str, tuple[str, str]]
) -> dict[int, tuple]:
    """Check agreed pairs against the rules; return session index -> worker indices.

    Raises
    ------
    InputDataError
        Naming the session and what is wrong (unknown session or worker, not two
        people, no lead, a banned pairing, someone unavailable, or the agreed
        pairs breaking the rules together).
    """
    index = {sid: i for i, sid in enumerate(plan.frame["session_id"])}
    number = {worker.name: w for w, worker in enumerate(plan.workers)}
    pairs: dict[int, tuple[int, int]] = {}
    for session_id, names in fixed.items():
        if session_id not in index:
            raise InputDataError(
                f"fixed assignment: session '{session_id}' is not in the plan. "
                "Remove it or make the sessions again."
            )
        i = index[session_id]
        where = f"fixed assignment for {plan.label(i)}"
        unknown = [name for name in names if name not in number]
        if unknown:
            raise InputDataError(
                f"{where}: '{unknown[0]}' is not in the team. Check the spelling."
            )
        if len(names) != 2 or names[0] == names[1]:
            raise InputDataError(f"{where}: a pair needs two different workers.")
        a, b = sorted(number[name] for name in names)
        if not (plan.workers[a].lead or plan.workers[b].lead):
            raise InputDataError(
                f"{where}: neither {names[0]} nor {names[1]} is a lead."
            )
        if not may_pair(plan.workers[a], plan.workers[b]):
            raise InputDataError(
                f"{where}: {names[0]} and {names[1]} must not work together "
                "(not_with in the team file)."
            )
        for w in (a, b):
            if w not in plan.able[i]:
                raise InputDataError(
                    f"{where}: {plan.workers[w].name} is not available then."
                )
        pairs[i] = (a, b)
    chosen = plan.frame.assign(workers="", staffed=False)
    for i, (a, b) in pairs.items():
        team = sorted([plan.workers[a].name, plan.workers[b].name])
        chosen.loc[i, ["workers", "staffed"]] = [";".join(team), True]
    problems = check_rota(chosen.loc[list(pairs)], plan.workers, plan.params)
    if problems:
        raise InputDataError(
            "fixed assignments break the rota rules together: "
            + " ".join(problems)
            + " Change or remove some fixed assignments."
        )
    return pairs


def solve_rota(
    plan: SessionFacts,
    setup: Setup,
    *,
    began: float,
    hint: Mapping[int, tuple[int, int]] | None = None,
    deterministic_time: float | None = None,
    lang: str = "en",
) -> tuple[RotaResult, dict[int, tuple[int, int]]]:
    """Solve a prepared plan and explain it; returns the result and chosen pairs."""
    params = plan.params
    built = RotaModel(plan, params.weights, setup)
    outcome = solve_model(built, params, deterministic_time, hint)
    workers = plan.workers
    teams = [
        ";".join(sorted(workers[w].name for w in outcome.chosen[i]))
        if i in outcome.chosen
        else ""
        for i in range(len(plan.days))
    ]
    rota = plan.frame.assign(
        workers=teams, staffed=[i in outcome.chosen for i in range(len(teams))]
    )
    status = "optimal" if outcome.proven else "feasible"
    gap = (outcome.objective - outcome.bound) / max(abs(outcome.objective), 1)
    seconds = time.perf_counter() - began
    soft_bound = max(outcome.bound - built.cover_weight * outcome.uncovered, 0.0)
    log.info(
        "rota: %s, %d of %d sessions staffed, objective %g, bound %g, gap %.3g, "
        "%.2f s (limit %g s on %d cores, %d pair variables)",
        status,
        len(outcome.chosen),
        len(teams),
        outcome.objective,
        outcome.bound,
        gap,
        seconds,
        params.solver_time_s(),
        params.solver_workers(),
        sum(len(options) for options in built.pairs),
    )
    result = RotaResult(
        rota=rota,
        explanations=explain_uncovered(
            plan, outcome.chosen, past=set(setup.locked), lang=lang
        ),
        status=status,
        objective=outcome.objective,
        bound=outcome.bound,
        gap=gap,
        wall_time_s=seconds,
        broken=broken_preferences(plan, outcome, setup, lang=lang),
        summary=summary_line(
            outcome,
            sessions=len(teams),
            status=status,
            soft_bound=min(soft_bound, float(outcome.soft)),
            seconds=seconds,
            lang=lang,
        ),
        weights=params.weights,
        goals=goals_table(params.weights, outcome.amounts, lang),
        uncovered_priority=outcome.uncovered,
        cover_bound=outcome.cover_bound,
        soft=outcome.soft,
        soft_bound=min(soft_bound, float(outcome.soft)),
        time_limit_s=params.solver_time_s(),
        solver_workers=params.solver_workers(),
    )
    return result, outcome.chosen


def rota_columns(sessions: pd.DataFrame) -> list[str]:
    """Return a rota's columns: the sessions' own, then ``workers`` and ``staffed``."""
    kept = [c for c in sessions.columns if c not in ("workers", "staffed")]
    return [*kept, "workers", "staffed"]


def plan_rota(
    sessions: pd.DataFrame,
    workers: Sequence[Worker],
    params: RotaParams,
    *,
    fixed: Mapping[str, tuple[str, str]] | None = None,
    history: pd.DataFrame | None = None,
    deterministic_time: float | None = None,
    lang: str = "en",
) -> RotaResult:
    """Choose a pair of workers for as many sessions as possible.

    Hard rules: two different workers per staffed session, at least one a lead,
    never a banned pairing (``not_with``), both available then and not on an
    unavailable date; each worker within ``max_hours`` in every 7-day block from
    ``params.start``, at most one session a day and at least
    ``params.min_rest_hours`` between sessions; agreed (``fixed``) pairs stay.
    Cover is soft, so a short-staffed fortnight still gets its best rota: the
    solver first covers the most priority it can, then, holding that, minimises
    the soft goals of ``params.weights`` (`outreach.params.RotaWeights`): fair
    evening, weekend and bank-holiday shares (past rotas included), a known
    face, small core teams, the same pair returning, a Welsh speaker or a mixed
    pair where a session asks for one.

    Parameters
    ----------
    sessions
        Sessions as made by `outreach.sessions.make_sessions` (``welsh`` and
        ``mixed`` columns optional).
    workers
        The team, e.g. from `geodata.workers.read_workers`.
    params
        Rota settings; uses ``start``, ``min_rest_hours``, ``time_limit_s``,
        ``try_harder``, ``seed`` and ``weights``.
    fixed
        Agreed pairs that must stay: session_id -> (worker, worker).
    history
        Past rota rows (e.g. earlier rotas from ``store.load_rota``
        concatenated): their evening/weekend/holiday counts carry into fairness
        and their teams make the known faces of each place.
    deterministic_time
        Optional CP-SAT deterministic time limit, for repeatable runs in tests and
        benchmarks; the wall-clock limit always applies.
    lang
        Language of the explanations ("en" or "cy").

    Returns
    -------
    RotaResult

    Raises
    ------
    InputDataError
        If a fixed assignment names an unknown session or worker, breaks a hard
        rule, or the fixed assignments break the rules together.
    """
    columns = rota_columns(sessions)
    if len(sessions) == 0:
        return RotaResult(rota=pd.DataFrame(columns=columns), weights=params.weights)
    began = time.perf_counter()
    plan = session_facts(sessions, workers, params)
    setup = Setup(
        fixed=check_fixed(plan, fixed or {}),
        past=offsets(history, [worker.name for worker in workers]),
        known=known_faces(history),
    )
    result, _ = solve_rota(
        plan, setup, began=began, deterministic_time=deterministic_time, lang=lang
    )
    return _with_columns(result, columns)


def _with_columns(result: RotaResult, columns: list[str]) -> RotaResult:
    return replace(result, rota=result.rota[columns])
