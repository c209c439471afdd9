"""Say in plain words why a rota leaves a session uncovered."""

from __future__ import annotations

from collections.abc import Mapping

from outreach.sessions import SessionFacts


def _why_busy(
    plan: SessionFacts, w: int, i: int, chosen: Mapping[int, tuple[int, int]]
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


def _explain(plan: SessionFacts, i: int, chosen: Mapping[int, tuple[int, int]]) -> str:
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


def explain_uncovered(
    plan: SessionFacts, chosen: Mapping[int, tuple[int, int]]
) -> list[str]:
    """Return one line per uncovered session saying why, in session order.

    The reason is worked out from availability and from the chosen rota: nobody
    available, only one worker available, no lead available, or (when enough
    people are available) which of them are busy that day, too close to another
    session for rest, or out of hours that week.

    Parameters
    ----------
    plan
        The session facts the rota was planned from.
    chosen
        Session index -> indices of the pair staffing it.

    Returns
    -------
    list of str
        E.g. "Sat 12 Dec, Castle Square evening: uncovered \u2014 only one lead
        is available then (Lee: on Quadrant evening that day)".
    """
    return [_explain(plan, i, chosen) for i in range(len(plan.days)) if i not in chosen]
