"""Every ``st.session_state`` key the app uses, in one place."""

from __future__ import annotations

# Kinds of input file, in the order the Data page lists them.
KINDS: tuple[str, ...] = (
    "incidents",
    "contacts",
    "services",
    "spaces",
    "workers",
    "area",
)
# Kinds that take one file only (the pipeline reads one team and one study area).
SINGLE_FILE_KINDS: frozenset[str] = frozenset({"workers", "area"})

# Non-widget keys: they survive page switches (widget state does not).
UPLOADS = "uploads"  # dict[kind, tuple[(file name, bytes), ...]]
HOTSPOT_PARAMS = "hotspot_params"  # the sidebar's frozen HotspotParams
ROTA_REQUEST = "rota_request"  # (RotaParams, meeting date) of the last "Plan rota"
MAP_LAST_CLICK = "panel_map_last_click"  # last map click already acted on

# Widget keys.
MAP = "panel_map"
HOTSPOT_PICK = "hotspot_pick"
SB_CATEGORIES = "sb_categories"
SB_CELL_MODE = "sb_cell_mode"
SB_CELL_SIZE = "sb_cell_size"
SB_ALPHA = "sb_alpha"
SB_THRESHOLD = "sb_threshold"
SB_OFFLINE = "sb_offline"
ROTA_START = "rota_start"
ROTA_DAYS = "rota_days"
ROTA_TIME_LIMIT = "rota_time_limit"
ROTA_MEETING = "rota_meeting"
ROTA_PLAN = "rota_plan"
USE_DEMO = "use_demo"
GAP_TYPES = "gap_types"


def uploader_key(kind: str) -> str:
    """Return the file-uploader widget key for one kind of input."""
    return f"upload_{kind}"
