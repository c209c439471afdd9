"""Say in plain words why a rota leaves a session uncovered."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping

from geodata.workers import may_pair
from i18n import t
from outreach.facts import SessionFacts
from outreach.labels import names_label


def why_busy(
    plan: SessionFacts,
    w: int,
    i: int,
    chosen: Mapping[int, tuple[int, int]],
    lang: str,
) -> str:
    """Say why worker ``w`` could not also do session ``i`` in the chosen rota."""
    worker = plan.workers[w]
    theirs = [j for j, pair in chosen.items() if w in pair]
    for j in theirs:
        if plan.days[j] == plan.days[i]:
            return t(
                "rota.busy.same_day", lang, name=worker.name, place=plan.place(j, lang)
            )
    for j in theirs:
        if plan.clash(i, j):
            return t(
                "rota.busy.rest",
                lang,
                name=worker.name,
                hours=f"{plan.params.min_rest_hours:g}",
                session=plan.label(j, lang),
            )
    if plan.minutes[i] > plan.cap(w):
        return t("rota.busy.cap", lang, name=worker.name, hours=f"{worker.max_hours:g}")
    used = sum(plan.minutes[j] for j in theirs if plan.weeks[j] == plan.weeks[i])
    if used + plan.minutes[i] > plan.cap(w):
        return t(
            "rota.busy.used",
            lang,
            name=worker.name,
            used=f"{used / 60:g}",
            hours=f"{worker.max_hours:g}",
        )
    return ""


def _reason(
    plan: SessionFacts, i: int, chosen: Mapping[int, tuple[int, int]], lang: str
) -> str:
    workers = plan.workers
    able = plan.able[i]
    leads = [w for w in able if workers[w].lead]
    busy = {w: why_busy(plan, w, i, chosen, lang) for w in able}
    free = [w for w in able if not busy[w]]
    if not able:
        return t("rota.reason.nobody", lang)
    if len(able) == 1:
        return t("rota.reason.one_worker", lang, name=workers[able[0]].name)
    if not leads:
        names = ", ".join(workers[w].name for w in able)
        return t("rota.reason.no_lead", lang, names=names)
    if not any(workers[w].lead for w in free):
        why = "; ".join(busy[w] for w in leads)
        key = "rota.reason.one_lead" if len(leads) == 1 else "rota.reason.no_free_lead"
        return t(key, lang, why=why)
    if len(free) == 1:
        why = "; ".join(busy[w] for w in able if busy[w])
        return t("rota.reason.one_free", lang, name=workers[free[0]].name, why=why)
    combos = [
        (workers[a], workers[b])
        for a, b in itertools.combinations(free, 2)
        if workers[a].lead or workers[b].lead
    ]
    if combos and not any(may_pair(a, b) for a, b in combos):
        pairs = "; ".join(
            names_label(sorted([a.name, b.name]), lang) for a, b in combos
        )
        return t("rota.reason.banned", lang, pairs=pairs)
    return t("rota.reason.time_limit", lang)


def explain_uncovered(
    plan: SessionFacts,
    chosen: Mapping[int, tuple[int, int]],
    *,
    past: Collection[int] = (),
    lang: str = "en",
) -> list[str]:
    """Return one line per uncovered session saying why, in session order.

    The reason is worked out from availability and from the chosen rota: nobody
    available, only one worker available, no lead available, or (when enough
    people are available) which of them are busy that day, too close to another
    session for rest, or out of hours that week, or that the free workers may
    not be paired (``not_with``).

    Parameters
    ----------
    plan
        The session facts the rota was planned from.
    chosen
        Session index -> indices of the pair staffing it.
    past
        Indices of sessions kept as they were when re-planning (already past).
    lang
        Language of the lines ("en" or "cy").

    Returns
    -------
    list of str
        E.g. "Sat 12 Dec, Castle Square evening: uncovered \u2014 only one lead
        is available then (Lee: on Quadrant evening that day)".
    """
    return [
        t(
            "rota.uncovered",
            lang,
            session=plan.label(i, lang),
            reason=t("rota.reason.past", lang)
            if i in past
            else _reason(plan, i, chosen, lang),
        )
        for i in range(len(plan.days))
        if i not in chosen
    ]
