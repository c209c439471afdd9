"""A load-test session over Streamlit's websocket protocol, drawing nothing.

The client sends what the browser's frontend sends (``rerun_script`` with the
page and the widget values the user changed, ``file_urls_request`` and the
upload itself, with the XSRF token) and reads the elements each run sends back,
so 20 sessions cost the client little CPU and the step times are the server's.
An exception element in a run fails the step.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import websockets
from load_sessions import (
    ANALYSED,
    DATA,
    MEETING,
    THEME,
    THEMES,
    UPLOADS,
    ScriptRuns,
    Session,
    StepError,
    timed_steps,
)

# The harness reads Streamlit's wire messages; it is no part of the pipeline.
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251
from streamlit.proto.Element_pb2 import Element  # noqa: TID251
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: TID251

_XSRF_COOKIE = "_streamlit_xsrf"
_RERUN_EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_WITH_COMPILE_ERROR")


def _text(element: Element) -> str:
    kind = element.WhichOneof("type")
    return (
        getattr(element, kind).body if kind in ("markdown", "heading", "alert") else ""
    )


class StreamlitClient:
    """One Streamlit session spoken over its websocket, as the browser speaks it.

    It sends the widget values a user changed (the server keeps the others),
    uploads files through ``/_stcore/upload_file`` with the XSRF token, and
    collects each run's elements; an exception element fails the step.
    """

    def __init__(self, url: str, runs: ScriptRuns, record: Session) -> None:
        self.url = url
        self.runs = runs
        self.record = record
        self.http = httpx.AsyncClient(base_url=url, timeout=None)
        self.ws: websockets.ClientConnection | None = None
        self.session_id = ""
        self.page_hash = ""
        self.query = ""
        self.pages: dict[str, str] = {}
        self.widgets: dict[str, WidgetState] = {}
        self.elements: list[Element] = []
        self.xsrf = ""

    async def open(self) -> list[Element]:
        """Load the page and its static files, connect, and run the first page."""
        index = await self.http.get("/")
        index.raise_for_status()
        # The browser fetches the page's scripts and styles too, six at a time.
        assets = re.findall(r'(?:src|href)="\.?/?(static/[^"]+)"', index.text)
        lanes = asyncio.Semaphore(6)

        async def fetch(asset: str) -> None:
            async with lanes:
                (await self.http.get(f"/{asset}")).raise_for_status()

        await asyncio.gather(*map(fetch, assets))
        # As the frontend: the health check sets the XSRF cookie uploads need.
        (await self.http.get("/_stcore/health")).raise_for_status()
        self.xsrf = self.http.cookies.get(_XSRF_COOKIE, "")
        cookie = {"Cookie": f"{_XSRF_COOKIE}={self.xsrf}"} if self.xsrf else {}
        self.ws = await websockets.connect(
            "ws" + self.url.removeprefix("http") + "/_stcore/stream",
            subprotocols=["streamlit", self.xsrf] if self.xsrf else ["streamlit"],
            origin=self.url,
            additional_headers=cookie,
            max_size=None,
        )
        return await self.rerun()

    async def close(self) -> None:
        """Close the websocket and the HTTP client."""
        if self.ws is not None:
            await self.ws.close()
        await self.http.aclose()

    async def _receive(self) -> ForwardMsg:
        try:
            message = ForwardMsg.FromString(await self.ws.recv())
        except websockets.ConnectionClosed:
            self.record.websocket_closed += 1
            raise StepError("websocket closed during the session") from None
        self.runs.seen(message)
        return message

    async def rerun(self, page: str | None = None) -> list[Element]:
        """Ask for a run (of ``page``, by name) and return the elements it drew."""
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.pages[page] if page else self.page_hash
        state.widget_states.widgets.extend(self.widgets.values())
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-GB"
        state.context_info.url = self.url
        await self.ws.send(back.SerializeToString())
        elements: list[Element] = []
        while True:
            message = await self._receive()
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id
                self.page_hash = message.new_session.page_script_hash
                elements = []
            elif kind == "navigation":
                pages = message.navigation.app_pages
                self.pages = {p.page_name: p.page_script_hash for p in pages}
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if element.WhichOneof("type") == "exception":
                    raise StepError(
                        f"exception in page: {element.exception.type}: "
                        f"{element.exception.message[:300]}"
                    )
                elements.append(element)
            elif kind == "script_finished":
                if message.script_finished == _COMPILE_ERROR:
                    raise StepError("the app's script did not compile")
                if message.script_finished != _RERUN_EARLY:
                    self.elements = elements
                    return elements

    def widget(self, kind: str, label: str) -> Element:
        """Return the last run's ``kind`` widget labelled ``label``."""
        for element in self.elements:
            if (
                element.WhichOneof("type") == kind
                and getattr(element, kind).label == label
            ):
                return element
        raise StepError(f"no {kind} labelled {label!r} on the page")

    def texts(self) -> str:
        """Return the last run's text (headings, markdown, alerts), one per line."""
        return "\n".join(filter(None, map(_text, self.elements)))

    async def upload(self, label: str, path: Path) -> list[Element]:
        """Upload ``path`` to the uploader labelled ``label`` as the browser does."""
        uploader = self.widget("file_uploader", label).file_uploader
        back = BackMsg()
        request_id = back.file_urls_request.request_id = uuid.uuid4().hex
        back.file_urls_request.file_names.append(path.name)
        back.file_urls_request.session_id = self.session_id
        await self.ws.send(back.SerializeToString())
        while True:
            message = await self._receive()
            reply = message.file_urls_response
            kind = message.WhichOneof("type")
            if kind == "file_urls_response" and reply.response_id == request_id:
                break
        urls = reply.file_urls[0]
        content = path.read_bytes()
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        put = await self.http.put(
            urls.upload_url,
            files={"file": (path.name, content, mime)},
            headers={"X-Xsrftoken": self.xsrf} if self.xsrf else {},
        )
        put.raise_for_status()
        state = WidgetState(id=uploader.id)
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = path.name, len(content), urls.file_id
        info.file_urls.CopyFrom(urls)
        self.widgets[uploader.id] = state
        return await self.rerun()

    def choose(self, label: str, values: list[str]) -> None:
        """Set the multiselect labelled ``label`` for the next run."""
        widget_id = self.widget("multiselect", label).multiselect.id
        state = WidgetState(id=widget_id)
        state.string_array_value.data.extend(values)
        self.widgets[widget_id] = state

    def leave_page(self) -> None:
        """Forget the page's uploaders, as the browser does on a page switch."""
        uploads = [
            k
            for k, v in self.widgets.items()
            if v.HasField("file_uploader_state_value")
        ]
        for key in uploads:
            del self.widgets[key]


def _map_in(elements: list[Element]) -> bool:
    return any(
        e.WhichOneof("type") == "component_instance"
        and "cmet-label" in e.component_instance.json_args
        for e in elements
    )


def _analysed_in(text: str) -> int:
    found = ANALYSED.search(text)
    if found is None:
        raise StepError("the page does not say how many incidents were analysed")
    return int(found.group(1).replace(",", ""))


async def _protocol_steps(
    client: StreamlitClient, files: tuple[Path, ...]
) -> AsyncIterator[str]:
    """Do each step over the websocket; yield its name when its runs finished."""
    await client.open()
    if MEETING not in client.texts().splitlines():
        raise StepError(f"the first page has no heading {MEETING!r}")
    yield "first_page"
    await client.rerun(DATA)
    for label, path in zip(UPLOADS, files, strict=True):
        await client.upload(label, path)
        if f"{label}: {path.name}" not in client.texts():
            raise StepError(f"{path.name} is not listed among the files in use")
    if "Validation report" not in client.texts():
        raise StepError("the Data page shows no validation report")
    yield "upload"
    client.leave_page()
    elements = await client.rerun(MEETING)
    if not _map_in(elements):
        raise StepError("the meeting page has no map with hotspot labels")
    before = _analysed_in(client.texts())
    yield "map"
    client.choose(THEMES, [THEME])
    elements = await client.rerun()
    if not _map_in(elements) or _analysed_in(client.texts()) >= before:
        raise StepError(f"choosing {THEME!r} did not narrow the analysis")
    yield "rerun"


async def protocol_session(
    url: str, files: tuple[Path, ...], record: Session, step_timeout_s: float
) -> None:
    """Run the steps over one websocket, drawing nothing."""
    runs = ScriptRuns()
    client = StreamlitClient(url, runs, record)
    try:
        await timed_steps(record, _protocol_steps(client, files), runs, step_timeout_s)
    finally:
        with contextlib.suppress(Exception):
            await client.close()


async def protocol_first_page(url: str) -> None:
    """Open the first page once over the websocket (to warm the server up)."""
    client = StreamlitClient(url, ScriptRuns(), Session(-1))
    try:
        await client.open()
    finally:
        await client.close()
