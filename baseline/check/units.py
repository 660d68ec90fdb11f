"""What a per-building rule is judged on: each building, or a project without buildings.

GB 51456-2023 §3.0.3 and §3.0.4 speak of a single building (单体建筑). A rule marked
``per: building`` is evaluated on *units*: every building of the plan (its ``use`` is its
category), and every project that gives no building, judged as one building (its
category and attributes). Fittings belong to the unit of their building; in a project with
buildings, a fitting outside every footprint belongs to no building. The units are one
table like the projects, so the rule kinds measure them with the same array operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from baseline.io.siteplan import SitePlan

SEP = "\x1f"
"""Between the project and building ids in a unit id (a character no id holds)."""


@dataclass(frozen=True)
class Units:
    """The units of a check.

    Attributes
    ----------
    frame : geopandas.GeoDataFrame
        ``unit_id``, ``project_id``, ``building_id`` ('' for a project judged whole),
        ``category`` and the attributes rules read, in the check's metric CRS.
    fittings : geopandas.GeoDataFrame
        The plan's fittings with ``unit_id`` (NA when in no unit).
    project : numpy.ndarray
        Position of each unit's project in the check's project table.
    whole : numpy.ndarray of bool
        Per project: it gives no building and is judged as one.
    """

    frame: gpd.GeoDataFrame
    fittings: gpd.GeoDataFrame
    project: np.ndarray
    whole: np.ndarray


def _unit_ids(projects: Any, buildings: Any) -> pd.Series:
    return pd.Series(projects, dtype="string") + SEP + pd.Series(buildings, dtype="string")


def building_units(plan: SitePlan, projects: gpd.GeoDataFrame, crs: Any) -> Units:
    """The units of ``plan`` given its metric ``projects`` (as the check holds them).

    Parameters
    ----------
    plan : SitePlan
    projects : geopandas.GeoDataFrame
        The check's projects in ``crs`` with the columns rules read.
    crs : Any
        The check's metric CRS.

    Returns
    -------
    Units
    """
    ids = projects["project_id"].to_numpy(object)
    built = plan.buildings
    whole = ~np.isin(ids, built["project_id"].to_numpy(object))
    own = projects[whole].assign(building_id="")
    skip = {"project_id", "building_id", "use", "geometry", projects.geometry.name}
    attrs = [c for c in projects.columns if c in built.columns and c not in skip]
    parts = built[["project_id", "building_id", "use", *attrs, "geometry"]].to_crs(crs)
    parts = parts.rename(columns={"use": "category"})
    frame = pd.concat([own, parts], ignore_index=True)
    frame = gpd.GeoDataFrame(frame, geometry=projects.geometry.name, crs=crs)
    frame["unit_id"] = _unit_ids(frame["project_id"], frame["building_id"]).to_numpy(object)
    fits = plan.fittings
    named = fits["building_id"] if "building_id" in fits else pd.Series(pd.NA, index=fits.index)
    unit = _unit_ids(fits["project_id"], named.astype("string").fillna(""))
    fittings = fits.assign(unit_id=unit.to_numpy(object))
    project = pd.Index(ids).get_indexer(frame["project_id"].to_numpy(object))
    return Units(frame, fittings, project.astype(np.int64), whole)
