"""Stage clocks, function instrumentation and child-process measurement for benches.

Peak memory is read from the kernel (``ru_maxrss``), not from tracemalloc, which
misses most C allocations (NumPy, Arrow, GEOS) and slows Python code down. Each
configuration runs in a fresh child process, measured with ``os.wait4`` so the
figure belongs to that child alone.
"""

from __future__ import annotations

import functools
import importlib
import os
import resource
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class StageClock:
    """Exclusive wall and CPU time per stage, excluding the stages inside it.

    CPU time (``time.process_time``, all threads) is the steadier figure on a busy
    machine; wall time is what a user waits.
    """

    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    first_peak: dict[str, float] = field(default_factory=dict)
    _stack: list[list] = field(default_factory=list)

    def __enter__(self) -> StageClock:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def start(self, name: str) -> None:
        """Open stage ``name`` (nested stages are subtracted from it)."""
        self._stack.append([name, time.perf_counter(), time.process_time(), 0.0, 0.0])

    def stop(self) -> float:
        """Close the innermost stage; return its inclusive wall seconds."""
        name, began, cpu_began, inner, inner_cpu = self._stack.pop()
        elapsed = time.perf_counter() - began
        cpu = time.process_time() - cpu_began
        self.seconds[name] = self.seconds.get(name, 0.0) + elapsed - inner
        self.cpu_seconds[name] = self.cpu_seconds.get(name, 0.0) + cpu - inner_cpu
        self.calls[name] = self.calls.get(name, 0) + 1
        # The first stage to end with the final peak is where memory peaked.
        peak = peak_rss_mb()
        if peak > max(self.first_peak.values(), default=0.0):
            self.first_peak[name] = peak
        if self._stack:
            self._stack[-1][3] += elapsed
            self._stack[-1][4] += cpu
        return elapsed

    def stage(self, name: str) -> _Stage:
        """Return a context manager timing ``name``."""
        return _Stage(self, name)

    def wrap(self, func: Callable, name: str) -> Callable:
        """Return ``func`` timed as stage ``name`` on every call."""

        @functools.wraps(func)
        def timed(*args: object, **kwargs: object) -> object:
            self.start(name)
            try:
                return func(*args, **kwargs)
            finally:
                self.stop()

        return timed

    def rounded(self) -> dict[str, dict[str, float]]:
        """Return wall and CPU seconds (to the ms) and calls per stage."""
        return {
            k: {
                "wall": round(v, 3),
                "cpu": round(self.cpu_seconds[k], 3),
                "calls": self.calls[k],
                "peak_mb_reached": round(self.first_peak.get(k, 0.0), 1),
            }
            for k, v in self.seconds.items()
        }


@dataclass
class _Stage:
    clock: StageClock
    name: str

    def __enter__(self) -> None:
        self.clock.start(self.name)

    def __exit__(self, *exc: object) -> None:
        self.clock.stop()


def instrument(
    clock: StageClock, targets: Sequence[tuple[str, str | tuple[str, ...], str]]
) -> list[str]:
    """Replace ``module.attr`` by a timed wrapper for each ``(module, attr, stage)``.

    Callers look functions up in their module's globals at call time, so patching
    the importing module's name times every call made from there. ``attr`` may be
    a tuple of alternative names (code under active change renames helpers); every
    one that exists is wrapped. Returns the targets of which no name exists.
    """
    missing = []
    for module_name, attrs, stage in targets:
        module = importlib.import_module(module_name)
        names = (attrs,) if isinstance(attrs, str) else attrs
        found = [a for a in names if getattr(module, a, None) is not None]
        if not found:
            missing.append(f"{module_name}.{'/'.join(names)}")
        for attr in found:
            setattr(module, attr, clock.wrap(getattr(module, attr), stage))
    return missing


def peak_rss_mb() -> float:
    """Return this process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass(frozen=True)
class Measured:
    """One child process: wall and CPU seconds, peak memory, exit status, output."""

    wall_s: float
    cpu_s: float
    peak_mb: float
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str

    def as_dict(self) -> dict:
        """Return the figures (without the output) for the results file."""
        return {
            "wall_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "peak_mb": round(self.peak_mb, 1),
            "returncode": self.returncode,
            "timed_out": self.timed_out,
        }


def tree_rss_kb(pid: int) -> int:
    """Return the memory resident for ``pid`` and all its descendants, in KiB.

    Each process's own (anonymous and shared-memory) pages are added up; pages
    of mapped files, mostly the same shared libraries in every process, are in
    memory once, so the largest process's file pages are counted, not their
    sum. For a single process this is exactly its resident size.
    """
    own, files, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            own += sum(
                int(fields.get(k, "0 kB").split()[0]) for k in ("RssAnon", "RssShmem")
            )
            files = max(files, int(fields.get("RssFile", "0 kB").split()[0]))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as kids:
                    todo.extend(int(k) for k in kids.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return own + files


def run_measured(
    command: Sequence[str], *, cwd: str, timeout_s: float | None = None
) -> Measured:
    """Run ``command`` in a fresh process; measure its wall time, CPU and peak RSS.

    CPU covers the child and every process it waited for (``wait4``). Peak
    memory is the larger of the child's own ``ru_maxrss`` and the memory of the
    child and its descendants together (``tree_rss_kb``), sampled every 20 ms:
    a pipeline that starts a second process is charged for both at once. On
    timeout the child's process group is killed and the figures describe the
    run up to then.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        began = time.perf_counter()
        child = subprocess.Popen(
            list(command), cwd=cwd, stdout=out, stderr=err, start_new_session=True
        )
        timed_out = False
        tree_kb = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            tree_kb = max(tree_kb, tree_rss_kb(child.pid))
            if timeout_s is not None and time.perf_counter() - began > timeout_s:
                os.killpg(child.pid, signal.SIGKILL)
                timed_out = True
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return Measured(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_mb=max(usage.ru_maxrss, tree_kb) / 1024.0,
        returncode=os.waitstatus_to_exitcode(status),
        timed_out=timed_out,
        stdout=stdout,
        stderr=stderr,
    )
