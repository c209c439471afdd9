"""Remember the last few results of a costly step for the same input arrays.

In the app most control changes (a new disclosure threshold, FDR level, period or
cell size) run the analysis again on the very same incidents. Steps that depend
only on the incidents' positions can then reuse their last answer instead of
working it out again. Arrays are recognised by a digest of their bytes, so equal
arrays from different objects match and nothing holds on to the caller's arrays.
The digest costs about 30 ms per million incidents' coordinates (BLAKE2b), paid
also where nothing is ever reused, as in ``cli.py``: under 1% of the run.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")


def digest(arrays: Sequence[np.ndarray], extra: Hashable = ()) -> bytes:
    """Return a 16-byte digest of the arrays (dtype, shape, values) and ``extra``."""
    h = hashlib.blake2b(repr(extra).encode(), digest_size=16)
    for array in arrays:
        array = np.ascontiguousarray(array)
        h.update(f"{array.dtype.str}{array.shape}".encode())
        if array.size:  # an empty array is told by its shape (no bytes to cast)
            h.update(memoryview(array).cast("B"))
    return h.digest()


class ArrayMemo(Generic[T]):
    """A small, thread-safe, least-recently-used memo keyed by array contents.

    Values are shared between callers and must be treated as read-only.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"memo size must be at least 1; got {size}.")
        self.size = size
        self._values: OrderedDict[bytes, T] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(
        self,
        arrays: Sequence[np.ndarray],
        extra: Hashable,
        make: Callable[[], T],
    ) -> T:
        """Return the remembered value for these arrays and ``extra``, or make it.

        Two threads asking for the same new key may both make it; the value is
        the same either way, so nothing waits under the lock while it is made.
        """
        key = digest(arrays, extra)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every remembered value."""
        with self._lock:
            self._values.clear()


def read_only(*values: object) -> None:
    """Mark the NumPy arrays among ``values`` read-only.

    A remembered value is shared by every caller that asks for it again, so none
    may change it in place; a write then raises instead of corrupting the rest.
    """
    for value in values:
        if isinstance(value, np.ndarray):
            value.flags.writeable = False


__all__ = ["ArrayMemo", "digest", "read_only"]
