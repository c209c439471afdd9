"""Plan who staffs each outreach session: a CP-SAT model over pairs of workers."""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from ortools.sat.python import cp_model

from geodata.errors import InputDataError
from geodata.workers import Worker
from outreach.checker import check_rota
from outreach.params import RotaParams
from outreach.sessions import SessionFacts, session_facts

log = logging.getLogger(__name__)

# Soft-goal weights. Cover outranks both (see `_Model.objective`); spreading
# evening/weekend sessions fairly matters a little more than a small core team.
_FAIRNESS_WEIGHT = 2
_CONTINUITY_WEIGHT = 1


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
        Solver wall time in seconds.
    """

    rota: pd.DataFrame
    explanations: list[str] = field(default_factory=list)
    status: str = "no sessions"
    objective: float = 0.0
    bound: float = 0.0
    gap: float = 0.0
    wall_time_s: float = 0.0


def _check_fixed(
    plan: SessionFacts, fixed: Mapping[str, tuple[str, str]]
) -> dict[int, tuple]:
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


class _Model:
    """The CP-SAT pair model: one Boolean per allowed pair and session."""

    def __init__(
        self, plan: SessionFacts, fixed: Mapping[int, tuple[int, int]]
    ) -> None:
        self.plan = plan
        self.model = cp_model.CpModel()
        self.pairs: list[dict[tuple[int, int], cp_model.IntVar]] = []
        self.cover: list[cp_model.IntVar] = []
        # (worker, session) -> the pair literals in which that worker does that session
        self.does: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for i, able in enumerate(plan.able):
            options = {}
            for a, b in itertools.combinations(able, 2):
                if plan.workers[a].lead or plan.workers[b].lead:
                    literal = self.model.new_bool_var(f"y_{i}_{a}_{b}")
                    options[(a, b)] = literal
                    self.does[(a, i)].append(literal)
                    self.does[(b, i)].append(literal)
            cover = self.model.new_bool_var(f"cover_{i}")
            self.model.add(sum(options.values()) == cover)
            self.pairs.append(options)
            self.cover.append(cover)
            if i in fixed:
                self.model.add(options[fixed[i]] == 1)
        self._hard_rules()
        self.model.minimize(self._objective())

    def _hard_rules(self) -> None:
        plan = self.plan
        for w in range(len(plan.workers)):
            mine = sorted(
                (i for i in range(len(plan.days)) if (w, i) in self.does),
                key=plan.starts.__getitem__,
            )
            by_day: dict[date, list] = defaultdict(list)
            by_week: dict[int, list] = defaultdict(list)
            for i in mine:
                by_day[plan.days[i]].extend(self.does[(w, i)])
                by_week[plan.weeks[i]].extend(
                    plan.minutes[i] * literal for literal in self.does[(w, i)]
                )
            for literals in by_day.values():
                self.model.add_at_most_one(literals)
            for load in by_week.values():
                self.model.add(sum(load) <= plan.cap(w))
            for n, i in enumerate(mine):
                for j in mine[n + 1 :]:
                    if plan.starts[j] >= plan.ends[i] + timedelta(
                        hours=plan.params.min_rest_hours
                    ):
                        break
                    if plan.days[i] != plan.days[j]:
                        self.model.add_at_most_one(
                            self.does[(w, i)] + self.does[(w, j)]
                        )

    def _objective(self) -> cp_model.LinearExprT:
        plan = self.plan
        model = self.model
        unsocial_total = sum(plan.unsocial)
        counts = {}
        for w in range(len(plan.workers)):
            literals = [
                literal
                for i in range(len(plan.days))
                if plan.unsocial[i]
                for literal in self.does.get((w, i), [])
            ]
            if literals:
                counts[w] = sum(literals)
        fairness = 0
        if len(counts) >= 2:
            most = model.new_int_var(0, unsocial_total, "unsocial_most")
            least = model.new_int_var(0, unsocial_total, "unsocial_least")
            for count in counts.values():
                model.add(most >= count)
                model.add(least <= count)
            fairness = most - least
        core: dict[tuple[int, str], cp_model.IntVar] = {}
        spots = plan.frame["hotspot_id"].astype(str).tolist()
        for (w, i), literals in self.does.items():
            key = (w, spots[i])
            if key not in core:
                core[key] = model.new_bool_var(f"z_{w}_{spots[i]}")
            model.add(core[key] >= sum(literals))
        teams: dict[str, list] = defaultdict(list)
        for (_, spot), literal in core.items():
            teams[spot].append(literal)
        for i, cover in enumerate(self.cover):
            model.add(sum(teams[spots[i]]) >= 2 * cover)
        # One uncovered session of the lowest priority must cost more than the
        # worst possible fairness and continuity penalties together.
        soft_max = _FAIRNESS_WEIGHT * unsocial_total + _CONTINUITY_WEIGHT * len(core)
        self.cover_weight = soft_max + 1
        priority = plan.frame["priority"].astype(int).clip(lower=1).tolist()
        uncovered = sum(
            p * (1 - cover) for p, cover in zip(priority, self.cover, strict=True)
        )
        return (
            self.cover_weight * uncovered
            + _FAIRNESS_WEIGHT * fairness
            + _CONTINUITY_WEIGHT * sum(core.values())
        )


def _why_busy(
    plan: SessionFacts, w: int, i: int, chosen: dict[int, tuple[int, int]]
) -> str:
    """Say why worker ``w`` could not also do session ``i`` in the chosen rota."""
    worker = plan.workers[w]
    theirs = [j for j, pair in chosen.items() if w in pair]
    for j in theirs:
        if plan.days[j] == plan.days[i]:
            return f"{worker.name}: on {plan.place(j)} that day"
    for j in theirs:
        if plan.clash(i, j):
            return (
                f"{worker.name}: less than {plan.params.min_rest_hours:g} h rest "
                f"from {plan.label(j)}"
            )
    if plan.minutes[i] > plan.cap(w):
        return f"{worker.name}: weekly hours ({worker.max_hours:g} h) < one session"
    used = sum(plan.minutes[j] for j in theirs if plan.weeks[j] == plan.weeks[i])
    if used + plan.minutes[i] > plan.cap(w):
        return (
            f"{worker.name}: hours used up that week "
            f"({used / 60:g} of {worker.max_hours:g} h)"
        )
    return ""


def _explain(plan: SessionFacts, i: int, chosen: dict[int, tuple[int, int]]) -> str:
    """Return why session ``i`` is uncovered, in plain words."""
    workers = plan.workers
    able = plan.able[i]
    leads = [w for w in able if workers[w].lead]
    busy = {w: _why_busy(plan, w, i, chosen) for w in able}
    free = [w for w in able if not busy[w]]
    if not able:
        reason = "nobody is available then"
    elif len(able) == 1:
        reason = (
            f"only one worker is available then ({workers[able[0]].name}) "
            "and nobody works alone"
        )
    elif not leads:
        names = ", ".join(workers[w].name for w in able)
        reason = f"no lead is available then (available: {names})"
    elif not any(workers[w].lead for w in free):
        why = "; ".join(busy[w] for w in leads)
        reason = (
            f"only one lead is available then ({why})"
            if len(leads) == 1
            else f"no lead is free ({why})"
        )
    elif len(free) == 1:
        why = "; ".join(busy[w] for w in able if busy[w])
        reason = (
            f"only one worker is free ({workers[free[0]].name}); "
            f"the others conflict with other sessions or hours ({why})"
        )
    else:
        reason = (
            "a pair was free but the solver stopped at its time limit; "
            "solve again with more time"
        )
    return f"{plan.label(i)}: uncovered \u2014 {reason}"


def plan_rota(
    sessions: pd.DataFrame,
    workers: Sequence[Worker],
    params: RotaParams,
    *,
    fixed: Mapping[str, tuple[str, str]] | None = None,
    deterministic_time: float | None = None,
) -> RotaResult:
    """Choose a pair of workers for as many sessions as possible.

    Hard rules: two different workers per staffed session, at least one a lead,
    both available then and not on an unavailable date; each worker within
    ``max_hours`` in every 7-day block from ``params.start``, at most one session
    a day and at least ``params.min_rest_hours`` between sessions. Cover is soft,
    so a short-staffed fortnight still gets its best rota: uncovered sessions
    cost ``priority`` times a weight that outranks the other goals, which are
    spreading evening and weekend sessions evenly (smallest max-min count) and
    keeping a small core team at each hotspot.

    Parameters
    ----------
    sessions
        Sessions as made by `outreach.sessions.make_sessions`.
    workers
        The team, e.g. from `geodata.workers.read_workers`.
    params
        Rota settings; uses ``start``, ``min_rest_hours``, ``time_limit_s`` and
        ``seed``.
    fixed
        Agreed pairs that must stay: session_id -> (worker, worker).
    deterministic_time
        Optional CP-SAT deterministic time limit, for repeatable runs in tests and
        benchmarks; the wall-clock limit ``params.time_limit_s`` always applies.

    Returns
    -------
    RotaResult

    Raises
    ------
    InputDataError
        If a fixed assignment names an unknown session or worker, breaks a hard
        rule, or the fixed assignments break the rules together.
    """
    columns = [*sessions.columns, "workers", "staffed"]
    if len(sessions) == 0:
        return RotaResult(rota=pd.DataFrame(columns=columns))
    plan = session_facts(sessions, workers, params)
    pinned = _check_fixed(plan, fixed or {})
    built = _Model(plan, pinned)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = params.time_limit_s
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = params.seed
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time
    code = solver.solve(built.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(
            f"the rota solver found no rota ({solver.status_name(code)}) in "
            f"{solver.wall_time:.1f} s; this is a bug, please report it"
        )
    chosen = {
        i: pair
        for i, options in enumerate(built.pairs)
        for pair, literal in options.items()
        if solver.boolean_value(literal)
    }
    teams = [
        ";".join(sorted(workers[w].name for w in chosen[i])) if i in chosen else ""
        for i in range(len(plan.days))
    ]
    rota = plan.frame.assign(
        workers=teams, staffed=[i in chosen for i in range(len(teams))]
    )
    explanations = [
        _explain(plan, i, chosen) for i in range(len(teams)) if i not in chosen
    ]
    objective = float(solver.objective_value)
    bound = float(solver.best_objective_bound)
    status = "optimal" if code == cp_model.OPTIMAL else "feasible"
    gap = (
        0.0 if status == "optimal" else abs(objective - bound) / max(abs(objective), 1)
    )
    log.info(
        "rota: %s, %d of %d sessions staffed, objective %g, bound %g, gap %.3g, "
        "%.2f s (limit %g s, %d pair variables)",
        status,
        len(chosen),
        len(teams),
        objective,
        bound,
        gap,
        solver.wall_time,
        params.time_limit_s,
        sum(len(options) for options in built.pairs),
    )
    return RotaResult(
        rota=rota[columns],
        explanations=explanations,
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        wall_time_s=float(solver.wall_time),
    )
