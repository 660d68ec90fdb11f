"""Utility tunnels (综合管廊): route a work into a tunnel with spare capacity nearby.

Assets of kind ``utility_tunnel`` (a line each, ``asset_id``, ``spare_capacity`` > 0 for a
tunnel with room; an optional ``utilities`` column, ``;``-joined, lists what it takes) are the
place to route into. A work whose zone comes within ``cobuild.tunnel_reach_m`` of such a tunnel
and runs alongside it (the shared stretch of :mod:`baseline.cobuild.stretch`) is recommended to
route into it; the saving is the trench it no longer digs there.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.cobuild import memory
from baseline.cobuild import stretch as stretch_mod
from baseline.cobuild import zones as zones_mod
from baseline.cobuild.core import both_languages
from baseline.standard.params import CobuildParams


def with_room(assets: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """The utility tunnels of ``assets`` with spare capacity."""
    if assets is None or "asset_type" not in assets:
        return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    tunnels = assets[assets["asset_type"] == "utility_tunnel"]
    spare = pd.to_numeric(
        tunnels.get("spare_capacity", pd.Series(0, index=tunnels.index)), errors="coerce"
    )
    return tunnels[spare.fillna(0) > 0].reset_index(drop=True)


def _takes(tunnel: Any, utility: str) -> bool:
    listed = str(tunnel.get("utilities", "") or "")
    return not listed or not utility or utility in listed.split(";")


def _best(
    work: Any, dig: Any, tunnels: gpd.GeoDataFrame, near: np.ndarray, reach: float
) -> tuple[int, Any, float]:
    """The tunnel (index into ``tunnels``) along which ``work`` runs longest, and the stretch."""
    best: tuple[int, Any, float] = (-1, None, 0.0)
    for k in near:
        tunnel = tunnels.iloc[int(k)]
        if not _takes(tunnel, str(work["utility"])):
            continue
        geom, length = stretch_mod.stretch(dig, tunnel.geometry, reach)
        if length > best[2]:
            best = (int(k), geom, length)
    return best


def tunnel_recs(
    works: gpd.GeoDataFrame, assets: gpd.GeoDataFrame | None, cob: CobuildParams, crs: Any
) -> list[gpd.GeoDataFrame]:
    """A ``route_into_tunnel`` row for each work alongside a tunnel with spare capacity."""
    tunnels = with_room(assets)
    if tunnels.empty or works.empty:
        return []
    tunnels = tunnels.to_crs(crs)
    w = works.to_crs(crs).reset_index(drop=True)
    geoms = w.geometry.to_numpy()
    zone = zones_mod.zones(
        geoms,
        zones_mod.widths(
            w["utility"].to_numpy(), w["width_m"].to_numpy(float), dict(cob.work_width_m)
        ),
    )
    dig = zones_mod.dig_lines(geoms, None)
    reach = float(cob.tunnel_reach_m)
    wi, ti = shapely.STRtree(tunnels.geometry.to_numpy()).query(
        zone, predicate="dwithin", distance=reach
    )
    fp = memory.fingerprints(w)
    rows = []
    for k in np.unique(wi):
        work = w.iloc[int(k)]
        t, geom, length = _best(work, dig[k], tunnels, ti[wi == k], reach)
        if t < 0:
            continue
        tunnel = tunnels.iloc[t]
        tid = str(tunnel.get("asset_id", t))
        distance = float(shapely.distance(zone[k], tunnel.geometry))
        saving = round(length * float(cob.trench_cost_cny_per_m), 0)
        rows.append(
            {
                "kind": "route_into_tunnel",
                "members": work["work_id"],
                "owners": work["owner"],
                "overlap_start": f"{work['start']:%Y-%m-%d}",
                "overlap_end": f"{work['end']:%Y-%m-%d}",
                "distance_m": round(distance, 1),
                "shared_length_m": round(length, 1),
                "saving_cny": saving,
                "explanation": both_languages(
                    "cobuild_tunnel",
                    work=work["work_id"],
                    tunnel=tid,
                    distance=distance,
                    spare=tunnel.get("spare_capacity"),
                    length=length,
                ),
                "fingerprint": f"{fp[k]};{tid}",
                "_key": f"{work['work_id']}|{tid}",
                "geometry": geom,
            }
        )
    return [gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)] if rows else []
