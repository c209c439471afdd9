"""Run a large, independent piece of the analysis in a second process.

Threads share one interpreter: work that spends much of its time in Python (the
HDBSCAN walk over locations) holds the GIL and slows the thread beside it. Above
``PROCESS_MIN_ITEMS`` inputs the work is worth a second process, which starts in
about half a second and then runs on the other core; below it a thread is
cheaper.

The process is a fresh ``python -m hotspots.offload`` that reads the pickled call
on stdin and writes the pickled result on stdout. Unlike ``multiprocessing`` it
never imports the caller's ``__main__`` (a script, a notebook, Streamlit's
launcher), so nothing of the caller runs twice. If the process cannot start or
dies, the call is made in the thread instead, so the answer never depends on
where it ran; an error raised by the call itself is raised to the caller.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROCESS_MIN_ITEMS = 200_000
_ROOT = Path(__file__).resolve().parents[1]


class Offloaded:
    """A call started beside the caller; ``result()`` waits for it.

    ``where`` says where it ran: "process", or "thread" (small work, or the
    process failed).
    """

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, items: int):
        self._call = (fn, args, kwargs)
        self.where = "process" if items >= PROCESS_MIN_ITEMS else "thread"
        self._pool = ThreadPoolExecutor(max_workers=1)
        job = self._in_process if self.where == "process" else self._in_line
        self._future: Future = self._pool.submit(job)

    def _in_line(self) -> Any:
        fn, args, kwargs = self._call
        return fn(*args, **kwargs)

    def _in_process(self) -> Any:
        """Run the call in a fresh interpreter; fall back to this thread."""
        try:
            payload = pickle.dumps(self._call, protocol=pickle.HIGHEST_PROTOCOL)
            done = subprocess.run(
                [sys.executable, "-m", "hotspots.offload"],
                input=payload,
                capture_output=True,
                env=_child_env(),
                check=False,
            )
            if done.returncode == 0:
                ok, value = pickle.loads(done.stdout)
                if ok:
                    return value
                raise value
            reason = f"exit {done.returncode}: {done.stderr.decode(errors='replace')}"
        except (OSError, pickle.PicklingError, EOFError, pickle.UnpicklingError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
        log.warning("second process failed (%s); running in a thread", reason[-500:])
        self.where = "thread"
        return self._in_line()

    def result(self) -> Any:
        """Return the call's result (raising what it raised)."""
        try:
            return self._future.result()
        finally:
            self._pool.shutdown(wait=True)


def offload(fn: Callable[..., Any], *args: Any, items: int, **kwargs: Any) -> Offloaded:
    """Start ``fn(*args, **kwargs)`` beside the caller; ``items`` sizes the work.

    ``fn`` must be a module-level function (it is pickled by name).
    """
    return Offloaded(fn, args, kwargs, items)


def _child_env() -> dict[str, str]:
    """Return the environment for the worker: the caller's, with its import path."""
    paths = [str(_ROOT), *(p for p in sys.path if p and os.path.isdir(p))]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def _serve() -> int:
    """Worker: read a pickled call on stdin, write ``(ok, value)`` on stdout."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # anything the call prints must not corrupt the result
    fn, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    try:
        reply = (True, fn(*args, **kwargs))
    except Exception as exc:  # the caller raises it
        reply = (False, exc)
    out.write(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_serve())
