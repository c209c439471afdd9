"""Plan who staffs each outreach session: a CP-SAT model over pairs of workers."""

from __future__ import annotations

import itertools
import logging
import time
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
from outreach.uncovered import explain_uncovered

log = logging.getLogger(__name__)

# Soft-goal weights. Cover outranks both (see `_Model.objective`); spreading
# evening/weekend sessions fairly matters a little more than a small core team.
_FAIRNESS_WEIGHT = 2
_CONTINUITY_WEIGHT = 1
# Most of the time limit the cover phase may use; it usually needs far less.
_COVER_SHARE = 0.6


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
        self._soft_goals()

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

    def _soft_goals(self) -> None:
        """Set ``uncovered`` (priority-weighted) and ``soft`` (fairness, continuity)."""
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
        # Reported objective = cover_weight * uncovered + soft: one uncovered
        # priority point outweighs the worst fairness and continuity together.
        soft_max = _FAIRNESS_WEIGHT * unsocial_total + _CONTINUITY_WEIGHT * len(core)
        self.cover_weight = soft_max + 1
        priority = plan.frame["priority"].astype(int).clip(lower=1).tolist()
        self.uncovered = sum(
            p * (1 - cover) for p, cover in zip(priority, self.cover, strict=True)
        )
        self.soft = _FAIRNESS_WEIGHT * fairness + _CONTINUITY_WEIGHT * sum(
            core.values()
        )

    def solve(
        self, params: RotaParams, deterministic_time: float | None
    ) -> tuple[cp_model.CpSolver, bool, float]:
        """Solve cover first, then the soft goals with cover held at its best.

        Weighting both in one objective gives the same optimum but CP-SAT then
        bounds cover badly (a 25 % gap at 96 sessions in 20 s, against a proof in
        0.3 s alone), so the two are solved in turn.

        Returns
        -------
        solver, proven, bound
            The solver holding the final solution, whether it is proven best, and
            a lower bound on ``cover_weight * uncovered + soft``.
        """
        began = time.perf_counter()
        self.model.minimize(self.uncovered)
        first, code = _run(
            self.model, params, params.time_limit_s * _COVER_SHARE, deterministic_time
        )
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError(
                f"the rota solver found no rota ({first.status_name(code)}) in "
                f"{first.wall_time:.1f} s; this is a bug, please report it"
            )
        best_cover = round(first.objective_value)
        cover_bound = first.best_objective_bound
        cover_proven = code == cp_model.OPTIMAL
        log.info(
            "rota cover: %s, uncovered priority %d (bound %g) in %.2f s",
            first.status_name(code).lower(),
            best_cover,
            cover_bound,
            first.wall_time,
        )
        literals = [*self.cover, *(v for o in self.pairs for v in o.values())]
        for literal in literals:
            self.model.add_hint(literal, first.boolean_value(literal))
        self.model.add(self.uncovered <= best_cover)
        # The full objective (not the soft goals alone) proves faster here.
        self.model.minimize(self.cover_weight * self.uncovered + self.soft)
        left = max(params.time_limit_s - (time.perf_counter() - began), 0.5)
        second, code = _run(self.model, params, left, deterministic_time)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            log.info("rota soft goals: no solution in %.2f s", second.wall_time)
            return first, False, self.cover_weight * cover_bound
        log.info(
            "rota soft goals: %s, objective %g (bound %g) in %.2f s",
            second.status_name(code).lower(),
            second.objective_value,
            second.best_objective_bound,
            second.wall_time,
        )
        # With cover proven, the second bound holds for the whole problem;
        # otherwise only the cover bound does.
        if cover_proven:
            bound = max(second.best_objective_bound, self.cover_weight * cover_bound)
        else:
            bound = self.cover_weight * cover_bound
        return second, cover_proven and code == cp_model.OPTIMAL, bound


def _run(
    model: cp_model.CpModel,
    params: RotaParams,
    seconds: float,
    deterministic_time: float | None,
) -> tuple[cp_model.CpSolver, int]:
    """Solve ``model`` with the rota's solver settings and a time limit."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = params.seed
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time
    return solver, solver.solve(model)


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
    kept = [
        column for column in sessions.columns if column not in ("workers", "staffed")
    ]
    columns = [*kept, "workers", "staffed"]
    if len(sessions) == 0:
        return RotaResult(rota=pd.DataFrame(columns=columns))
    began = time.perf_counter()
    plan = session_facts(sessions, workers, params)
    pinned = _check_fixed(plan, fixed or {})
    built = _Model(plan, pinned)
    solver, proven, bound = built.solve(params, deterministic_time)
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
    explanations = explain_uncovered(plan, chosen)
    objective = float(
        built.cover_weight * solver.value(built.uncovered) + solver.value(built.soft)
    )
    bound = min(float(bound), objective)
    status = "optimal" if proven else "feasible"
    gap = (objective - bound) / max(abs(objective), 1)
    log.info(
        "rota: %s, %d of %d sessions staffed, objective %g, bound %g, gap %.3g, "
        "%.2f s (limit %g s, %d pair variables)",
        status,
        len(chosen),
        len(teams),
        objective,
        bound,
        gap,
        time.perf_counter() - began,
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
        wall_time_s=time.perf_counter() - began,
    )
