"""What one panel member does in the load test, and how a session is timed.

Two clients do the same four steps (``STEPS``) against a running app:

1. ``first_page``: open the app (the meeting page on the demo data);
2. ``upload``: open the Data page and upload the incidents CSV, the study area
   and the services, one at a time, each read and validated as it arrives;
3. ``map``: open the meeting page, with its hotspot map;
4. ``rerun``: choose one incident theme in the sidebar, so fewer incidents are
   analysed and the map is drawn again.

``load_browser`` drives headless Chromium and times each step until the page
is drawn; ``load_protocol`` speaks Streamlit's websocket protocol as the
browser's frontend does but draws nothing, so its step times are the server's.
Both also record the script runs' own time (``new_session`` to
``script_finished`` as the client saw them).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

# The harness reads Streamlit's wire messages; it is no part of the pipeline.
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251

STEPS = ("first_page", "upload", "map", "rerun")
ANALYSED = re.compile(r"([\d,]+) incidents analysed")
THEME = "drugs"
# Labels as the English catalogue has them (i18n/en.json).
MEETING, DATA, THEMES = "Panel meeting", "Data", "Incident themes"
UPLOADS = ("Incidents", "Study area", "Services")


@dataclass
class Session:
    """One session: seconds per finished step, the script runs' share, the error."""

    index: int
    seconds: dict[str, float] = field(default_factory=dict)
    server_seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    error_step: str | None = None
    websocket_closed: int = 0
    page_errors: int = 0


class StepError(Exception):
    """A step failed in a way the page showed (exception, dropped websocket)."""


class ScriptRuns:
    """Add up script runs seen on the wire: ``new_session`` to ``script_finished``.

    Their gap is the server's time (waiting for the GIL included), without the
    browser's drawing.
    """

    def __init__(self) -> None:
        self.began: float | None = None
        self.total = 0.0

    def seen(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.began = time.perf_counter()
        elif kind == "script_finished" and self.began is not None:
            self.total += time.perf_counter() - self.began
            self.began = None

    def take(self) -> float:
        """Return the seconds of the runs finished since the last call."""
        total, self.total = self.total, 0.0
        return round(total, 3)


async def timed_steps(
    record: Session,
    steps: AsyncIterator[str],
    runs: ScriptRuns,
    step_timeout_s: float,
) -> None:
    """Time each step ``steps`` yields into ``record``; record the first error."""
    try:
        for step in STEPS:
            began = time.perf_counter()
            try:
                got = await asyncio.wait_for(anext(steps), step_timeout_s)
            except TimeoutError:
                raise StepError(f"timeout after {step_timeout_s:.0f} s") from None
            if got != step:
                raise RuntimeError(f"steps out of order: {got} for {step}")
            if record.websocket_closed:
                raise StepError("websocket closed during the session")
            record.seconds[step] = round(time.perf_counter() - began, 3)
            record.server_seconds[step] = runs.take()
    except asyncio.CancelledError:
        record.error = record.error or "deadline or interrupt"
        record.error_step = _next_step(record)
        raise
    except Exception as exc:  # every failure of a session is a measured error
        text = str(exc).strip()
        message = text.splitlines()[0] if text else repr(exc)
        if "Timeout" in type(exc).__name__:
            message = f"timeout: {message}"
        record.error = message[:400]
        record.error_step = _next_step(record)


def _next_step(record: Session) -> str:
    return next((s for s in STEPS if s not in record.seconds), STEPS[-1])
