"""How long the meeting page takes to answer a control change, on big data (issue 9).

Drives the real app in-process with Streamlit's ``AppTest`` on the benchmark's
synthetic incidents (uploaded as a user would), with views one control away
prepared between runs as the app does by default (``ui/prepare.py``), and times
each run: the first (reading and analysing), a rerun with nothing changed, a
control set to a new value one step away (prepared while the page was read), to
a new value further away (not prepared: the analysis runs), and set back to a
value seen before; also how long the preparing takes after a page, and the
process's peak memory. ``CMET_PREPARE=0`` measures the app without preparing.
The size of the map sent to the browser is in ``bench/ours.py``. Run by hand
from the repository root::

    .venv/bin/python bench/app_rerun.py [--size 100k] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import ensure_dataset  # noqa: E402


def _timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the app on one size and print the time of each kind of rerun."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--soon", type=float, default=4.0, help="s after the first page for a theme"
    )
    parser.add_argument(
        "--cache", default=os.path.join(tempfile.gettempdir(), "cmet-bench-cache")
    )
    args = parser.parse_args(argv)
    os.environ["CMET_DB_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    os.environ.setdefault("CMET_PREPARE", "1")  # as the app runs by default
    from streamlit.testing.v1 import AppTest  # noqa: TID251 - it drives the app

    from ui import state
    from ui.prepare import PREPARER

    data = ensure_dataset(args.size, Path(args.cache))
    incidents = [(p.name, p.read_bytes()) for p in data.files]
    area = (data.area.name, data.area.read_bytes())
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.session_state[state.UPLOADS] = {"incidents": tuple(incidents), "area": (area,)}
    times: dict[str, list[float]] = {}

    def timed(what: str) -> None:
        times.setdefault(what, []).append(_timed(app.run))
        assert not app.exception, app.exception

    def settle(after: str = "a change") -> None:
        """Wait as the panel talks: the views one control away are prepared."""
        what = f"(all views one control away prepared, after {after})"
        times.setdefault(what, []).append(_timed(lambda: PREPARER.wait_idle(600)))

    timed("first run (read, analyse)")
    themes = app.multiselect(key=state.SB_CATEGORIES).options
    if os.environ["CMET_PREPARE"] != "0":
        # Soon after the page appears: the first theme's view is ready (about
        # 3 s at 100k) while the next ones are still being worked out beside it.
        time.sleep(args.soon)
        app.multiselect(key=state.SB_CATEGORIES).set_value([themes[0]])
        timed(f"one theme picked {args.soon:g} s after the first page (preparing)")
        app.multiselect(key=state.SB_CATEGORIES).set_value([])
        timed("all themes again (seen before)")
    settle("the first page")
    start = app.number_input(key=state.SB_THRESHOLD).value
    for i in range(args.repeats):
        timed("rerun, nothing changed")
        # A value never used, but one step away: prepared while the page was read.
        app.number_input(key=state.SB_THRESHOLD).set_value(start + 1)
        timed("disclosure threshold, new value one step away (prepared)")
        app.number_input(key=state.SB_THRESHOLD).set_value(start)
        timed("disclosure threshold, value seen before")
        # A value never used and not prepared (the publishable switch's 10 is):
        # the analysis runs again.
        app.number_input(key=state.SB_THRESHOLD).set_value(start + 6 + i)
        timed("disclosure threshold, new value six steps away (not prepared)")
        app.number_input(key=state.SB_THRESHOLD).set_value(start)
        timed("disclosure threshold, value seen before")
        settle()
        app.select_slider(key=state.SB_ALPHA).set_value((0.01, 0.1)[i % 2])
        timed("false discovery rate, new value (prepared)")
        app.select_slider(key=state.SB_ALPHA).set_value(0.05)
        timed("false discovery rate, value seen before")
        settle()
        # A theme picked for the first time: one control away, prepared.
        app.multiselect(key=state.SB_CATEGORIES).set_value([themes[i % len(themes)]])
        timed("one theme picked, new (prepared)")
        app.multiselect(key=state.SB_CATEGORIES).set_value([])
        timed("all themes again (seen before)")
        # Two themes at once from all: two changes away, not prepared.
        pair = [themes[(i + 1) % len(themes)], themes[(i + 2) % len(themes)]]
        app.multiselect(key=state.SB_CATEGORIES).set_value(pair)
        timed("two themes picked at once, new (not prepared)")
        app.multiselect(key=state.SB_CATEGORIES).set_value([])
        timed("all themes again (seen before)")
        settle()
    app.segmented_control(key=state.LANG).set_value("cy")
    timed("Welsh, first time (prepared)")
    app.segmented_control(key=state.LANG).set_value("en")
    timed("English again (seen before)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| rerun on {args.size} incidents | median s | slowest s | runs |")
    print("|---|---|---|---|")
    for what, values in times.items():
        middle, slowest = statistics.median(values), max(values)
        print(f"| {what} | {middle:.2f} | {slowest:.2f} | {len(values)} |")
    print(f"\npeak memory of the process: {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
