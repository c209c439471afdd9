"""The server under load: ``streamlit run app.py`` on loopback, and /proc figures.

Memory and CPU come from the kernel (``/proc/<pid>/status`` and ``stat``), so
the figures cover C allocations and threads, and the server is measured from
outside, untouched.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEALTH_TIMEOUT_S = 90.0
_CLK_TCK = os.sysconf("SC_CLK_TCK")


def loopback(host: str) -> str:
    """Return ``host`` if it is a loopback address, else raise (never serve out)."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: only "localhost" is known to be loopback
        loopback = False
    if loopback:
        return host
    raise ValueError(f"--host {host}: the load test only serves on loopback")


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return reply.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def proc_status(pid: int, key: str) -> float:
    """Return a ``/proc/<pid>/status`` memory figure in MB (0 if gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds of one process (0 if gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


def descendants(root: int) -> list[int]:
    """Return the ids of every living process below ``root``."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def available_mb() -> float:
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


class Server:
    """``streamlit run app.py`` on a loopback port with its own database and log."""

    def __init__(
        self,
        host: str,
        folder: Path,
        options: list[str] | None = None,
        cpus: set[int] | None = None,
    ) -> None:
        self.port = _free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.log = folder / "server.log"
        self.profiler: subprocess.Popen | None = None
        env = {**os.environ, "CMET_DB_PATH": str(folder / "cmet.sqlite")}
        for name in ("CMET_DB_URL", "CMET_REQUIRE_SIGN_IN", "CMET_ROLES"):
            env.pop(name, None)
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless=true",
            f"--server.port={self.port}",
            f"--server.address={host}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
            *(f"--{option}" for option in options or ()),
        ]
        with self.log.open("wb") as out:
            # Its own process group, so stopping it takes any helper with it.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if cpus:
            # Set before Streamlit starts its threads, which inherit it.
            os.sched_setaffinity(self.process.pid, cpus)

    def wait_healthy(self) -> float:
        """Return seconds until ``/_stcore/health`` answered ok (or raise)."""
        began = time.monotonic()
        while not _healthy(self.url):
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            if time.monotonic() - began > HEALTH_TIMEOUT_S:
                raise RuntimeError(f"streamlit not healthy after {HEALTH_TIMEOUT_S} s")
            time.sleep(0.25)
        return time.monotonic() - began

    def profile(self, output: Path) -> None:
        """Sample the server with py-spy (GIL-holding stacks, raw) until it stops."""
        spy = Path(sys.executable).with_name("py-spy")
        command = [str(spy), "record", "--pid", str(self.process.pid), "--gil"]
        command += ["--format", "raw", "--output", str(output), "--nonblocking"]
        self.profiler = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def helpers(self) -> list[int]:
        """Return the ids of processes measuring the server (not the browser)."""
        return [] if self.profiler is None else [self.profiler.pid]

    def stop(self) -> None:
        """Stop the profiler, then the server's process group (SIGTERM, SIGKILL)."""
        if self.profiler is not None and self.profiler.poll() is None:
            self.profiler.send_signal(signal.SIGINT)  # py-spy writes its file
            try:
                self.profiler.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.profiler.kill()
                self.profiler.wait()
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def tracebacks(self) -> int:
        """Return how many tracebacks the server logged."""
        return self.log.read_text(errors="replace").count("Traceback (most recent")


def client_pids(server: Server) -> list[int]:
    """Return the processes this harness started besides the server (the browser)."""
    pids = set(descendants(os.getpid())) - {server.process.pid, *server.helpers()}
    return sorted(pids - set(descendants(server.process.pid)))
