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

from baseline.errors import Text
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


def _each(names: pd.Series, en: str, zh: str) -> list[Text]:
    """One problem per building in ``names``: ``en``/``zh`` after ``building N:``."""
    return [Text(f"building {n}: {en}", f"建筑 {n}：{zh}") for n in names]


def _problems(b: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, std: Standard) -> list[Text]:
    """Every problem of the buildings, one line each."""
    names = _names(b)
    out = _each(names[b["building_id"].isna()], "no building_id", "没有 building_id")
    out += _each(names[b["use"].isna()], "no 'use' (a category)", "没有“use”（用途类别）")
    bad_use = b["use"].notna() & ~b["use"].isin(list(std.categories))
    known = ", ".join(std.categories)
    out += [
        Text(
            f"building {n}: use '{u}' is not a category, must be one of {known}",
            f"建筑 {n}：用途“{u}”不是已有类别，须为以下之一：{known}",
        )
        for n, u in zip(names[bad_use], b.loc[bad_use, "use"], strict=True)
    ]
    out += _each(names[b["gfa_m2"].isna()], "no gfa_m2 (总建筑面积)", "没有 gfa_m2（总建筑面积）")
    known_ids = set(boundaries["project_id"]) if len(boundaries) else set()
    lost = b["project_id"].isna() | ~b["project_id"].isin(known_ids)
    out += _each(names[lost], "lies in no project boundary", "不在任何项目用地红线内")
    outside = _outside(b, boundaries) & ~lost.to_numpy()
    out += _each(names[outside], "lies outside its project's boundary", "位于所属项目用地红线之外")
    dup = b.duplicated(["project_id", "building_id"], keep="first") & b["building_id"].notna()
    out += _each(
        names[dup], "building_id used twice in the project", "building_id 在项目中重复使用"
    )
    return out


def read_buildings(
    feats: gpd.GeoDataFrame, projects: gpd.GeoDataFrame, std: Standard
) -> tuple[gpd.GeoDataFrame, list[Text]]:
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
    problems : list of Text
        One line per problem in English and Chinese (empty when the buildings are sound).
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
) -> tuple[gpd.GeoDataFrame, list[Text]]:
    """Tie fittings to buildings: as named, else the footprint (of its project) holding them.

    Returns
    -------
    fittings : geopandas.GeoDataFrame
        With ``building_id`` (NA when the fitting belongs to no building).
    problems : list of Text
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
    problems = [
        Text(
            f"a fitting names building {k}, which is not defined",
            f"有配套设施指向建筑 {k}，但该建筑未定义",
        )
        for k in undefined
    ]
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
