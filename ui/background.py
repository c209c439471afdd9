"""One background thread that works through queued steps between script runs.

Generic (no pipeline here), so ``ui/data.py`` can withdraw a queue when files
are replaced or cleared; ``ui/prepare.py`` decides what to queue. Each batch
that did real work ends by tidying the heap (``settle_heap``), so garbage
collection happens between pages rather than in them.
"""

from __future__ import annotations

import collections
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

log = logging.getLogger(__name__)

QUIET_S = 1.0  # a page must have finished this long ago before a step starts
# Steps must have worked this long since the last tidy before a batch ends with
# one: a batch of cache hits (every rerun of a page already prepared) makes too
# little garbage to be worth a 0.15-0.3 s collection.
TIDY_AFTER_S = 0.5

Step = Callable[[], object]


def settle_heap() -> None:
    """Collect garbage now, between pages, and leave the survivors out of later
    collections.

    The caches hold a few million long-lived objects: a full collection through
    them took 0.15-0.3 s and fell on whichever page run happened to trigger it
    (bench/app_rerun.py). Run at the end of a batch that did real work, while no
    page is drawn, it does that work when nobody waits, and ``gc.freeze`` keeps
    the pages' own collections to the objects made since. Unfreezing first lets
    garbage cycles among earlier survivors (evicted views) be collected too.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Preparer:
    """One background thread working through the steps of the newest page.

    ``page_run`` wraps every script run, so the thread knows when the server is
    busy; ``offer`` replaces the queue with a new page's steps.
    """

    def __init__(
        self, quiet_s: float = QUIET_S, tidy_after_s: float = TIDY_AFTER_S
    ) -> None:
        self.quiet_s = quiet_s
        self.tidy_after_s = tidy_after_s
        self._worked_s = 0.0  # time in steps since the heap was last tidied
        self._lock = threading.Condition()
        self._queue: collections.deque[Step] = collections.deque()
        self._running_pages = 0
        self._last_page_end = 0.0
        self._working = False
        self._owner: str | None = None
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

    def offer(self, steps: Sequence[Step], owner: str | None = None) -> None:
        """Queue ``steps`` in place of anything not yet started.

        ``owner`` names what the steps work on (the files' digest), so
        ``withdraw`` can drop them.
        """
        with self._lock:
            self._queue = collections.deque([*steps, self._tidy] if steps else [])
            self._owner = owner
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="cmet-prepare", daemon=True
                )
                self._thread.start()
            self._lock.notify_all()

    def withdraw(self, owner: str) -> None:
        """Drop the queued steps if they work on ``owner`` (files replaced, cleared)."""
        with self._lock:
            if self._owner == owner:
                self._queue.clear()
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

    def _tidy(self) -> None:
        """End a batch: tidy the heap if its steps did real work (not cache hits)."""
        if self._worked_s >= self.tidy_after_s:
            settle_heap()
            self._worked_s = 0.0

    def _work(self) -> None:
        while True:
            step = self._next_step()
            began = time.monotonic()
            try:
                step()
            except Exception:  # a view that cannot be drawn is drawn, with its
                # message, when someone asks for it; here it is only not prepared
                log.debug("a view could not be prepared", exc_info=True)
            finally:
                if step != self._tidy:
                    self._worked_s += time.monotonic() - began
                with self._lock:
                    self._working = False
                    self._lock.notify_all()


PREPARER = Preparer()
