"""Where each finding is: the geometry a reviewer looks at on the map.

A per-building finding is about its building's footprint; a finding of a rule about a
fitting kind is about the project's fittings of that kind (all of them, as one geometry);
anything else is about the project's boundary or centreline. Geometries are looked up once
per distinct (project, building) or (project, fitting kind) and taken by index, so a large
findings table costs a few joins.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.standard.catalogue import Standard


def _union_by(frame: gpd.GeoDataFrame, keys: list[str]) -> pd.Series:
    """One geometry per group of ``keys`` (the union of the group's geometries)."""
    if frame.empty:
        return pd.Series(dtype=object)
    groups = frame.groupby(keys, sort=False).geometry
    return groups.agg(lambda g: shapely.union_all(g.to_numpy()))


def _lookup(table: pd.Series, keys: pd.MultiIndex | pd.Index) -> np.ndarray:
    """Values of ``table`` at ``keys`` (None where absent)."""
    if table.empty:
        return np.full(len(keys), None, dtype=object)
    at = table.index.get_indexer(keys)
    values = np.concatenate([table.to_numpy(object), np.full(1, None, dtype=object)])
    return np.asarray(values[np.where(at >= 0, at, len(values) - 1)], dtype=object)


def findings_layer(
    findings: pd.DataFrame,
    projects: gpd.GeoDataFrame,
    fittings: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame | None,
    std: Standard,
    crs: Any = "EPSG:4326",
) -> gpd.GeoDataFrame:
    """The findings as a layer: each row with the geometry it is about, in ``crs``.

    Parameters
    ----------
    findings : pandas.DataFrame
        The findings table of a check.
    projects, fittings : geopandas.GeoDataFrame
        The checked plan's projects and fittings (WGS84).
    buildings : geopandas.GeoDataFrame or None
        The plan's buildings (WGS84).
    std : Standard
        The catalogue (which fitting kind each rule is about).
    crs : Any
        The CRS of the layer (default WGS84; ``EPSG:4490`` for the planning one map).

    Returns
    -------
    geopandas.GeoDataFrame
        The findings' columns and ``geometry``.
    """
    kind_of = {rid: rule.fitting() for rid, rule in std.rules.items()}
    kinds = findings["rule_id"].map(kind_of).fillna("").astype(str)
    pid = findings["project_id"].astype(str)
    bid = findings["building_id"].astype(str)
    geom = _lookup(
        projects.drop_duplicates("project_id").set_index("project_id").geometry, pd.Index(pid)
    )
    fits = fittings[fittings["project_id"].notna()]
    by_kind = _union_by(fits.assign(project_id=fits["project_id"].astype(str)),
                        ["project_id", "kind"])  # fmt: skip
    own = _lookup(by_kind, pd.MultiIndex.from_arrays([pid, kinds]))
    geom = np.where(pd.isna(own), geom, own)
    if buildings is not None and len(buildings):
        feet = buildings.set_index(["project_id", "building_id"]).geometry
        at = _lookup(feet, pd.MultiIndex.from_arrays([pid, bid]))
        geom = np.where((bid != "").to_numpy() & ~pd.isna(at), at, geom)
    layer = gpd.GeoDataFrame(findings.copy(), geometry=list(geom), crs="EPSG:4326")
    return layer.to_crs(crs)
