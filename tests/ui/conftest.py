"""App tests keep their own database and never touch the project's var/ folder.

Nothing is prepared in the background here (``ui/prepare.py``) unless a test
turns it on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

APP = Path(__file__).parents[2] / "app.py"
TIMEOUT = 180  # the first run reads the demo data and imports the solver


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the store at a fresh SQLite file for this test."""
    url = f"sqlite:///{tmp_path / 'cmet.sqlite'}"
    monkeypatch.setenv("CMET_DB_URL", url)
    monkeypatch.delenv("CMET_REQUIRE_SIGN_IN", raising=False)
    monkeypatch.delenv("CMET_ROLES", raising=False)
    # Views are prepared ahead only in tests/ui/test_prepare.py, so other tests
    # count their own work and nothing runs behind them.
    monkeypatch.setenv("CMET_PREPARE", "0")
    return url


@pytest.fixture
def served_on() -> Iterator[callable]:
    """Set ``server.address`` for one test (as ``streamlit run`` does), then undo."""
    before = config.get_option("server.address")

    def _set(address: str) -> None:
        config.set_option("server.address", address)

    yield _set
    config.set_option("server.address", before)


@pytest.fixture
def fresh() -> callable:
    """Return a maker of new app sessions, not yet run (as after a restart)."""

    def _new() -> AppTest:
        return AppTest.from_file(str(APP), default_timeout=TIMEOUT)

    return _new
