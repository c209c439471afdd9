"""``cli.py`` with the reader proposals of ``bench/proposals.py`` applied first.

Measures end to end what the proposed reader changes would buy; arguments are
those of ``cli.py`` (``.venv/bin/python bench/whatif_cli.py hotspots ...``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import proposals  # noqa: E402

if __name__ == "__main__":
    skipped = proposals.apply()
    if skipped:
        print(f"proposals not applied: {skipped}", file=sys.stderr)
    import cli

    sys.exit(cli.main(sys.argv[1:]))
