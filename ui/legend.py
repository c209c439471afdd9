"""The panel map's legend: every symbol named in words, in the reader's language."""

from __future__ import annotations

import html
from collections.abc import Sequence

import geopandas as gpd

from i18n import t
from i18n.terms import term
from ui.changes import ARROWS
from ui.layers import CONTEXT_COLOUR, DENSITY_COLOURS, WIMD_COLOURS, service_symbol

# Okabe-Ito colours per change class, each with its own outline pattern and weight
# and an arrow in the label, so no class is told by colour alone:
# (colour, Leaflet dash pattern, weight, the legend's CSS border style).
CHANGE_STYLE: dict[str, tuple[str, str, int, str]] = {
    "New": ("#E69F00", "2 6", 4, "dotted"),
    "Growing": ("#D55E00", "", 5, "solid"),
    "Steady": ("#0072B2", "", 3, "solid"),
    "Fading": ("#009E73", "10 6", 3, "dashed"),
    "Gone": ("#666666", "4 4 1 4", 2, "dashed"),
}
# ColorBrewer RdBu ends: safe for the common colour-vision deficiencies. Hot and cold
# also differ by outline (solid or dashed) and by the words in tooltip and legend.
HOT_STRONG, HOT, COLD, COLD_STRONG = "#b2182b", "#ef8a62", "#67a9cf", "#2166ac"
_CELLS = (
    (HOT_STRONG, "solid", "strong hot"),
    (HOT, "solid", "hot"),
    (COLD, "dashed", "cold"),
    (COLD_STRONG, "dashed", "strong cold"),
)
_STYLE = (
    "<style>"
    ".cmet-legend{position:fixed;bottom:28px;left:10px;z-index:1000;max-width:250px;"
    "max-height:55%;overflow:auto;background:rgba(255,255,255,.95);padding:4px 8px;"
    "border:1px solid #666;border-radius:4px;font:12px/1.45 'DejaVu Sans','Noto Sans',"
    "Arial,sans-serif;color:#111}"
    ".cmet-legend summary{cursor:pointer;min-height:24px;font-weight:bold}"
    ".cmet-legend summary:focus-visible{outline:3px solid #0b0c0c}"
    ".cmet-label{font:bold 13px sans-serif;background:#fff;color:#111;"
    "border:3px solid #1a1a1a;border-radius:3px;text-align:center;white-space:nowrap;"
    "min-height:18px}"
    ".cmet-svc{font:bold 10px/20px sans-serif;color:#fff;min-width:20px;"
    "min-height:20px;text-align:center;border:2px solid #fff;border-radius:10px;"
    "padding:0 2px}"
    ".leaflet-control-layers label{min-height:24px;display:flex;align-items:center}"
    # The layer button says "Layers" in words, and works without Leaflet's image.
    ".leaflet-control-layers-toggle{background-image:none!important;width:auto!important;"
    "min-width:44px;padding:0 10px;font:bold 13px/44px sans-serif;color:#111;"
    "text-decoration:none}"
    ".leaflet-control-layers-toggle::before{content:var(--cmet-layers)}"
    "</style>"
)


def _swatch(fill: str, border: str, dash: str = "solid", width: int = 2) -> str:
    return (
        '<span aria-hidden="true" style="display:inline-block;width:16px;'
        f"height:12px;background:{fill};border:{width}px {dash} {border};"
        'margin-right:6px;vertical-align:middle"></span>'
    )


def legend_html(
    lang: str,
    *,
    changes: Sequence[str] = ("New", "Growing", "Steady", "Fading"),
    gone: bool = False,
    services: gpd.GeoDataFrame | None = None,
    density: Sequence[str] = (),
    wimd: bool = False,
    contexts: bool = False,
) -> str:
    """Return the map legend as a small HTML block naming every symbol in words.

    Parameters
    ----------
    lang
        Language of the legend.
    changes
        Change classes drawn on the map (``ui.changes.ORDER`` words).
    gone
        Whether gone hotspots are drawn.
    services
        Services drawn on the map; only their categories are listed.
    density
        Labels of the density classes drawn (empty: no density layer).
    wimd
        Whether the deprivation layer is drawn.
    contexts
        Whether contexts are drawn.

    Returns
    -------
    str
        HTML with a ``cmet-legend`` block and the label/marker styles.
    """
    rows = [f"<b>{html.escape(t('legend.areas', lang))}</b>"]
    for head in (*changes, *(("Gone",) if gone else ())):
        colour, _, _, dash = CHANGE_STYLE[head]
        rows.append(
            f"{_swatch('transparent', colour, dash, 3)}<b>{ARROWS[head]}</b> "
            + html.escape(t(f"legend.change.{head}", lang))
        )
    rows.append(f"<b>{html.escape(t('legend.cells', lang))}</b>")
    for fill, dash, kind in _CELLS:
        rows.append(
            _swatch(fill, fill, dash) + html.escape(t(f"legend.cell.{kind}", lang))
        )
    if contexts:
        rows.append(
            _swatch("transparent", CONTEXT_COLOUR, "dotted")
            + html.escape(t("legend.contexts", lang))
        )
    if density:
        rows.append(f"<b>{html.escape(t('legend.density', lang))}</b>")
        rows += [
            _swatch(colour, colour) + html.escape(label)
            for colour, label in zip(DENSITY_COLOURS, density, strict=False)
        ]
    if wimd:
        rows.append(f"<b>{html.escape(t('legend.wimd', lang))}</b>")
        rows += [
            _swatch(colour, "#444")
            + html.escape(t("legend.wimd_pair", lang, low=2 * i + 1, high=2 * i + 2))
            for i, colour in enumerate(WIMD_COLOURS)
        ]
    if services is not None and not services.empty:
        rows.append(f"<b>{html.escape(t('legend.services', lang))}</b>")
        chips = []
        for category in sorted(services["category"].astype(str).unique()):
            symbol, colour = service_symbol(category)
            chips.append(
                '<span style="white-space:nowrap;margin-right:8px">'
                f'<span class="cmet-svc" style="background:{colour};'
                f'display:inline-block;margin-right:3px">{symbol}</span>'
                f"{html.escape(term('service', category, lang))}</span>"
            )
        rows.append(" ".join(chips))
    rows.append(_swatch("#ffffff", "#4d4d4d") + html.escape(t("legend.spaces", lang)))
    rows.append(
        _swatch("transparent", "#555555", "dashed")
        + html.escape(t("legend.area", lang))
    )
    items = "".join(f"<div>{row}</div>" for row in rows)
    label = html.escape(t("legend.title", lang))
    layers = t("legend.layers", lang).replace('"', "")
    return (
        f'{_STYLE}<style>:root{{--cmet-layers:"{html.escape(layers)}"}}</style>'
        f'<details class="cmet-legend" open lang="{html.escape(lang)}" '
        f'aria-label="{label}"><summary>{label}</summary>{items}</details>'
    )
