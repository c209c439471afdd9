"""Run a large, independent piece of the analysis in a second process.

Threads share one interpreter: work that spends much of its time in Python (the
HDBSCAN walk over locations) holds the GIL and slows the thread beside it. Above
``PROCESS_MIN_ITEMS`` inputs the work is worth a second process, which starts in
about half a second and then runs on the other core; below it a thread is
cheaper. If the process cannot be started or dies, the work is done in a thread
instead, so the answer never depends on where it ran.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger(__name__)

PROCESS_MIN_ITEMS = 200_000


class Offloaded:
    """A call started in a second process or thread; ``result()`` waits for it."""

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, items: int):
        self._call = (fn, args, kwargs)
        self._pool: ProcessPoolExecutor | ThreadPoolExecutor
        if items >= PROCESS_MIN_ITEMS:
            try:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
                self._future: Future = self._pool.submit(fn, *args, **kwargs)
                self.where = "process"
                return
            except (OSError, RuntimeError) as exc:  # no processes allowed here
                log.warning("second process not started (%s); using a thread", exc)
        self._start_thread()

    def _start_thread(self) -> None:
        fn, args, kwargs = self._call
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._future = self._pool.submit(fn, *args, **kwargs)
        self.where = "thread"

    def result(self) -> Any:
        """Return the call's result (raising what it raised)."""
        try:
            return self._future.result()
        except BrokenProcessPool as exc:
            log.warning("second process failed (%s); running in a thread", exc)
            self._pool.shutdown(wait=False)
            self._start_thread()
            return self._future.result()
        finally:
            self._pool.shutdown(wait=True)


def offload(fn: Callable[..., Any], *args: Any, items: int, **kwargs: Any) -> Offloaded:
    """Start ``fn(*args, **kwargs)`` beside the caller; ``items`` sizes the work."""
    return Offloaded(fn, args, kwargs, items)
