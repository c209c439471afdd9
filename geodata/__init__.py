"""Partners' files in, canonical EPSG:27700 frames out (incidents as x/y columns)."""

from geodata.archive import split_part
from geodata.crs import BNG, WGS84
from geodata.disclosure import DEFAULT_THRESHOLD, shown_counts, suppress_counts
from geodata.errors import InputDataError
from geodata.layers import join_wimd, read_boundaries, read_wimd
from geodata.places import load_places
from geodata.postcodes import read_postcode_table
from geodata.read import (
    FileReport,
    Source,
    read_area,
    read_contacts,
    read_incidents,
    read_places,
)
from geodata.tables import list_parts, read_table

__all__ = [
    "BNG",
    "DEFAULT_THRESHOLD",
    "WGS84",
    "FileReport",
    "InputDataError",
    "Source",
    "join_wimd",
    "list_parts",
    "load_places",
    "read_area",
    "read_boundaries",
    "read_contacts",
    "read_incidents",
    "read_places",
    "read_postcode_table",
    "read_table",
    "read_wimd",
    "shown_counts",
    "split_part",
    "suppress_counts",
]
