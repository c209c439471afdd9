"""The peer: the same hotspot statistics written the usual way, stage-timed.

What a competent analyst writes from the geopandas and PySAL tutorials: pandas
``read_csv``, geopandas points and ``to_crs``, a fishnet of shapely boxes kept where
the cell centre lies in the study area, ``gpd.sjoin`` of the points into the fishnet,
libpysal ``Queen.from_dataframe``, esda ``G_Local(star=True, transform="B",
permutations=999)``, ``esda.fdr`` and ``dissolve``. It takes the cell size our
pipeline chose, so both test exactly the same cells with the same Gi* z-scores.

The call is the brief's, esda's defaults included: ``n_jobs=-1`` starts joblib
workers, which without numba (not in this venv) is slower than one process on
this 2-core machine (10.7 s against 4.1 s on 12,600 cells); ``--n-jobs 1`` gives
the tuned variant. The peer does no disclosure control, naming, profiles, trends,
contexts or report.

Run from the repository root (``bench/run.py`` does this in a fresh process)::

    .venv/bin/python bench/peer.py --incidents A.csv [B.csv ...] --area AREA \
        --cell-size 100 --out DIR
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import StageClock, peak_rss_mb

PERMUTATIONS = 999
ALPHA = 0.05
SEED = 12345


def main(argv: list[str] | None = None) -> int:
    """Run the peer pipeline once; print a JSON record of stage times on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", nargs="+", type=Path, required=True)
    parser.add_argument("--area", type=Path, required=True)
    parser.add_argument("--cell-size", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--permutations", type=int, default=PERMUTATIONS)
    parser.add_argument("--n-jobs", type=int, default=None, help="esda n_jobs")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # esda 2.9.0 and libpysal deprecation chatter
    clock = StageClock()
    with clock.stage("imports"):
        import esda
        import geopandas as gpd
        import numpy as np
        import pandas as pd
        from esda.getisord import G_Local
        from libpysal.weights import Queen
        from shapely.geometry import box

    with clock.stage("read"):
        df = pd.concat([pd.read_csv(p) for p in args.incidents], ignore_index=True)
    with clock.stage("validate"):
        rows_read = len(df)
        df = df.dropna(subset=["latitude", "longitude"])
        df["when"] = pd.to_datetime(
            df["date"] + " " + df["time"].fillna("00:00"), errors="coerce"
        )
        df = df.dropna(subset=["when"])
    with clock.stage("project"):
        points = gpd.GeoDataFrame(
            df,
            geometry=gpd.points_from_xy(df["longitude"], df["latitude"]),
            crs="EPSG:4326",
        ).to_crs(27700)
    with clock.stage("grid"):
        area = gpd.read_file(args.area).to_crs(27700)
        size = args.cell_size
        xmin, ymin, xmax, ymax = area.total_bounds
        xs = np.arange(np.floor(xmin / size) * size, xmax, size)
        ys = np.arange(np.floor(ymin / size) * size, ymax, size)
        fishnet = gpd.GeoDataFrame(
            geometry=[box(x, y, x + size, y + size) for x in xs for y in ys],
            crs=27700,
        )
        fishnet = fishnet[fishnet.centroid.within(area.union_all())]
        fishnet = fishnet.reset_index(drop=True)
    with clock.stage("sjoin + count"):
        joined = gpd.sjoin(points, fishnet, how="inner", predicate="within")
        counts = joined.groupby("index_right").size()
        fishnet["n"] = counts.reindex(fishnet.index, fill_value=0)
        in_cells = len(joined)
        del joined
    with clock.stage("weights (Queen)"):
        w = Queen.from_dataframe(fishnet, use_index=False)
    with clock.stage("Gi* (999 permutations)"):
        jobs = {} if args.n_jobs is None else {"n_jobs": args.n_jobs}
        gi = G_Local(
            fishnet["n"].astype(float).to_numpy(),
            w,
            star=True,
            transform="B",
            permutations=args.permutations,
            seed=SEED,
            **jobs,
        )
    with clock.stage("FDR"):
        cutoff = esda.fdr(gi.p_sim, ALPHA)
        significant = gi.p_sim <= cutoff
        fishnet["z"] = gi.Zs
        fishnet["p_sim"] = gi.p_sim
        fishnet["hot"] = significant & (gi.Zs > 0)
        fishnet["cold"] = significant & (gi.Zs < 0)
    with clock.stage("hotspot areas"):
        hot = fishnet[fishnet["hot"]]
        areas = hot[["geometry"]].dissolve().explode(index_parts=False)
        areas = areas.reset_index(drop=True)
        centres = hot.copy()
        centres["geometry"] = hot.representative_point()
        members = gpd.sjoin(centres, areas, predicate="within")
        areas["incidents"] = members.groupby("index_right")["n"].sum()
        areas["cells"] = members.groupby("index_right").size()
        areas = areas.sort_values("incidents", ascending=False)
    with clock.stage("write outputs"):
        args.out.mkdir(parents=True, exist_ok=True)
        areas.to_file(args.out / "hotspots.geojson", driver="GeoJSON")
        fishnet.to_file(args.out / "cells.geojson", driver="GeoJSON")
    record = {
        "rows_read": rows_read,
        "incidents_in_cells": int(in_cells),
        "cells": len(fishnet),
        "hot_cells": int(fishnet["hot"].sum()),
        "cold_cells": int(fishnet["cold"].sum()),
        "fdr_cutoff": float(cutoff),
        "min_p_sim": float(gi.p_sim.min()),
        "hotspots": len(areas),
        "stages_s": clock.rounded(),
        "peak_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
