"""Work out the views one control away while the app is idle.

In the meeting the chair flips between themes, switches language or nudges a
setting, and each new value is a new analysis, service-gap summary and map (one
to two seconds on 100,000 incidents). After the meeting page is drawn, the views
one control change away are worked out in one background thread, through the
same caches the page reads, so a change the panel is likely to make answers
from the cache. Nothing new is shown or kept beyond those caches.

The thread starts a step only while no page is being drawn anywhere in the
server and none has been for ``QUIET_S``; a newer page replaces whatever is
still queued. ``CMET_PREPARE=0`` turns it off (the tests do, except their own).
"""

from __future__ import annotations

import collections
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from hotspots.params import PERIOD_LENGTHS
from i18n import LANGUAGES
from ui import data
from ui.filters import BANDS
from ui.mapview import drawn_map
from ui.sidebar import ALPHAS

log = logging.getLogger(__name__)

QUIET_S = 1.0  # a page must have finished this long ago before a step starts
MAX_VIEWS = 24  # neighbours prepared per page: below the caches' sizes

Step = Callable[[], object]


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
    switch would set it (``switched``), each other false
    discovery rate, period length and kind of unit, each time band and partner
    added or taken away; at most ``MAX_VIEWS``, never ``request`` itself.
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


class Preparer:
    """One background thread working through the steps of the newest page.

    ``page_run`` wraps every script run, so the thread knows when the server is
    busy; ``offer`` replaces the queue with a new page's steps.
    """

    def __init__(self, quiet_s: float = QUIET_S) -> None:
        self.quiet_s = quiet_s
        self._lock = threading.Condition()
        self._queue: collections.deque[Step] = collections.deque()
        self._running_pages = 0
        self._last_page_end = 0.0
        self._working = False
        self._thread: threading.Thread | None = None

    @contextmanager
    def page_run(self) -> Iterator[None]:
        """Mark one script run as in progress for as long as the block runs."""
        with self._lock:
            self._running_pages += 1
        try:
            yield
        finally:
            with self._lock:
                self._running_pages -= 1
                self._last_page_end = time.monotonic()
                self._lock.notify_all()

    def offer(self, steps: Sequence[Step]) -> None:
        """Queue ``steps`` in place of anything not yet started."""
        with self._lock:
            self._queue = collections.deque(steps)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="cmet-prepare", daemon=True
                )
                self._thread.start()
            self._lock.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until every queued step has run; ``False`` if ``timeout_s`` passed."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while self._queue or self._working:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.1))
        return True

    def _next_step(self) -> Step:
        """Wait for a queued step and a quiet server, then take the step."""
        with self._lock:
            while True:
                quiet_for = time.monotonic() - self._last_page_end
                if self._queue and not self._running_pages:
                    if quiet_for >= self.quiet_s:
                        self._working = True
                        return self._queue.popleft()
                    self._lock.wait(self.quiet_s - quiet_for)
                else:
                    self._lock.wait()

    def _work(self) -> None:
        while True:
            step = self._next_step()
            try:
                step()
            except Exception:  # a view that cannot be drawn is drawn, with its
                # message, when someone asks for it; here it is only not prepared
                log.debug("a view could not be prepared", exc_info=True)
            finally:
                with self._lock:
                    self._working = False
                    self._lock.notify_all()


PREPARER = Preparer()


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
    if not enabled():
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
    PREPARER.offer(steps)
