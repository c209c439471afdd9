"""Give memory the readers have finished with back to the operating system.

Reading a large CSV goes through Arrow's memory pool (mimalloc), which keeps
freed blocks for reuse, and through glibc's ``malloc``, which keeps freed pages
at the top of its heaps. Neither is returned to the system by itself, so after
a million-row read the process holds ~190 MB it no longer uses: the app server
keeps it for every session, and the analysis after the read starts from there.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)


def _rss_kb() -> int:
    """Return this process's resident size in KiB (0 where /proc is absent)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def release_free_memory() -> int:
    """Return freed Arrow and malloc memory to the system; give the KiB released.

    Safe anywhere: without pyarrow loaded, or without glibc, that part is skipped.
    """
    before = _rss_kb()
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        libc_name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(libc_name)
            trim = libc.malloc_trim
        except (OSError, AttributeError, TypeError):  # not glibc (musl, ...)
            trim = None
        if trim is not None:
            trim(0)
    released = max(before - _rss_kb(), 0)
    log.debug("released %d KiB of freed memory", released)
    return released
