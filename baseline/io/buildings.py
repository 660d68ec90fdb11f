"""Buildings of a site plan: single-building footprints (单体建筑) inside their projects.

A ``building`` feature carries ``building_id`` (unique within its project), ``use`` (a
category), ``gfa_m2`` and the building attributes. It belongs to the project it names, or to
the project whose boundary holds it. Fittings belong to the building they name, or to the
building whose footprint holds them. Every problem is listed at once (the reader raises one
error with all of them); nothing is guessed.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.io.crs import metric_crs
from baseline.io.planning import NUMERIC_ATTRIBUTES, with_numbers
from baseline.standard.catalogue import Standard

OUTSIDE_TOLERANCE_M = 0.5
"""A footprint may stick out of its boundary by this much (drawing precision)."""
BUILDING_COLUMNS = ("project_id", "building_id", "use")


def _text(values: pd.Series) -> pd.Series:
    """Ids as stripped text, NA when empty."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _names(frame: pd.DataFrame) -> pd.Series:
    """How a building is named in a message: ``project/building``."""
    pid = frame["project_id"].fillna("?").astype(str)
    return pid + "/" + frame["building_id"].fillna("(no building_id)").astype(str)


def _tie_to_projects(b: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> pd.Series:
    """The project of each building: as given, else the boundary holding its inside point."""
    pid = b["project_id"].copy()
    todo = pid.isna()
    if todo.any() and len(boundaries):
        points = gpd.GeoDataFrame(geometry=b.loc[todo].representative_point(), crs=b.crs)
        hits = gpd.sjoin(points, boundaries[["project_id", "geometry"]], predicate="within")
        hits = hits.sort_values("project_id").groupby(level=0)["project_id"].first()
        pid.loc[hits.index] = hits
    return pid


def _outside(b: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> np.ndarray:
    """Whether each building sticks out of its project's boundary (or has none)."""
    crs = metric_crs(b)
    geom = boundaries.set_index("project_id").geometry.to_crs(crs)
    geom = geom[~geom.index.duplicated()]
    own = geom.reindex(b["project_id"].to_numpy(object)).to_numpy()
    feet = np.asarray(b.geometry.to_crs(crs).to_numpy())
    has = ~pd.isna(own)
    inside = np.zeros(len(b), bool)
    inside[has] = shapely.covered_by(feet[has], shapely.buffer(own[has], OUTSIDE_TOLERANCE_M))
    return ~inside


def _problems(b: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, std: Standard) -> list[str]:
    """Every problem of the buildings, one line each."""
    names = _names(b)
    out = [f"building {n}: no building_id" for n in names[b["building_id"].isna()]]
    out += [f"building {n}: no 'use' (a category)" for n in names[b["use"].isna()]]
    bad_use = b["use"].notna() & ~b["use"].isin(list(std.categories))
    known = ", ".join(std.categories)
    out += [
        f"building {n}: use '{u}' is not a category, must be one of {known}"
        for n, u in zip(names[bad_use], b.loc[bad_use, "use"], strict=True)
    ]
    out += [f"building {n}: no gfa_m2 (总建筑面积)" for n in names[b["gfa_m2"].isna()]]
    known_ids = set(boundaries["project_id"]) if len(boundaries) else set()
    lost = b["project_id"].isna() | ~b["project_id"].isin(known_ids)
    out += [f"building {n}: lies in no project boundary" for n in names[lost]]
    outside = _outside(b, boundaries) & ~lost.to_numpy()
    out += [f"building {n}: lies outside its project's boundary" for n in names[outside]]
    dup = b.duplicated(["project_id", "building_id"], keep="first") & b["building_id"].notna()
    out += [f"building {n}: building_id used twice in the project" for n in names[dup]]
    return out


def read_buildings(
    feats: gpd.GeoDataFrame, projects: gpd.GeoDataFrame, std: Standard
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The buildings of a plan tied to their projects, and every problem found.

    Parameters
    ----------
    feats : geopandas.GeoDataFrame
        The plan's ``building`` features (WGS84).
    projects : geopandas.GeoDataFrame
        The plan's cleaned projects.
    std : Standard
        For the categories and their aliases.

    Returns
    -------
    buildings : geopandas.GeoDataFrame
        ``project_id``, ``building_id``, ``use``, the numeric attributes and the footprint.
    problems : list of str
        One line per problem (empty when the buildings are sound).
    """
    b = with_numbers(feats.drop(columns="kind")).reset_index(drop=True)
    for col in BUILDING_COLUMNS:
        b[col] = _text(b[col]) if col in b else pd.Series(pd.NA, index=b.index, dtype="string")
    b["use"] = b["use"].map(lambda u: std.category_aliases.get(u, u) if u is not pd.NA else u)
    b["name"] = b.get("name", pd.NA)
    b = b[[*BUILDING_COLUMNS, "name", *NUMERIC_ATTRIBUTES, "geometry"]]
    boundaries = projects[projects["kind"] == "boundary"]
    if len(b):
        b["project_id"] = _tie_to_projects(b, boundaries)
    problems = _problems(b, boundaries, std) if len(b) else []
    return gpd.GeoDataFrame(b, geometry="geometry", crs=feats.crs), problems


def assign_buildings(
    fittings: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Tie fittings to buildings: as named, else the footprint (of its project) holding them.

    Returns
    -------
    fittings : geopandas.GeoDataFrame
        With ``building_id`` (NA when the fitting belongs to no building).
    problems : list of str
        Fittings naming a building their project does not define.
    """
    out = fittings.copy()
    given = _text(out["building_id"]) if "building_id" in out else None
    out["building_id"] = given if given is not None else pd.Series(pd.NA, index=out.index)
    out["building_id"] = out["building_id"].astype("string")
    keys = set(zip(buildings["project_id"], buildings["building_id"], strict=True))
    named = out["building_id"].notna()
    pairs = zip(out.loc[named, "project_id"], out.loc[named, "building_id"], strict=True)
    undefined = [f"{p}/{b}" for p, b in pairs if (p, b) not in keys]
    problems = [f"a fitting names building {k}, which is not defined" for k in undefined]
    todo = ~named & out["project_id"].notna()
    if todo.any() and len(buildings):
        points = gpd.GeoDataFrame(
            {"fitting_project": out.loc[todo, "project_id"]},
            geometry=out.loc[todo].representative_point(),
            crs=out.crs,
        )
        hits = gpd.sjoin(points, buildings[["project_id", "building_id", "geometry"]],
                         predicate="within")  # fmt: skip
        hits = hits[hits["fitting_project"] == hits["project_id"]]
        hits = hits.sort_values("building_id").groupby(level=0)["building_id"].first()
        out.loc[hits.index, "building_id"] = hits
    return out, problems
