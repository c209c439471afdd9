"""Work out the views one control away while the app is idle.

In the meeting the chair flips between themes, switches language or nudges a
setting, and each new value is a new analysis, service-gap summary and map (one
to two seconds on 100,000 incidents). After the meeting page is drawn, the views
one control change away are worked out in one background thread, through the
same caches the page reads, so a change the panel is likely to make answers
from the cache. Nothing new is shown or kept beyond those caches.

The thread (``ui/background.py``) starts a step only while no page is being
drawn anywhere in the server and none has been for ``QUIET_S``; a newer page
replaces whatever is still queued, and replacing or clearing the files drops
it. ``CMET_PREPARE=0`` turns it off (the tests do, except their own), and so
do more than ``MAX_INCIDENTS`` incidents.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from hotspots.params import PERIOD_LENGTHS
from i18n import LANGUAGES
from ui import data
from ui.background import PREPARER, Step
from ui.filters import BANDS
from ui.mapview import drawn_map
from ui.sidebar import ALPHAS

MAX_VIEWS = 24  # neighbours prepared per page: below the caches' sizes
# Above this many incidents nothing is prepared: each view takes tens of seconds
# and a filtered copy of the incidents can take gigabytes.
MAX_INCIDENTS = 2_000_000


def enabled() -> bool:
    """Return whether views are prepared ahead (``CMET_PREPARE``, default on)."""
    return os.environ.get("CMET_PREPARE", "1").strip().lower() not in {
        "0",
        "no",
        "off",
        "false",
    }


def _toggled(chosen: tuple[str, ...], value: str) -> tuple[str, ...]:
    """Return ``chosen`` with ``value`` taken out, or added at the end."""
    if value in chosen:
        return tuple(v for v in chosen if v != value)
    return (*chosen, value)


def neighbours(
    request: data.Request,
    *,
    themes: Sequence[str],
    thresholds: tuple[int, int],
    switched: int | None = None,
    alphas: Sequence[float],
    periods: Sequence[str],
    units: Sequence[str],
    bands: Sequence[str],
    partners: Sequence[str],
) -> list[data.Request]:
    """Return the requests one control change away, the likeliest first.

    Each theme added or taken away, the disclosure threshold one up or down
    (within ``thresholds``, the lowest and highest allowed) or as the publishable
    switch would set it (``switched``), each other false discovery rate, period
    length and kind of unit, each time band and partner added or taken away; at
    most ``MAX_VIEWS``, never ``request`` itself.
    """
    choice, params = request.choice, request.params
    found: list[data.Request] = []
    for theme in themes:
        chosen = _toggled(choice.categories, theme)
        found.append(
            replace(
                request,
                choice=replace(choice, categories=chosen),
                params=replace(params, categories=chosen),
            )
        )
    lowest, highest = thresholds
    nearby = (params.threshold + 1, params.threshold - 1)
    for k in [k for k in nearby if lowest <= k <= highest] + [switched]:
        if k is not None:
            found.append(replace(request, params=replace(params, threshold=k)))
    for alpha in alphas:
        found.append(replace(request, params=replace(params, alpha=float(alpha))))
    for period in periods:
        found.append(replace(request, params=replace(params, period=period)))
    for unit in units:
        found.append(replace(request, params=replace(params, units=unit)))
    for band in bands:
        chosen = _toggled(choice.bands, band)
        found.append(replace(request, choice=replace(choice, bands=chosen)))
    for partner in partners:
        chosen = _toggled(choice.sources, partner)
        found.append(replace(request, choice=replace(choice, sources=chosen)))
    unique = [r for r in dict.fromkeys(found) if r != request]
    return unique[:MAX_VIEWS]


def view_steps(request: data.Request, lang: str, tiles: bool) -> list[Step]:
    """Return the steps that draw the meeting page's costly parts for ``request``.

    The same cached calls, with the same arguments, as ``ui/views/meeting.py``:
    the analysis, what changed since the last panel, the service gaps and their
    summary, and the map.
    """

    def since() -> object:
        return data.since_for(request, data.detect(request))

    def gaps() -> object:
        if data.has_hotspots(data.detect(request)):
            data.gaps(request)
            data.gap_lines(request, lang)
        return None

    def drawn() -> object:
        return drawn_map(request, data.snapshot_of(since()), lang, tiles)

    return [lambda: data.detect(request), since, gaps, drawn]


def language_steps(request: data.Request, lang: str, tiles: bool) -> list[Step]:
    """Return the steps for the same page in the other language (map and summary)."""
    other = next(code for code in LANGUAGES if code != lang)
    return view_steps(request, other, tiles)[2:]


def after_meeting_page(
    request: data.Request,
    lang: str,
    tiles: bool,
    *,
    thresholds: tuple[tuple[int, int], int],
    units: Sequence[str],
) -> None:
    """Queue the meeting page's views one control away from ``request``.

    The other language first (the map and the gaps summary only), then each
    neighbour from ``neighbours``, those filtering other incidents first.
    ``thresholds`` are the lowest and highest disclosure thresholds the sidebar
    allows now and the one its publishable switch would set; ``units`` the kinds
    of unit it offers.
    """
    if not enabled() or len(data.load(request.sources).incidents) > MAX_INCIDENTS:
        return
    themes, partners, _, _ = data.options(request.sources)
    bounds, switched = thresholds
    views = neighbours(
        request,
        themes=themes,
        thresholds=bounds,
        switched=switched,
        alphas=ALPHAS,
        periods=PERIOD_LENGTHS,
        units=units,
        bands=BANDS,
        partners=partners,
    )
    # Views of other incidents first and of the same incidents last, so what is
    # kept per incident set (the contexts' tree, ``hotspots/memo.py``) ends with
    # this page's own, ready for a value that was not prepared.
    views.sort(key=lambda view: view.choice == request.choice)
    steps = language_steps(request, lang, tiles)
    for view in views:
        steps.extend(view_steps(view, lang, tiles))
    PREPARER.offer(steps, owner=request.sources.key)
