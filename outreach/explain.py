"""Say in plain words which preferences a rota could not meet, and how good it is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import pandas as pd

from geodata.workers import Worker, may_pair, mixed_pair
from i18n import t
from outreach.facts import SessionFacts
from outreach.labels import names_label
from outreach.model import FAIRNESS_KINDS, GOALS, Setup
from outreach.params import RotaWeights
from outreach.solve import Outcome
from outreach.uncovered import why_busy

GOAL_COLUMNS = ("goal", "label", "weight", "amount", "penalty")
# A hotspot with more different workers than this no longer has a small core team.
CORE_TEAM_MAX = 3
# Fairness spreads up to this are as even as whole sessions allow.
_EVEN_SPREAD = 1


def _pair(plan: SessionFacts, pair: tuple[int, int]) -> list[str]:
    return sorted(plan.workers[w].name for w in pair)


def _unmet(
    plan: SessionFacts,
    i: int,
    chosen: Mapping[int, tuple[int, int]],
    wanted: Callable[[Worker], bool],
    lang: str,
    kind: str,
) -> str:
    """Return why no worker with ``wanted`` is in session ``i``'s pair."""
    able = [w for w in plan.able[i] if wanted(plan.workers[w])]
    if not able:
        return t(f"rota.pref.{kind}_none", lang)
    busy = [why_busy(plan, w, i, chosen, lang) for w in able]
    if all(busy):
        return t(f"rota.pref.{kind}_busy", lang, why="; ".join(busy))
    return t("rota.pref.outweighed", lang)


def broken_preferences(
    plan: SessionFacts,
    outcome: Outcome,
    setup: Setup,
    *,
    lang: str = "en",
) -> list[str]:
    """Return one plain-words line per preference the rota does not meet.

    Covers sessions asking for a Welsh speaker or a mixed pair that did not get
    one (and why), sessions at a place with history staffed by two new faces,
    uneven evening, weekend and holiday shares (past rotas included) and
    hotspots without a small core team (more than 3 workers).
    """
    chosen, workers = outcome.chosen, plan.workers
    places = plan.frame["hotspot_name"].astype(str).str.strip()
    lines = []
    for i in sorted(chosen):
        if i in setup.locked:
            continue
        names = _pair(plan, chosen[i])
        pair = names_label(names, lang)
        label = plan.label(i, lang)
        a, b = (workers[w] for w in chosen[i])
        if plan.welsh[i] and not (a.welsh_speaker or b.welsh_speaker):
            why = _unmet(plan, i, chosen, lambda w: w.welsh_speaker, lang, "welsh")
            lines.append(t("rota.pref.welsh", lang, session=label, pair=pair, why=why))
        if plan.mixed[i] and not mixed_pair(a, b):
            lines.append(t("rota.pref.mixed", lang, session=label, pair=pair))
        faces = setup.known.get(places.iloc[i].casefold(), set())
        if faces and not faces & set(names):
            lines.append(
                t(
                    "rota.pref.known_face",
                    lang,
                    session=label,
                    pair=pair,
                    place=places.iloc[i],
                )
            )
    lines += _fairness_lines(plan, chosen, setup, lang)
    lines += _core_team_lines(plan, chosen, lang)
    return lines


def _fairness_lines(
    plan: SessionFacts,
    chosen: Mapping[int, tuple[int, int]],
    setup: Setup,
    lang: str,
) -> list[str]:
    lines = []
    for kind in FAIRNESS_KINDS:
        flags = getattr(plan, kind)
        past = setup.past.get(kind, [0] * len(plan.workers))
        # As in the model: workers who could make a valid pair for such a session.
        eligible = {
            w
            for i, hit in enumerate(flags)
            if hit
            for w in plan.able[i]
            if any(
                may_pair(plan.workers[w], plan.workers[v])
                for v in plan.able[i]
                if v != w
            )
        }
        if len(eligible) < 2:
            continue
        count = {w: past[w] for w in eligible}
        for i, pair in chosen.items():
            if flags[i]:
                for w in pair:
                    count[w] = count.get(w, past[w]) + 1
        low, high = min(count.values()), max(count.values())
        if high - low <= _EVEN_SPREAD:
            continue
        fewest = ", ".join(sorted(_workers_named(plan, count, low)))
        most = ", ".join(sorted(_workers_named(plan, count, high)))
        lines.append(
            t(
                f"rota.pref.fair_{kind}",
                lang,
                low=low,
                fewest=fewest,
                high=high,
                most=most,
            )
        )
    return lines


def _workers_named(plan: SessionFacts, count: Mapping[int, int], value: int) -> list:
    """Return the names of workers whose count equals ``value``."""
    return [plan.workers[w].name for w, n in count.items() if n == value]


def _core_team_lines(
    plan: SessionFacts, chosen: Mapping[int, tuple[int, int]], lang: str
) -> list[str]:
    team: dict[str, set[str]] = defaultdict(set)
    names = plan.frame["hotspot_name"].astype(str).tolist()
    for i, pair in chosen.items():
        team[names[i]].update(plan.workers[w].name for w in pair)
    return [
        t(
            "rota.pref.core_team",
            lang,
            place=place,
            n=len(members),
            names=", ".join(sorted(members)),
        )
        for place, members in sorted(team.items())
        if len(members) > CORE_TEAM_MAX
    ]


def goals_table(
    weights: RotaWeights, amounts: Mapping[str, int], lang: str = "en"
) -> pd.DataFrame:
    """Return each soft goal with its weight, amount and penalty (weight x amount).

    Columns `GOAL_COLUMNS`: ``goal`` (the `RotaWeights` field), ``label``
    (plain words in ``lang``), ``weight``, ``amount`` (e.g. the spread of
    evening sessions, workers in core teams, sessions without a Welsh speaker)
    and ``penalty``; one row per goal in `outreach.model.GOALS`.
    """
    rows = []
    for goal in GOALS:
        weight = int(getattr(weights, goal))
        amount = int(amounts.get(goal, 0))
        rows.append(
            {
                "goal": goal,
                "label": t(f"rota.goal.{goal}", lang),
                "weight": weight,
                "amount": amount,
                "penalty": weight * amount,
            }
        )
    return pd.DataFrame(rows, columns=list(GOAL_COLUMNS))


def summary_line(
    outcome: Outcome,
    *,
    sessions: int,
    status: str,
    soft_bound: float,
    seconds: float,
    lang: str = "en",
) -> str:
    """Return how good the rota is, in its two parts: cover, then the soft goals.

    Cover (priority points left uncovered) is solved first and its proven least
    is given; the soft goals' penalty comes with its proven bound and the gap.
    """
    soft_gap = (outcome.soft - soft_bound) / max(outcome.soft, 1)
    values = {
        "staffed": len(outcome.chosen),
        "sessions": sessions,
        "uncovered": outcome.uncovered,
        "least": f"{outcome.cover_bound:.0f}",
        "soft": outcome.soft,
        "bound": f"{soft_bound:.0f}",
        "gap": f"{100 * soft_gap:.0f}",
        "seconds": f"{seconds:.1f}",
    }
    key = "rota.summary.optimal" if status == "optimal" else "rota.summary.feasible"
    return t(key, lang, **values)
