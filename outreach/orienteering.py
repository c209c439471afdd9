"""The best walk through a session's stops in the time it has (orienteering).

Each stop has a value and a dwell time; walking times between stops are whole
minutes. The route starts at a given stop, may end anywhere, and must finish
its last dwell within the session. It collects the most value it can and,
among equally valuable routes, walks the least: OR-Tools routing with a
disjunction penalty per optional stop (worth more than any walking saved), a
time dimension capped at the session length and a time limit. When every stop
fits, the shortest order is used directly (exact for up to 8 stops).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

# Up to this many stops, every order is tried (7! = 5040 paths).
EXHAUSTIVE_MAX = 8


@dataclass(frozen=True)
class Walk:
    """A planned walk: stops in order and when the pair reaches each one.

    Attributes
    ----------
    order
        Stop indices in walking order, the start first.
    arrive
        Minutes after the session start at which each stop in ``order`` is
        reached (the first is 0).
    skipped
        Stops left out because the session is too short for them.
    """

    order: list[int]
    arrive: list[int]
    skipped: list[int]


def shortest_order(cost: np.ndarray, start: int) -> list[int]:
    """Return the cheapest open path from ``start`` through all nodes (exhaustive)."""
    n = len(cost)
    others = [i for i in range(n) if i != start]
    if not others:
        return [start]
    perms = np.array(list(itertools.permutations(others)), dtype=int)
    paths = np.column_stack([np.full(len(perms), start), perms])
    lengths = cost[paths[:, :-1], paths[:, 1:]].sum(axis=1)
    return [int(i) for i in paths[int(np.argmin(lengths))]]


def _arrivals(order: list[int], minutes: np.ndarray, dwell: np.ndarray) -> list[int]:
    times, clock = [], 0
    for n, stop in enumerate(order):
        if n:
            clock += int(dwell[order[n - 1]] + minutes[order[n - 1], stop])
        times.append(clock)
    return times


def _fits(
    order: list[int], minutes: np.ndarray, dwell: np.ndarray, budget: int
) -> bool:
    return _arrivals(order, minutes, dwell)[-1] + int(dwell[order[-1]]) <= budget


def _routing(
    minutes: np.ndarray,
    value: np.ndarray,
    dwell: np.ndarray,
    budget: int,
    start: int,
    time_limit_s: float,
) -> list[int] | None:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(minutes)
    end = n  # a free dummy end: the walk may finish at any stop
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, [start], [end])
    routing = pywrapcp.RoutingModel(manager)
    walk = np.zeros((n + 1, n + 1), dtype=np.int64)
    walk[:n, :n] = minutes
    spent = walk.copy()
    spent[:n, :] += dwell[:, None]  # leaving a stop means its dwell is done
    walk_list, spent_list = walk.tolist(), spent.tolist()

    def _walk(i: int, j: int) -> int:
        return walk_list[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def _spent(i: int, j: int) -> int:
        return spent_list[manager.IndexToNode(i)][manager.IndexToNode(j)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(_walk))
    routing.AddDimension(
        routing.RegisterTransitCallback(_spent), 0, int(budget), True, "Time"
    )
    # One value point outweighs any walking the whole session could save.
    per_point = int(budget) + 1
    for stop in range(n):
        if stop != start:
            routing.AddDisjunction(
                [manager.NodeToIndex(stop)], int(max(value[stop], 1)) * per_point
            )
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    )
    search.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    search.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    solution = routing.SolveWithParameters(search)
    if solution is None:
        return None
    order, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return order


def best_walk(
    minutes: np.ndarray,
    value: Sequence[float],
    dwell: Sequence[int] | int,
    budget: int | None,
    *,
    start: int = 0,
    time_limit_s: float = 0.5,
) -> Walk:
    """Plan the most valuable walk through the stops that fits in ``budget`` minutes.

    Parameters
    ----------
    minutes
        ``(n, n)`` whole walking minutes between stops.
    value
        Value of each stop (higher is more important).
    dwell
        Minutes spent at each stop (one number for all, or one per stop).
    budget
        Session length in minutes; ``None`` means every stop is visited.
    start
        Index of the first stop (always visited).
    time_limit_s
        Time limit of the routing search when not every stop fits.

    Returns
    -------
    Walk
    """
    matrix = np.asarray(minutes, dtype=np.int64)
    n = len(matrix)
    if not 0 <= start < n:
        raise ValueError(f"start must be an index below {n}; got {start}.")
    stay = np.broadcast_to(np.asarray(dwell, dtype=np.int64), (n,)).copy()
    worth = np.asarray(value, dtype=float)
    if n <= EXHAUSTIVE_MAX:
        order = shortest_order(matrix.astype(float), start)
        if budget is None or _fits(order, matrix, stay, budget):
            return Walk(order, _arrivals(order, matrix, stay), [])
    if budget is not None and stay[start] > budget:
        return Walk([start], [0], [i for i in range(n) if i != start])
    # Without a budget every stop fits in the whole walk plus every dwell.
    limit = budget if budget is not None else int(stay.sum() + matrix.sum()) + 1
    points = np.rint(worth).astype(np.int64)
    chosen = _routing(matrix, points, stay, limit, start, time_limit_s)
    if chosen is None:
        log.warning("best_walk: no routing solution; visiting the start only")
        chosen = [start]
    skipped = [i for i in range(n) if i not in chosen]
    log.info(
        "best_walk: %d of %d stops fit in %d minutes (value %g of %g)",
        len(chosen),
        n,
        limit,
        float(worth[chosen].sum()),
        float(worth.sum()),
    )
    return Walk(chosen, _arrivals(chosen, matrix, stay), skipped)
