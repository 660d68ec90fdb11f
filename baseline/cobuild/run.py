"""The co-build use case end to end, for the CLI and the app alike.

:func:`find_opportunities` is the one entry: it takes a works layer (shared trenches) or a
site plan (a layer with a ``kind`` column: it is checked, then shared trenches, co-location,
new shared sites and pole mounts), honours every option on both, reads nothing twice and
decides the metric CRS once. :func:`recommend` serves a plan already checked.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.check.run import CheckResult, check
from baseline.cobuild import memory
from baseline.cobuild.core import (
    finalise,
    owners_of,
    pole_recs,
    prepare_works,
    siting_recs,
    trench_recs,
)
from baseline.cobuild.leadtime import lead_time_recs
from baseline.cobuild.matching import find_pairs
from baseline.cobuild.options import CobuildOptions
from baseline.cobuild.protected import protected_recs
from baseline.cobuild.tunnels import tunnel_recs
from baseline.engine.assets import layer_metric_crs
from baseline.engine.executor import Engine
from baseline.errors import DataWarning, Note, data_notes
from baseline.io.bundled import load_assets
from baseline.io.crs import metric_crs
from baseline.io.partitioned import PartitionedLayer
from baseline.io.siteplan import SitePlan, siteplan_from_frames
from baseline.standard.catalogue import Standard


@dataclass
class Opportunities:
    """What one co-build run gives.

    Attributes
    ----------
    recs : geopandas.GeoDataFrame
        Recommendations, columns :data:`baseline.cobuild.REC_COLUMNS`, WGS84.
    messages : list of Note
        Warnings about works skipped and notes on the site plan, for the user: English
        strings, each with its Chinese (``message.message("zh")``).
    checked : CheckResult, optional
        The check of the site plan, when the works were one.
    """

    recs: gpd.GeoDataFrame
    messages: list[Note] = field(default_factory=list)
    checked: CheckResult | None = None


def recommend(
    result: CheckResult,
    std: Standard,
    *,
    assets: gpd.GeoDataFrame | None = None,
    options: CobuildOptions | None = None,
    engine: Engine | None = None,
    crs: Any = None,
) -> gpd.GeoDataFrame:
    """All co-build recommendations for a checked site plan.

    Shared trenches among the plan's projects (their dates and owners), co-location and new
    shared sites for the projects failing the catalogue's ``cobuild.demand_rules``, and pole
    mounts. ``options.columns`` is not used: the plan's columns were mapped when it was read.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`baseline.cobuild.REC_COLUMNS`, WGS84, in a deterministic order.
    """
    return _recommend(result, std, assets, options or CobuildOptions(), engine, crs)[0]


def _with_dig(result: CheckResult) -> gpd.GeoDataFrame:
    """The plan's projects, each plot with the ducts it lays as the line it digs (``_dig``).

    A plot's trench in the street is its connection duct, not its boundary: a stub earns a
    stub's length. Line projects (centrelines) dig along themselves.
    """
    projects = result.projects.copy()
    fits = result.fittings
    ducts = fits[(fits["kind"] == "duct") & fits["project_id"].notna()].to_crs(projects.crs)
    laid = ducts.groupby("project_id").geometry.agg(lambda g: shapely.union_all(g.to_numpy()))
    is_plot = projects.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    dig = projects["project_id"].map(laid).to_numpy(dtype=object)
    dig[~is_plot] = None
    dig[is_plot & pd.isna(dig)] = shapely.LineString()  # a plot laying no duct digs no street
    projects["_dig"] = dig
    return projects


def _quiet_prepared(
    frame: gpd.GeoDataFrame, options: CobuildOptions, std: Standard
) -> gpd.GeoDataFrame:
    """Works prepared for the per-work checks (their skipped rows were reported by matching)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return prepare_works(frame, options.columns, std.cobuild.utilities)


def _per_work(
    prepared: gpd.GeoDataFrame | None,
    std: Standard,
    options: CobuildOptions,
    tunnels: gpd.GeoDataFrame | None,
    crs: Any,
) -> list[gpd.GeoDataFrame]:
    """Protected roads, lead times and utility tunnels: the checks of single works."""
    if prepared is None or prepared.empty:
        return []
    cob = std.cobuild
    parts = (
        protected_recs(prepared, options.protected, cob, crs)
        if options.protected is not None
        else []
    )
    return [*parts, *lead_time_recs(prepared, cob, crs), *tunnel_recs(prepared, tunnels, cob, crs)]


def _finish(
    parts: list[gpd.GeoDataFrame], std: Standard, options: CobuildOptions
) -> gpd.GeoDataFrame:
    """Number and cost the recommendations; compare them with a previous output if given."""
    recs = finalise(parts, std.cobuild)
    if options.previous is None:
        return recs
    today = options.today or pd.Timestamp.today().normalize()
    return memory.compare(recs, options.previous, today)


def _recommend(
    result: CheckResult,
    std: Standard,
    assets: gpd.GeoDataFrame | None,
    options: CobuildOptions,
    engine: Engine | None,
    crs: Any,
) -> tuple[gpd.GeoDataFrame, list[Note]]:
    crs = crs or metric_crs(result.projects)
    params = options.match_params(std.cobuild)
    projects = _with_dig(result)
    pairs, messages = find_pairs(
        projects, params, engine=engine, crs=crs, utilities=std.cobuild.utilities
    )
    tunnels = options.tunnels if options.tunnels is not None else assets
    parts = [
        *trench_recs(pairs, std.cobuild),
        *_per_work(_quiet_prepared(projects, CobuildOptions(), std), std, options, tunnels, crs),
        *siting_recs(result, std.cobuild, assets, crs),
        *pole_recs(result, std.cobuild, assets, crs),
    ]
    recs = _finish(parts, std, options)
    owners = owners_of(result)
    pole = recs["kind"] == "pole_mount"
    recs.loc[pole, "owners"] = [
        ";".join(sorted({owners.get(m, "") for m in ms.split(";") if owners.get(m)}))
        for ms in recs.loc[pole, "members"]
    ]
    return recs, messages


def _plan_of(frame: gpd.GeoDataFrame, std: Standard, options: CobuildOptions) -> SitePlan:
    """The site plan a layer with a ``kind`` column holds, its columns mapped."""
    label = str(frame.attrs.get("source", "site plan")).replace("\\", "/").rsplit("/", 1)[-1]
    name = str(frame.attrs.get("layer", "siteplan"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        plan = siteplan_from_frames({name: frame}, std, label=label, columns=options.plan_columns())
    plan.notes = data_notes(caught)
    plan.source = label
    return plan


def _plan_opportunities(
    frame: gpd.GeoDataFrame,
    std: Standard,
    options: CobuildOptions,
    assets: gpd.GeoDataFrame | None,
    engine: Engine | None,
    crs: Any,
) -> Opportunities:
    plan = _plan_of(frame, std, options)
    assets = load_assets() if assets is None else assets
    crs = crs or metric_crs(plan.projects)
    checked = check(plan, std, assets=assets)
    recs, messages = _recommend(checked, std, assets, options, engine, crs)
    return Opportunities(recs, [*plan.notes, *messages], checked)


def long_works(works: gpd.GeoDataFrame, id_col: str, crs: Any, limit_m: float) -> list[Note]:
    """A warning naming the works longer than ``limit_m`` (a corridor, not one dig).

    Such a work is matched along its whole length, so every pair it makes deserves a look;
    the catalogue's ``cobuild.long_work_m`` sets the limit.
    """
    if works.empty:
        return []
    length = works.to_crs(crs).geometry.length.to_numpy()
    long = np.flatnonzero(length > limit_m)
    if not len(long):
        return []
    ids = ", ".join(
        f"{works[id_col].iloc[k]} ({length[k] / 1000:,.1f} km)" for k in long[:8].tolist()
    )
    more = f" and {len(long) - 8} more" if len(long) > 8 else ""
    more_zh = f" 等，另有 {len(long) - 8} 项" if len(long) > 8 else ""
    en = (
        f"{len(long)} work(s) longer than {limit_m:,.0f} m: {ids}{more}; a work that long is "
        "usually a corridor of several digs: check its pairs, or split it by street"
    )
    zh = (
        f"{len(long)} 项工程长于 {limit_m:,.0f} 米：{ids}{more_zh}；这么长的工程通常是"
        "多次开挖组成的走廊：请核查其配对，或按道路拆分"
    )
    return [Note(en, zh)]


def is_siteplan(works: gpd.GeoDataFrame | PartitionedLayer) -> bool:
    """True when ``works`` is a site plan: it has a ``kind`` column."""
    return "kind" in works.columns


def find_opportunities(
    works: gpd.GeoDataFrame | PartitionedLayer,
    std: Standard,
    *,
    options: CobuildOptions | None = None,
    assets: gpd.GeoDataFrame | None = None,
    engine: Engine | None = None,
    crs: Any = None,
) -> Opportunities:
    """Co-build opportunities among works, or in a site plan.

    Parameters
    ----------
    works : geopandas.GeoDataFrame or PartitionedLayer
        A works layer (id, start and end dates, optional owner, as ``options.columns``
        names them), or a site plan: a layer with a ``kind`` column, which is checked
        first (a partitioned site plan is read whole: plans are small).
    std : Standard
    options : CobuildOptions, optional
        Column names, buffers (distance and time, per owner), protected roads, utility
        tunnels and a previous output to compare with, on every branch.
    assets : geopandas.GeoDataFrame, optional
        Existing assets for a site plan's check, co-location and pole mounts; default the
        bundled ones. Not read for a works layer.
    engine : Engine, optional
        Where the trench matching runs (default local). A site plan is checked locally.
    crs : CRS-like, optional
        The run's metric CRS; default chosen from the works (the plan's projects).

    Returns
    -------
    Opportunities
    """
    options = options or CobuildOptions()
    if is_siteplan(works):
        frame = works.frame() if isinstance(works, PartitionedLayer) else works
        return _plan_opportunities(frame, std, options, assets, engine, crs)
    crs = crs or layer_metric_crs(works)
    params = options.match_params(std.cobuild)
    pairs, messages = find_pairs(
        works, params, cols=options.columns, engine=engine, crs=crs, utilities=std.cobuild.utilities
    )
    prepared = _works_for_checks(works, options, std)
    if isinstance(works, gpd.GeoDataFrame):  # a partitioned layer is too large to list
        messages += long_works(works, options.columns.id, crs, std.cobuild.long_work_m)
    parts = [
        *trench_recs(pairs, std.cobuild),
        *_per_work(prepared, std, options, options.tunnels, crs),
    ]
    return Opportunities(_finish(parts, std, options), messages)


def _works_for_checks(
    works: gpd.GeoDataFrame | PartitionedLayer, options: CobuildOptions, std: Standard
) -> gpd.GeoDataFrame | None:
    """All works prepared, when a per-work check has something to check (else None)."""
    needed = (
        options.protected is not None
        or options.tunnels is not None
        or "registered_date" in works.columns
    )
    if not needed:
        return None
    frame = works.frame() if isinstance(works, PartitionedLayer) else works
    return _quiet_prepared(frame, options, std)
