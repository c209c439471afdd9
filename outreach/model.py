"""The CP-SAT pair model behind the rota: one Boolean per allowed pair and session.

Hard rules are built in (invalid pairs are never created; day, rest and hours
limits are constraints); cover is soft and solved first; the other soft goals
(`outreach.params.RotaWeights`) are each an integer amount times a weight.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from ortools.sat.python import cp_model

from geodata.workers import may_pair, mixed_pair
from outreach.facts import SessionFacts
from outreach.params import RotaWeights

log = logging.getLogger(__name__)

FAIRNESS_KINDS = ("evening", "weekend", "holiday")
# Soft goals in the order they are reported.
GOALS = (
    "evening_fairness",
    "weekend_fairness",
    "holiday_fairness",
    "known_face",
    "core_team",
    "same_pair",
    "welsh_speaker",
    "mixed_pair",
    "change",
)


@dataclass
class Setup:
    """Everything besides the sessions that shapes the model.

    Attributes
    ----------
    fixed
        Session index -> agreed pair (worker indices), checked against the rules.
    locked
        Re-planning: session index -> the pair it had (kept as it was, rules not
        re-checked because it is in the past), or ``None`` if it was uncovered.
    previous
        Re-planning: session index -> workers it had, for hints and the change
        penalty.
    past
        Past evening/weekend/holiday counts per worker, in team order.
    known
        Place (hotspot name, case-folded) -> names of workers who worked there.
    """

    fixed: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    locked: Mapping[int, tuple[int, int] | None] = field(default_factory=dict)
    previous: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    past: Mapping[str, Sequence[int]] = field(default_factory=dict)
    known: Mapping[str, set[str]] = field(default_factory=dict)


class RotaModel:
    """The pair model for one set of sessions: variables, hard rules, soft goals."""

    def __init__(self, plan: SessionFacts, weights: RotaWeights, setup: Setup) -> None:
        self.plan, self.weights, self.setup = plan, weights, setup
        self.spots = plan.frame["hotspot_id"].astype(str).tolist()
        self.model = cp_model.CpModel()
        self.pairs: list[dict[tuple[int, int], cp_model.IntVar]] = []
        self.cover: list[cp_model.IntVar] = []
        self.does: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for i in range(len(plan.days)):
            self._session(i)
        self._hard_rules()
        self.links = self._links()
        self.amounts: dict[str, cp_model.LinearExprT] = {}
        self.maxima: dict[str, int] = {}
        # Auxiliary variables and how to compute their value from a rota, so a
        # hint can be complete.
        self.aux: list[tuple[cp_model.IntVar, Callable[[Mapping], int]]] = []
        self._teams_cache: tuple = (None, {})
        self._fairness()
        self._continuity()
        self._preferences()
        soft_max = sum(
            getattr(weights, goal) * self.maxima.get(goal, 0) for goal in GOALS
        )
        self.cover_weight = soft_max + 1
        priority = plan.frame["priority"].astype(int).clip(lower=1).tolist()
        self.uncovered = sum(
            p * (1 - cover) for p, cover in zip(priority, self.cover, strict=True)
        )
        self.soft = sum(
            getattr(weights, goal) * self.amounts[goal]
            for goal in GOALS
            if goal in self.amounts
        )

    def _session(self, i: int) -> None:
        plan, model = self.plan, self.model
        workers = plan.workers
        if i in self.setup.locked:
            allowed = [] if self.setup.locked[i] is None else [self.setup.locked[i]]
        else:
            allowed = [
                (a, b)
                for a, b in itertools.combinations(plan.able[i], 2)
                if may_pair(workers[a], workers[b])
            ]
        options = {}
        for a, b in allowed:
            literal = model.new_bool_var(f"y_{i}_{a}_{b}")
            options[(a, b)] = literal
            self.does[(a, i)].append(literal)
            self.does[(b, i)].append(literal)
        cover = model.new_bool_var(f"cover_{i}")
        model.add(sum(options.values()) == cover)
        if i in self.setup.locked:
            model.add(cover == int(bool(allowed)))
            for literal in options.values():
                model.add(literal == 1)
        if i in self.setup.fixed:
            model.add(options[self.setup.fixed[i]] == 1)
        self.pairs.append(options)
        self.cover.append(cover)

    def _hard_rules(self) -> None:
        plan, model, locked = self.plan, self.model, self.setup.locked
        rest = timedelta(hours=plan.params.min_rest_hours)
        for w in range(len(plan.workers)):
            mine = sorted(
                (i for i in range(len(plan.days)) if (w, i) in self.does),
                key=plan.starts.__getitem__,
            )
            kept = [i for i in mine if i in locked]
            free = [i for i in mine if i not in locked]
            # A worker on a past (locked) session cannot take a later one that
            # clashes with it; past sessions are not re-checked among themselves.
            for i in free:
                if any(plan.clash(i, j) for j in kept):
                    for literal in self.does[(w, i)]:
                        model.add(literal == 0)
            by_day: dict = defaultdict(list)
            by_week: dict[int, list] = defaultdict(list)
            used: dict[int, int] = defaultdict(int)
            for i in kept:
                used[plan.weeks[i]] += plan.minutes[i]
            for i in free:
                by_day[plan.days[i]].extend(self.does[(w, i)])
                by_week[plan.weeks[i]].extend(
                    plan.minutes[i] * literal for literal in self.does[(w, i)]
                )
            for literals in by_day.values():
                model.add_at_most_one(literals)
            for week, load in by_week.items():
                model.add(sum(load) <= max(plan.cap(w) - used[week], 0))
            for n, i in enumerate(free):
                for j in free[n + 1 :]:
                    if plan.starts[j] >= plan.ends[i] + rest:
                        break
                    if plan.days[i] != plan.days[j]:
                        model.add_at_most_one(self.does[(w, i)] + self.does[(w, j)])

    def _weighted(self, goal: str) -> bool:
        return getattr(self.weights, goal) > 0

    def _eligible(self, flags: Sequence[bool]) -> list[int]:
        """Return workers in some allowed pair of a flagged session, in order."""
        return sorted(
            {
                w
                for i, hit in enumerate(flags)
                if hit
                for pair in self.pairs[i]
                for w in pair
            }
        )

    def _fairness(self) -> None:
        plan, model = self.plan, self.model
        for kind in FAIRNESS_KINDS:
            goal = f"{kind}_fairness"
            flags = getattr(plan, kind)
            past = self.setup.past.get(kind, [0] * len(plan.workers))
            eligible = self._eligible(flags)
            if not self._weighted(goal) or len(eligible) < 2:
                continue
            counts = [
                past[w]
                + sum(
                    literal
                    for i, hit in enumerate(flags)
                    if hit
                    for literal in self.does.get((w, i), [])
                )
                for w in eligible
            ]
            top = max(past, default=0) + sum(flags)
            most = model.new_int_var(0, top, f"{kind}_most")
            least = model.new_int_var(0, top, f"{kind}_least")
            for count in counts:
                model.add(most >= count)
                model.add(least <= count)
            self.amounts[goal] = most - least
            self.maxima[goal] = top
            spread = self._spreads(kind)
            self.aux.append((most, lambda chosen, f=spread: f(chosen)[1]))
            self.aux.append((least, lambda chosen, f=spread: f(chosen)[0]))

    def _spreads(self, kind: str) -> Callable[[Mapping], tuple[int, int]]:
        """Return a function giving the fewest and most ``kind`` sessions of a rota."""
        flags = getattr(self.plan, kind)
        past = self.setup.past.get(kind, [0] * len(self.plan.workers))
        eligible = self._eligible(flags)

        def counts(chosen: Mapping[int, tuple[int, int]]) -> tuple[int, int]:
            count = {w: past[w] for w in eligible}
            for i, pair in chosen.items():
                if flags[i]:
                    for w in pair:
                        count[w] += 1
            values = list(count.values()) or [0]
            return min(values), max(values)

        return counts

    def _continuity(self) -> None:
        if not (self._weighted("core_team") or self._weighted("same_pair")):
            return
        model, spots = self.model, self.spots
        core: dict[tuple[int, str], cp_model.IntVar] = {}
        for (w, i), literals in self.does.items():
            key = (w, spots[i])
            if key not in core:
                core[key] = model.new_bool_var(f"z_{w}_{spots[i]}")
                self.aux.append(
                    (core[key], lambda c, k=key: k in self._teams(c)["workers"])
                )
            model.add(core[key] >= sum(literals))
        teams: dict[str, list] = defaultdict(list)
        for (_, spot), literal in core.items():
            teams[spot].append(literal)
        # Redundant: a covered session means at least two workers at its hotspot.
        for i, cover in enumerate(self.cover):
            model.add(sum(teams[spots[i]]) >= 2 * cover)
        self.amounts["core_team"] = sum(core.values())
        self.maxima["core_team"] = len(core)
        self._same_pair()

    def _links(self) -> list[tuple[int, int]]:
        """Return each session and the one before it at the same hotspot."""
        last: dict[str, int] = {}
        links = []
        for i in sorted(range(len(self.pairs)), key=self.plan.starts.__getitem__):
            if self.spots[i] in last:
                links.append((last[self.spots[i]], i))
            last[self.spots[i]] = i
        return links

    def _same_pair(self) -> None:
        """Count returns to a hotspot by a different pair from the visit before."""
        if not self._weighted("same_pair"):
            return
        model, changed = self.model, []
        for before, after in self.links:
            shared = set(self.pairs[before]) & set(self.pairs[after])
            repeats = []
            for pair in shared:
                repeat = model.new_bool_var(f"r_{before}_{after}_{pair[0]}_{pair[1]}")
                model.add_implication(repeat, self.pairs[before][pair])
                model.add_implication(repeat, self.pairs[after][pair])
                repeats.append(repeat)
                self.aux.append(
                    (
                        repeat,
                        lambda c, b=before, a=after, p=pair: c.get(b) == p == c.get(a),
                    )
                )
            change = model.new_bool_var(f"new_pair_{before}_{after}")
            model.add(
                change >= self.cover[before] + self.cover[after] - 1 - sum(repeats)
            )
            self.aux.append(
                (
                    change,
                    lambda c, b=before, a=after: b in c and a in c and c[b] != c[a],
                )
            )
            changed.append(change)
        if changed:
            self.amounts["same_pair"] = sum(changed)
            self.maxima["same_pair"] = len(changed)

    def _teams(self, chosen: Mapping[int, tuple[int, int]]) -> dict[str, set]:
        """Return the (worker, hotspot) keys a rota uses."""
        key = tuple(sorted(chosen.items()))
        if self._teams_cache[0] != key:
            workers = {(w, self.spots[i]) for i, pair in chosen.items() for w in pair}
            self._teams_cache = (key, {"workers": workers})
        return self._teams_cache[1]

    def _missing(self, i: int, good: set[tuple[int, int]]) -> cp_model.LinearExprT:
        """Return 1 when session ``i`` is staffed by a pair outside ``good``."""
        return self.cover[i] - sum(
            literal for pair, literal in self.pairs[i].items() if pair in good
        )

    def good_pairs(self, goal: str, i: int) -> set[tuple[int, int]] | None:
        """Return session ``i``'s allowed pairs that meet a preference goal.

        ``None`` when the goal does not apply to the session (no history at the
        place, no Welsh speaker or mixed pair asked for, nothing to keep).
        """
        plan, workers, options = self.plan, self.plan.workers, self.pairs[i]
        if i in self.setup.locked:
            return None
        if goal == "known_face":
            place = str(plan.frame["hotspot_name"].iloc[i]).strip().casefold()
            faces = self.setup.known.get(place, set())
            if not faces:
                return None
            return {p for p in options if {workers[w].name for w in p} & faces}
        if goal == "welsh_speaker":
            if not plan.welsh[i]:
                return None
            return {p for p in options if any(workers[w].welsh_speaker for w in p)}
        if goal == "mixed_pair":
            if not plan.mixed[i]:
                return None
            return {p for p in options if mixed_pair(workers[p[0]], workers[p[1]])}
        raise ValueError(f"unknown preference goal {goal!r}")

    def _preferences(self) -> None:
        for goal in ("known_face", "welsh_speaker", "mixed_pair"):
            if not self._weighted(goal):
                continue
            terms = [
                self._missing(i, good)
                for i in range(len(self.pairs))
                if (good := self.good_pairs(goal, i)) is not None
            ]
            if terms:
                self.amounts[goal] = sum(terms)
                self.maxima[goal] = len(terms)
        change_terms = []
        for i, before in self.setup.previous.items():
            if i in self.setup.locked or not before:
                continue
            kept = [literal for w in before for literal in self.does.get((w, i), [])]
            change_terms.append(len(before) - sum(kept))
        if change_terms and self._weighted("change"):
            self.amounts["change"] = sum(change_terms)
            self.maxima["change"] = 2 * len(change_terms)

    def measure(self, chosen: Mapping[int, tuple[int, int]]) -> dict[str, int]:
        """Return every soft goal's amount in a rota (weighted or not)."""
        amounts = {}
        for kind in FAIRNESS_KINDS:
            low, high = self._spreads(kind)(chosen)
            amounts[f"{kind}_fairness"] = high - low
        teams = self._teams(chosen)
        amounts["core_team"] = len(teams["workers"])
        amounts["same_pair"] = sum(
            1
            for before, after in self.links
            if before in chosen and after in chosen and chosen[before] != chosen[after]
        )
        for goal in ("known_face", "welsh_speaker", "mixed_pair"):
            amounts[goal] = sum(
                1
                for i, pair in chosen.items()
                if (good := self.good_pairs(goal, i)) is not None and pair not in good
            )
        amounts["change"] = sum(
            len(set(before) - set(chosen.get(i, ())))
            for i, before in self.setup.previous.items()
            if i not in self.setup.locked
        )
        return amounts

    def hint(self, wanted: Mapping[int, tuple[int, int]]) -> None:
        self.model.clear_hints()
        for i, options in enumerate(self.pairs):
            for pair, literal in options.items():
                self.model.add_hint(literal, wanted.get(i) == pair)
            self.model.add_hint(self.cover[i], i in wanted and wanted[i] in options)
        for variable, value in self.aux:
            self.model.add_hint(variable, int(value(wanted)))
