"""The validation report of one file: rows read, kept and dropped by reason."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class FileReport:
    """Rows read, kept and dropped by reason for one file, with what it was."""

    file: str
    kind: str
    rows_read: int = 0
    rows_kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    format: str = ""

    def drop(self, reason: str, mask: np.ndarray) -> None:
        """Count rows dropped for ``reason`` (only reasons that occurred)."""
        count = int(np.count_nonzero(mask))
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + count

    def as_dict(self) -> dict:
        """Return a JSON-serialisable record."""
        return {
            "file": self.file,
            "kind": self.kind,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "dropped": dict(self.dropped),
            "notes": list(self.notes),
        }
