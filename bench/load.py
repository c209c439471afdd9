"""Load test: concurrent sessions against a real ``streamlit run`` server (issue 8).

One server (``streamlit run app.py`` on loopback and a free port, with a
throwaway database) and N concurrent sessions, each doing what a panel member
would (``bench/load_sessions.py``): open the app, upload the incidents, study
area and services on the Data page, open the meeting page with its map, and
narrow the analysis to one theme. Sessions are real headless Chromium pages
(``--client browser``, one browser context each) or websocket clients that
speak Streamlit's protocol and draw nothing (``--client protocol``): on a
2-core machine 20 browsers take most of the CPU themselves, so the protocol
client measures what the server gives 20 users on their own machines.

Each step is timed until the page is drawn (browser) or its script runs have
finished (protocol); the runs' own time is recorded too. An error is an
exception shown in the page, a step timeout, a dropped websocket, a crashed page
or the overall deadline; a session stops at its first error. By default the
server is pinned to one core and the clients to the others, and one first page
is opened before the sessions start (the first visitor pays for imports and the
demo analysis). Peak RSS comes from ``/proc`` (``VmHWM``), CPU seconds from
``/proc/<pid>/stat``, for the server and for the browser's processes.

Run from the repository root; figures go to a JSON file and a Markdown table
(printed and written beside it)::

    .venv/bin/python bench/load.py [--client protocol] [--sessions 20] [--size 100k]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import SIZES, ensure_dataset  # noqa: E402
from load_browser import browser_first_page, browser_session  # noqa: E402
from load_protocol import protocol_first_page, protocol_session  # noqa: E402
from load_server import (  # noqa: E402
    Server,
    available_mb,
    client_pids,
    cpu_seconds,
    loopback,
    proc_status,
)
from load_sessions import STEPS, Session  # noqa: E402
from run import machine  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SAMPLE_EVERY_S = 0.5


@dataclass
class Peaks:
    """What the sampler saw while the sessions ran."""

    server_rss_mb: float = 0.0
    browser_rss_mb: float = 0.0
    # Last CPU seconds seen per browser process: renderers exit with their context.
    browser_cpu_s: dict[int, float] = field(default_factory=dict)
    load_average: float = 0.0
    min_available_mb: float = float("inf")


def describe_machine() -> dict:
    """Describe the machine and software (``bench/run.py``), with the app's stack."""
    box = machine()
    for name in ("streamlit", "streamlit-folium", "playwright"):
        box["libraries"][name] = metadata.version(name)
    if CHROMIUM.exists():
        box["chromium"] = subprocess.run(
            [str(CHROMIUM), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return box


async def _sample(server: Server, peaks: Peaks) -> None:
    """Track RSS of server and browser, load and memory left, until cancelled."""
    while True:
        peaks.server_rss_mb = max(
            peaks.server_rss_mb, proc_status(server.process.pid, "VmRSS")
        )
        pids = client_pids(server)
        browser = sum(proc_status(p, "VmRSS") for p in pids)
        peaks.browser_rss_mb = max(peaks.browser_rss_mb, browser)
        for pid in pids:
            cpu = cpu_seconds(pid)
            peaks.browser_cpu_s[pid] = max(cpu, peaks.browser_cpu_s.get(pid, 0.0))
        peaks.load_average = max(peaks.load_average, os.getloadavg()[0])
        peaks.min_available_mb = min(peaks.min_available_mb, available_mb())
        await asyncio.sleep(SAMPLE_EVERY_S)


async def _run_all(
    start: object, sessions: list[Session], args: argparse.Namespace
) -> None:
    """Start one task per session (``start(record, index)``); stop at the deadline."""
    began = time.perf_counter()
    tasks = []
    try:
        for i, record in enumerate(sessions):
            tasks.append(asyncio.create_task(start(record, i)))
            await asyncio.sleep(args.ramp)
        left = max(1.0, args.deadline - (time.perf_counter() - began))
        await asyncio.wait(tasks, timeout=left)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _drive(
    server: Server,
    sessions: list[Session],
    files: list[tuple[Path, ...]],
    args: argparse.Namespace,
    measured: dict,
) -> None:
    """Run every session concurrently; put the figures in ``measured``.

    ``measured`` is filled even when the run is cancelled (Ctrl-C, SIGTERM).
    """
    asyncio.get_running_loop().add_signal_handler(
        signal.SIGTERM, asyncio.current_task().cancel
    )
    peaks = Peaks()
    sampler = asyncio.create_task(_sample(server, peaks))
    url, timeout = server.url, args.step_timeout
    began, own_cpu = time.perf_counter(), time.process_time()
    try:
        if args.client == "protocol":
            if args.warm:
                await protocol_first_page(url)
                measured["warmup_s"] = round(time.perf_counter() - began, 1)
            began, own_cpu = time.perf_counter(), time.process_time()

            def start(record: Session, i: int):
                return protocol_session(url, files[i], record, timeout)

            await _run_all(start, sessions, args)
            return
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
            )
            try:
                if args.warm:
                    await browser_first_page(browser, url, timeout)
                    measured["warmup_s"] = round(time.perf_counter() - began, 1)
                began = time.perf_counter()

                def start(record: Session, i: int):
                    shots = args.screenshots
                    return browser_session(
                        browser, url, files[i], record, timeout, shots
                    )

                await _run_all(start, sessions, args)
            finally:
                for pid in client_pids(server):
                    cpu = max(cpu_seconds(pid), peaks.browser_cpu_s.get(pid, 0.0))
                    peaks.browser_cpu_s[pid] = cpu
                await browser.close()
    finally:
        sampler.cancel()
        measured.update(
            wall_s=round(time.perf_counter() - began, 1),
            server_peak_rss_mb=round(
                max(peaks.server_rss_mb, proc_status(server.process.pid, "VmHWM")), 1
            ),
            server_cpu_s=round(cpu_seconds(server.process.pid), 1),
            client_peak_rss_mb=round(peaks.browser_rss_mb, 1),
            client_cpu_s=round(
                sum(peaks.browser_cpu_s.values())
                if args.client == "browser"
                else time.process_time() - own_cpu,
                1,
            ),
            max_load_average=round(peaks.load_average, 2),
            min_available_mb=round(peaks.min_available_mb, 1),
        )


def summarise(sessions: list[Session]) -> dict[str, dict]:
    """Return per step: sessions timed, p50, p95 and max seconds, and errors.

    ``server_*`` are the same for the step's script runs alone (``new_session``
    to ``script_finished`` as the client saw them).
    Percentiles interpolate linearly between the sorted times (NumPy's default).
    """

    def stat(values: list[float], q: float) -> float | None:
        return round(float(np.percentile(values, q)), 2) if values else None

    out = {}
    for step in STEPS:
        times = [s.seconds[step] for s in sessions if step in s.seconds]
        server = [s.server_seconds[step] for s in sessions if step in s.seconds]
        out[step] = {
            "count": len(times),
            "p50_s": stat(times, 50),
            "p95_s": stat(times, 95),
            "max_s": stat(times, 100),
            "server_p50_s": stat(server, 50),
            "server_p95_s": stat(server, 95),
            "errors": sum(1 for s in sessions if s.error and s.error_step == step),
        }
    return out


def markdown(results: dict) -> str:
    """Return the results as a Markdown table with the run's conditions."""
    run, box = results["run"], results["machine"]
    rows = [
        f"{run['sessions']} concurrent {run['client']} sessions, "
        f"{run['incidents']:,} incidents "
        f"({run['size']}{', distinct file names' if run['distinct'] else ''}); "
        f"{box['cores']} cores, {box['ram_gb']} GB RAM, load average "
        f"{box['load_average_at_start'][0]:.1f} at start, "
        f"{run['max_load_average']} at most; "
        + ("server on its own core" if run["pinned"] else "server not pinned")
        + (
            f", options {' '.join(run['server_options'])}"
            if run["server_options"]
            else ""
        )
        + (f"; warm-up first page {run['warmup_s']} s." if "warmup_s" in run else "."),
        "",
        "| step | sessions timed | p50 s | p95 s | max s | script runs p50 s "
        "| script runs p95 s | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    keys = ("count", "p50_s", "p95_s", "max_s", "server_p50_s", "server_p95_s")
    for step, s in results["steps"].items():
        cells = [*(s[k] for k in keys), s["errors"]]
        rows.append(
            f"| {step} | "
            + " | ".join("-" if c is None else str(c) for c in cells)
            + " |"
        )
    rows += [
        "",
        f"Errors: {results['errors']} of {run['sessions']} sessions; server "
        f"tracebacks: {run['server_tracebacks']}; websocket closes: "
        f"{run['websocket_closed']}. Server peak RSS {run['server_peak_rss_mb']:,} MB, "
        f"CPU {run['server_cpu_s']} s; {run['client']} clients' CPU "
        f"{run['client_cpu_s']} s; "
        f"wall {run['wall_s']} s (deadline {run['deadline_s']:.0f} s).",
    ]
    return "\n".join(rows) + "\n"


def _files(
    args: argparse.Namespace, work: Path
) -> tuple[list[tuple[Path, Path, Path]], int]:
    """Return each session's (incidents, area, services) files and incident count."""
    data = ensure_dataset(args.size, args.cache)
    if len(data.files) != 1:
        raise SystemExit(f"--size {args.size}: pick a size that is one CSV file")
    incidents, shared = data.files[0], (data.area, data.services)
    if not args.distinct:
        return [(incidents, *shared)] * args.sessions, data.n
    trios = []
    for i in range(args.sessions):
        # A distinct name makes a distinct upload, so no session shares the cache.
        copy = work / f"incidents_{args.size}_s{i:02d}.csv"
        try:
            os.link(incidents, copy)
        except OSError:
            copy.write_bytes(incidents.read_bytes())
        trios.append((copy, *shared))
    return trios, data.n


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--size", choices=list(SIZES), default="100k")
    parser.add_argument("--host", default="127.0.0.1", help="loopback only")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds")
    parser.add_argument("--step-timeout", type=float, default=300.0, help="seconds")
    parser.add_argument("--ramp", type=float, default=0.0, help="s between starts")
    parser.add_argument(
        "--client",
        choices=("browser", "protocol"),
        default="browser",
        help="headless Chromium pages, or websocket clients that draw nothing",
    )
    parser.add_argument("--distinct", action="store_true", help="one file per session")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "cmet-bench-cache"
    )
    parser.add_argument("--results", type=Path, default=None, help="JSON file")
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="server on the first core, clients on the others (default: protocol)",
    )
    parser.add_argument(
        "--warm",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="open the first page once before the sessions start",
    )
    parser.add_argument(
        "--server-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Streamlit option for the server, e.g. runner.postScriptGC=false",
    )
    parser.add_argument(
        "--py-spy", type=Path, default=None, help="raw py-spy profile of the server"
    )
    parser.add_argument(
        "--screenshots", type=Path, default=None, help="folder for failed pages"
    )
    args = parser.parse_args(argv)
    if args.screenshots is not None:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    try:
        args.host = loopback(args.host)
    except ValueError as exc:
        parser.error(str(exc))
    if not 1 <= args.sessions <= 50:
        parser.error("--sessions must be between 1 and 50")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the load test; print the table; return 1 if any session failed."""
    args = parse(argv)
    if args.client == "browser" and not CHROMIUM.exists():
        print(f"needs Debian chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="cmet-load-") as tmp:
        work = Path(tmp)
        files, n = _files(args, work)
        box = describe_machine()
        sessions = [Session(i) for i in range(args.sessions)]
        cpus = sorted(os.sched_getaffinity(0))
        pin = args.client == "protocol" if args.pin is None else args.pin
        pinned = pin and len(cpus) >= 2
        server = Server(
            args.host, work, args.server_option, {cpus[0]} if pinned else None
        )
        if pinned:
            # Browser and harness on the other cores: the server keeps one core,
            # as it would in a deployment, where browsers run on users' machines.
            os.sched_setaffinity(0, set(cpus[1:]))
        # SIGTERM stops the run like Ctrl-C: sessions are cancelled, all shut down.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        measured: dict = {}
        interrupted = False
        try:
            measured["server_ready_s"] = round(server.wait_healthy(), 1)
            if args.py_spy is not None:
                server.profile(args.py_spy)
            asyncio.run(_drive(server, sessions, files, args, measured))
        except (KeyboardInterrupt, asyncio.CancelledError):
            interrupted = True
        finally:
            tracebacks = server.tracebacks()
            server.stop()
            log_tail = server.log.read_text(errors="replace")[-4000:]
    results = {
        "machine": box,
        "run": {
            "sessions": args.sessions,
            "size": args.size,
            "incidents": n,
            "distinct": args.distinct,
            "deadline_s": args.deadline,
            "step_timeout_s": args.step_timeout,
            "server_options": args.server_option,
            "client": args.client,
            "pinned": pinned,
            "server_tracebacks": tracebacks,
            "websocket_closed": sum(s.websocket_closed for s in sessions),
            "page_errors": sum(s.page_errors for s in sessions),
            "interrupted": interrupted,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            **measured,
        },
        "steps": summarise(sessions),
        "errors": sum(1 for s in sessions if s.error),
        "sessions": [asdict(s) for s in sessions],
    }
    if results["errors"] or tracebacks:
        results["server_log_tail"] = log_tail
    path = args.results or Path(tempfile.gettempdir()) / f"cmet-load-{args.size}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    table = markdown(results) if "wall_s" in measured else "interrupted early\n"
    path.with_suffix(".md").write_text(table)
    print(table)
    print(f"results: {path} and {path.with_suffix('.md')}")
    return 1 if results["errors"] or interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
