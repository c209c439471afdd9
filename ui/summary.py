"""One-line summaries of a hotspot result: what was found and how (no Streamlit)."""

from __future__ import annotations

import numpy as np

from geodata.disclosure import suppress_counts
from hotspots.result import HotspotResult
from i18n import t
from i18n.terms import term


def result_line(result: HotspotResult, lang: str = "en") -> str:
    """Return what the analysis found, in ``lang`` (English: the pipeline's words)."""
    if lang == "en":
        return result.message
    if result.status != "ok":
        return t("result.too_few", lang)
    return t(
        "result.found",
        lang,
        n=len(result.hotspots),
        cells=result.choices.get("cells", "-"),
        units=term("units", result.choices.get("units", "square"), lang),
    )


def method_caption(result: HotspotResult, threshold: int, lang: str = "en") -> str:
    """Return the plain-words method note, including every automatic choice."""
    c = result.choices
    parts = []
    if "cell_size_m" in c:
        rule = c.get("cell_size_rule", "") if lang == "en" else ""
        size = t("method.cells", lang, size=f"{float(c['cell_size_m']):.0f}")
        parts.append(size + (f" ({rule})" if rule else ""))
    if "cells" in c:
        area = c.get("study_area_km2")
        over = t("method.over", lang, area=area) if area else ""
        parts.append(t("method.count", lang, cells=c["cells"]) + over)
    if "incidents_analysed" in c:
        shown = suppress_counts(np.array([int(c["incidents_analysed"])]), threshold)
        parts.append(t("method.analysed", lang, n=shown.iloc[0]))
    if "weights" in c:
        parts.append(t("method.gistar", lang))
    if "alpha_fdr" in c:
        parts.append(t("method.fdr", lang, rate=f"{float(c['alpha_fdr']):.0%}"))
    parts.append(t("method.threshold", lang, k=threshold, below=threshold - 1))
    return t("method.prefix", lang) + "; ".join(parts) + "."
