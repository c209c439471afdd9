"""Just read the CSV file(s) with pandas, as the floor any pipeline stands on.

Run from the repository root (``bench/run.py`` does this in a fresh process)::

    .venv/bin/python bench/baseline.py --engine pyarrow A.csv [B.csv ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def main(argv: list[str] | None = None) -> int:
    """Read the files once with the chosen pandas engine; print timings as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--engine", choices=("c", "pyarrow"), default="c")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    import pandas as pd

    imported = time.perf_counter()
    rows = sum(len(pd.read_csv(f, engine=args.engine)) for f in args.files)
    done = time.perf_counter()
    record = {
        "engine": args.engine,
        "rows": rows,
        "import_s": round(imported - began, 3),
        "read_s": round(done - imported, 3),
    }
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
