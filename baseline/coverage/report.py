"""Gap reporting: rank gap polygons by the planned projects they touch, and summarise.

A gap that intersects a planned project is where a new site in that project would close
it: such gaps rank first (by the project area they hold), then the rest by size.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.coverage.model import CoverageResult, covered_fraction
from baseline.io.siteplan import SitePlan


def rank_gaps(result: CoverageResult, plan: SitePlan | None) -> gpd.GeoDataFrame:
    """Add ``projects`` (ids of projects touching a gap), ``project_area_m2`` and ``rank``."""
    gaps = result.gaps.copy()
    gaps["projects"] = ""
    gaps["project_area_m2"] = 0.0
    if plan is not None and len(gaps):
        proj = plan.projects.to_crs(result.crs)
        p_idx, g_idx = shapely.STRtree(gaps.geometry.values).query(
            proj.geometry.values, predicate="intersects"
        )
        pairs = pd.DataFrame({"g": g_idx, "p": p_idx})
        inter = shapely.intersection(gaps.geometry.values[g_idx], proj.geometry.values[p_idx])
        pairs["area"] = shapely.area(inter)
        pairs["pid"] = proj["project_id"].to_numpy()[pairs["p"]]
        agg = pairs.groupby("g").agg(
            projects=("pid", lambda s: ";".join(sorted(s))), project_area_m2=("area", "sum")
        )
        gaps.loc[agg.index, "projects"] = agg["projects"]
        gaps.loc[agg.index, "project_area_m2"] = agg["project_area_m2"].round(1)
    gaps = gaps.sort_values(
        ["project_area_m2", "area_m2", "gap_id"], ascending=[False, False, True], ignore_index=True
    )
    gaps["rank"] = np.arange(1, len(gaps) + 1)
    gaps["area_m2"] = gaps["area_m2"].round(1)
    return gaps


def gap_report(
    result: CoverageResult, area: gpd.GeoDataFrame, plan: SitePlan | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Return (ranked gaps in WGS84, summary table per area row and per project)."""
    ranked = rank_gaps(result, plan).to_crs("EPSG:4326")
    area_m = area.to_crs(result.crs)
    name_col = next((c for c in ("name", "NAME", "adcode") if c in area_m), None)
    names = (
        area_m[name_col].astype(str)
        if name_col
        else pd.Series([f"area {i + 1}" for i in range(len(area_m))], index=area_m.index)
    )
    rows = pd.DataFrame(
        {
            "level": "area",
            "id": names.to_numpy(),
            "area_m2": area_m.area.round(1).to_numpy(),
            "covered_fraction": covered_fraction(area_m.geometry, result.union).round(5).to_numpy(),
        }
    )
    if plan is not None:
        proj = plan.projects.to_crs(result.crs)
        rows = pd.concat(
            [
                rows,
                pd.DataFrame(
                    {
                        "level": "project",
                        "id": proj["project_id"].to_numpy(),
                        "area_m2": proj.area.round(1).to_numpy(),
                        "covered_fraction": covered_fraction(proj.geometry, result.union)
                        .round(5)
                        .to_numpy(),
                    }
                ),
            ],
            ignore_index=True,
        )
    return ranked, rows
