"""Partners' files in, canonical EPSG:27700 GeoDataFrames out."""

from geodata.crs import BNG, WGS84
from geodata.disclosure import DEFAULT_THRESHOLD, shown_counts, suppress_counts
from geodata.errors import InputDataError
from geodata.places import load_places
from geodata.read import (
    FileReport,
    Source,
    read_area,
    read_contacts,
    read_incidents,
    read_places,
)

__all__ = [
    "BNG",
    "DEFAULT_THRESHOLD",
    "WGS84",
    "FileReport",
    "InputDataError",
    "Source",
    "load_places",
    "read_area",
    "read_contacts",
    "read_incidents",
    "read_places",
    "shown_counts",
    "suppress_counts",
]
