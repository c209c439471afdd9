"""Settings a user can change for hotspot detection, validated once."""

from __future__ import annotations

from dataclasses import dataclass

from geodata.disclosure import DEFAULT_THRESHOLD
from geodata.errors import InputDataError

# Period lengths a user can choose, in days; "month" steps back by calendar months.
PERIOD_DAYS = {"fortnight": 14, "28 days": 28, "month": None}

PERIOD_LENGTHS = tuple(PERIOD_DAYS)


@dataclass(frozen=True)
class HotspotParams:
    """Hotspot settings shared by the CLI and the app.

    Attributes
    ----------
    cell_size
        Grid cell side in metres; ``None`` chooses it from the spacing of incidents.
    alpha
        False-discovery rate across all cells (Benjamini-Hochberg).
    min_incidents
        Below this many incidents the result is "too few incidents to say".
    threshold
        Disclosure threshold k: non-zero counts below it are shown as "<k".
    categories
        Keep only these incident categories; empty keeps all.
    period
        Length of the periods trends are counted in: "fortnight" (panel
        meetings), "28 days" or "month" (for police.uk monthly data).
    units
        "square" cells, "hex" (hexagons of equal area) or "areas" (the study-area
        polygons themselves, e.g. LSOAs or wards).
    """

    cell_size: float | None = None
    alpha: float = 0.05
    min_incidents: int = 30
    threshold: int = DEFAULT_THRESHOLD
    categories: tuple[str, ...] = ()
    units: str = "square"
    period: str = "fortnight"

    def __post_init__(self) -> None:
        if self.cell_size is not None and not 25 <= self.cell_size <= 5000:
            raise InputDataError(
                "cell size must be between 25 and 5000 metres; got "
                f"{self.cell_size:g}. Leave it empty to choose it automatically."
            )
        if not 0 < self.alpha < 0.5:
            raise InputDataError(
                "alpha (false discovery rate) must be between 0 and 0.5; got "
                f"{self.alpha}."
            )
        if not 2 <= self.threshold <= 50:
            raise InputDataError(
                f"disclosure threshold must be between 2 and 50; got {self.threshold}."
            )
        if self.units not in ("square", "hex", "areas"):
            raise InputDataError(
                f"units must be square, hex or areas; got '{self.units}'."
            )
        if self.period not in PERIOD_LENGTHS:
            raise InputDataError(
                f"period must be one of {', '.join(PERIOD_LENGTHS)}; got "
                f"'{self.period}'."
            )
        if self.min_incidents < 10:
            raise InputDataError(
                f"minimum incidents must be at least 10; got {self.min_incidents}."
            )
