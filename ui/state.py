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
    "postcodes",
    "boundaries",
    "wimd",
)
# Kinds that take one file only (the pipeline reads one of each).
SINGLE_FILE_KINDS: frozenset[str] = frozenset(
    {"workers", "area", "postcodes", "boundaries", "wimd"}
)

# Non-widget keys: they survive page switches (widget state does not).
UPLOADS = "uploads"  # dict[kind, tuple[(file name, bytes), ...]]
SOURCES = "sources"  # (the UPLOADS dict, the ui.data.Sources made from it)
HOTSPOT_PARAMS = "hotspot_params"  # the sidebar's frozen HotspotParams
FILTER = "incident_filter"  # the sidebar's frozen IncidentFilter
PANEL_DATE = "panel_date_value"  # the sidebar's panel date (None: last incident)
ROTA_REQUEST = "rota_request"  # (Request, RotaParams, meeting date) of "Plan rota"
MAP_LAST_CLICK = "panel_map_last_click"  # last map click already acted on
USER = "user"  # ui.auth.Access of this session
SIGNED_IN_LOGGED = "signed_in_logged"  # the sign-in audit event was written
SAVED_SNAPSHOT = "saved_snapshot"  # id of the snapshot this session saved
SAVED_ROTAS = "saved_rotas"  # rota keys and row counts already saved this session

# Widget keys.
LANG = "lang"
MAP = "panel_map"
HOTSPOT_PICK = "hotspot_pick"
SB_DATES = "sb_dates"
SB_DATES_RANGE = "sb_dates_range"  # the files' first and last day SB_DATES was set for
SB_CATEGORIES = "sb_categories"
SB_SOURCES = "sb_sources"
SB_BANDS = "sb_bands"
SB_PANEL_DATE = "sb_panel_date"
SB_PERIOD = "sb_period"
SB_UNITS = "sb_units"
SB_CELL_MODE = "sb_cell_mode"
SB_CELL_SIZE = "sb_cell_size"
SB_ALPHA = "sb_alpha"
SB_THRESHOLD = "sb_threshold"
SB_PUBLISHABLE = "sb_publishable"
SB_OFFLINE = "sb_offline"
ROTA_START = "rota_start"
ROTA_DAYS = "rota_days"
ROTA_TIME_LIMIT = "rota_time_limit"
ROTA_MEETING = "rota_meeting"
ROTA_PLAN = "rota_plan"
USE_DEMO = "use_demo"
GAP_TYPES = "gap_types"
DECISION_FORM = "decision_form"
DECISION_DATE = "decision_date"
DECISION_TEXT = "decision_text"
DECISION_TARGETS = "decision_targets"
DECISION_SAVE = "decision_save"
PACK_PDF = "pack_pdf"


def uploader_key(kind: str) -> str:
    """Return the file-uploader widget key for one kind of input."""
    return f"upload_{kind}"
