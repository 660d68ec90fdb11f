"""Prediction: the median RSRP at given points from the best-serving site.

Each site has its own profile (:mod:`baseline.coverage.sites`) and height; each point gets the
strongest median RSRP of the sites within the distance their model is published for
(:data:`~baseline.coverage.pathloss.VALID_DISTANCE_M`), with that site's id and distance.
The prediction is the median (no shadow margin, no body loss): the quantity a drive test
measures and :mod:`baseline.coverage.calibrate` fits. Margins belong to coverage decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.coverage.budget import median_rsrp
from baseline.coverage.model import valid_sites
from baseline.coverage.pathloss import VALID_DISTANCE_M
from baseline.coverage.sites import heights, site_techs
from baseline.errors import BaselineError
from baseline.io.crs import metric_crs
from baseline.standard.params import CoverageParams

PREDICTION_COLUMNS = ("rsrp_dbm", "serving_site", "distance_m")
_SHOWN_ROWS = 10


@dataclass(frozen=True)
class SitePairs:
    """Every (point, site) pair within reach, with its distance and median RSRP."""

    point: np.ndarray
    site: np.ndarray
    distance_m: np.ndarray
    rsrp_dbm: np.ndarray


def site_ids(sites: gpd.GeoDataFrame) -> np.ndarray:
    """``site_id``, else ``asset_id``, else ``S<row>`` (counted from 1)."""
    for column in ("site_id", "asset_id"):
        if column in sites:
            ids = sites[column].astype("string")
            fallback = pd.Series([f"S{i + 1}" for i in range(len(sites))], index=sites.index)
            return ids.fillna(fallback).astype(str).to_numpy(object)
    return np.array([f"S{i + 1}" for i in range(len(sites))], dtype=object)


def prepared_sites(
    sites: gpd.GeoDataFrame, coverage: CoverageParams, crs: Any, *, tech: str | None, source: str
) -> gpd.GeoDataFrame:
    """Valid sites in ``crs`` with ``site_key`` (id), ``tech_id`` and ``h`` (height used)."""
    kept, _ = valid_sites(sites)
    out = gpd.GeoDataFrame(geometry=kept.to_crs(crs).geometry.to_numpy(), crs=crs)
    out["site_key"] = site_ids(kept)
    out["tech_id"] = site_techs(kept, coverage, tech=tech, source=source)
    default_h = out["tech_id"].map(lambda t: coverage.techs[t].bs_height_m).to_numpy()
    out["h"] = heights(kept).fillna(pd.Series(default_h, index=kept.index)).to_numpy()
    return out


def pairs_in_reach(
    points_m: np.ndarray, sites_m: gpd.GeoDataFrame, coverage: CoverageParams
) -> SitePairs:
    """Every pair closer than the site's model is published for, with its median RSRP."""
    reach = sites_m["tech_id"].map(lambda t: VALID_DISTANCE_M[coverage.techs[t].model][1])
    tree = shapely.STRtree(points_m)
    buffers = shapely.buffer(sites_m.geometry.to_numpy(), reach.to_numpy(), quad_segs=2)
    s_idx, p_idx = tree.query(buffers, predicate="intersects")
    dist = shapely.distance(points_m[p_idx], sites_m.geometry.to_numpy()[s_idx])
    keep = dist <= reach.to_numpy()[s_idx]
    s_idx, p_idx, dist = s_idx[keep], p_idx[keep], dist[keep]
    rsrp = np.full(len(dist), np.nan)
    combos = sites_m[["tech_id", "h"]].iloc[s_idx].reset_index(drop=True)
    for (tid, h), group in combos.groupby(["tech_id", "h"]):
        at = group.index.to_numpy()
        profile = coverage.techs[str(tid)].at_height(float(h))
        rsrp[at] = median_rsrp(profile, dist[at])
    return SitePairs(p_idx, s_idx, dist, rsrp)


def best_server(pairs: SitePairs, n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """(index of the best pair per point or -1, whether the point has any site in reach)."""
    order = np.lexsort((-pairs.rsrp_dbm, pairs.point))
    first = np.full(n_points, -1)
    points, starts = np.unique(pairs.point[order], return_index=True)
    first[points] = order[starts]
    return first, first >= 0


def out_of_reach_error(source: str, rows: np.ndarray, what: str = "point") -> BaselineError:
    """The refusal of points that no site reaches, naming the rows and the fix."""
    shown = ", ".join(str(int(r) + 1) for r in rows[:_SHOWN_ROWS])
    more = f" and {len(rows) - _SHOWN_ROWS} more" if len(rows) > _SHOWN_ROWS else ""
    more_zh = f"等（另有 {len(rows) - _SHOWN_ROWS} 行）" if len(rows) > _SHOWN_ROWS else ""
    what_zh = {"point": "个点", "sample": "个测量样本"}.get(what, f"个{what}")
    return BaselineError(
        f"{source}: {len(rows)} {what}(s) at row(s) {shown}{more} (counted from 1) lie beyond "
        "every site's reach (the distance its model is published for: 5 km for TR 38.901, "
        "20 km for COST-231 Hata); pass the sites that serve them with --sites, or drop the rows",
        zh=f"{source}：第 {shown} 行{more_zh}（从 1 计）的 {len(rows)} {what_zh}超出所有站点的"
        "覆盖距离（其模型公布的适用距离：TR 38.901 为 5 km，COST-231 Hata 为 20 km）；"
        "请用 --sites 给出服务这些位置的站点，或删除这些行",
    )


def predict(
    sites: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    coverage: CoverageParams,
    *,
    tech: str | None = None,
    source: str = "points",
) -> gpd.GeoDataFrame:
    """Median RSRP of the best server at every point, in input order.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Points with ``site_id`` and any of ``tech``, ``band_mhz``, ``height_m``.
    points : geopandas.GeoDataFrame
        Where to predict; their own columns are kept.
    coverage : CoverageParams
    tech : str, optional
        The technology of sites that do not say theirs.
    source : str
        The points' file name, for messages.

    Returns
    -------
    geopandas.GeoDataFrame
        The points with ``rsrp_dbm`` (dBm, one decimal), ``serving_site`` and ``distance_m``.

    Raises
    ------
    BaselineError
        When a point has no site within reach, or a site's technology is unknown.
    """
    crs = metric_crs(points)
    sites_m = prepared_sites(sites, coverage, crs, tech=tech, source="sites")
    points_m = np.asarray(points.to_crs(crs).geometry.to_numpy())
    pairs = pairs_in_reach(points_m, sites_m, coverage)
    best, found = best_server(pairs, len(points))
    if not found.all():
        raise out_of_reach_error(source, np.flatnonzero(~found))
    out = points.copy()
    out["rsrp_dbm"] = np.round(pairs.rsrp_dbm[best], 1)
    out["serving_site"] = sites_m["site_key"].to_numpy()[pairs.site[best]]
    out["distance_m"] = np.round(pairs.distance_m[best], 1)
    return out
